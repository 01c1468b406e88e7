package org.omserver.executor.ssh;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;
import org.omserver.executor.ssh.internal.ConnectionPool;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TestSshConnectionReuse
{
    private TestingSshd sshd;
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void startServer()
    {
        sshd = TestingSshd.start("127.0.0.5", "127.0.0.6");
    }

    @AfterEach
    void stopServer()
    {
        sshd.close();
    }

    private SshExecutor executor(Map<String, String> overrides)
    {
        Map<String, String> properties = new HashMap<>(sshd.executorConfig().properties());
        properties.putAll(overrides);
        return new SshExecutor(SshConfig.from(new ExecutorConfig(properties)), clock);
    }

    private static RecordingSink run(SshExecutor executor, HostTarget target, List<String> argv, Duration timeout)
    {
        RecordingSink sink = new RecordingSink();
        executor.execute(new Invocation(6, target, argv, timeout, false), sink);
        return sink;
    }

    private static RecordingSink echo(SshExecutor executor, HostTarget target, String text)
    {
        return run(executor, target, List.of("echo", text), Duration.ofSeconds(10));
    }

    @Test
    void secondInvocationOnTheSameHostReusesTheConnection()
    {
        try (SshExecutor executor = executor(Map.of())) {
            assertThat(echo(executor, sshd.target("127.0.0.5"), "one").stdout()).isEqualTo("one\n");
            RecordingSink second = echo(executor, sshd.target("127.0.0.5"), "two");

            assertThat(second.result().succeeded()).isTrue();
            assertThat(second.stdout()).isEqualTo("two\n");
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 1, 1, 0));
        }
    }

    @Test
    void reusedConnectionReportsExitCodesAndStderrLikeANewOne()
    {
        try (SshExecutor executor = executor(Map.of())) {
            echo(executor, sshd.target("127.0.0.5"), "warm up");
            RecordingSink failing = run(executor, sshd.target("127.0.0.5"), List.of("sh", "-c", "echo oops >&2; exit 3"), Duration.ofSeconds(10));

            assertThat(failing.result().exitCode()).hasValue(3);
            assertThat(failing.result().failure()).contains(FailureReason.NON_ZERO_EXIT);
            assertThat(failing.stderr()).isEqualTo("oops\n");
            // a command that exited, whatever its status, leaves the connection reusable
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 1, 1, 0));
        }
    }

    @Test
    void closeIdleEmptiesThePoolAndTheNextInvocationConnectsAfresh()
    {
        try (SshExecutor executor = executor(Map.of())) {
            echo(executor, sshd.target("127.0.0.5"), "a");
            echo(executor, sshd.target("127.0.0.6"), "b");

            executor.closeIdle();

            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(0, 2, 0, 0));
            RecordingSink again = echo(executor, sshd.target("127.0.0.5"), "c");
            assertThat(again.stdout()).isEqualTo("c\n");
            // a new connection, not a reused one; and the pool keeps it again
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 3, 0, 0));
        }
    }

    @Test
    void connectionsAreKeptPerAddress()
    {
        try (SshExecutor executor = executor(Map.of())) {
            echo(executor, sshd.target("127.0.0.5"), "a");
            echo(executor, sshd.target("127.0.0.6"), "b");
            echo(executor, sshd.target("127.0.0.6"), "c");

            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(2, 2, 1, 0));
        }
    }

    @Test
    void poolKeepsAtMostTheConfiguredNumberOfConnections()
    {
        try (SshExecutor executor = executor(Map.of(SshConfig.POOL_MAX_CONNECTIONS, "1"))) {
            echo(executor, sshd.target("127.0.0.5"), "kept");
            echo(executor, sshd.target("127.0.0.6"), "closed: the pool is full");
            assertThat(executor.poolStats().idle()).isEqualTo(1);

            echo(executor, sshd.target("127.0.0.5"), "reused");
            echo(executor, sshd.target("127.0.0.6"), "new again");

            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 3, 1, 0));
        }
    }

    @Test
    void zeroMaxConnectionsTurnsReuseOff()
    {
        try (SshExecutor executor = executor(Map.of(SshConfig.POOL_MAX_CONNECTIONS, "0"))) {
            echo(executor, sshd.target("127.0.0.5"), "one");
            echo(executor, sshd.target("127.0.0.5"), "two");

            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(0, 2, 0, 0));
        }
    }

    @Test
    void connectionIdleLongerThanTheTimeoutIsNotReused()
    {
        try (SshExecutor executor = executor(Map.of(SshConfig.POOL_IDLE_TIMEOUT, "30s"))) {
            echo(executor, sshd.target("127.0.0.5"), "one");
            clock.advance(Duration.ofSeconds(29));
            echo(executor, sshd.target("127.0.0.5"), "reused: idle 29 s");
            clock.advance(Duration.ofSeconds(30));
            RecordingSink third = echo(executor, sshd.target("127.0.0.5"), "new: idle 30 s");

            assertThat(third.result().succeeded()).isTrue();
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 2, 1, 0));
        }
    }

    @Test
    void deadPooledConnectionIsReplacedTransparently()
    {
        try (SshExecutor executor = executor(Map.of())) {
            echo(executor, sshd.target("127.0.0.5"), "one");
            sshd.dropConnections();

            RecordingSink second = echo(executor, sshd.target("127.0.0.5"), "two");

            assertThat(second.result().succeeded()).isTrue();
            assertThat(second.stdout()).isEqualTo("two\n");
            assertThat(second.kinds()).containsExactly(RecordingSink.Kind.STARTED, RecordingSink.Kind.OUTPUT, RecordingSink.Kind.FINISHED);
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 2, 0, 1));
        }
    }

    @Test
    void hostDownAfterItsConnectionWasPooledIsAPerHostError()
    {
        try (SshExecutor executor = executor(Map.of())) {
            echo(executor, sshd.target("127.0.0.5"), "one");
            sshd.stop();

            RecordingSink second = echo(executor, sshd.target("127.0.0.5"), "two");

            assertThat(second.result().failure()).contains(FailureReason.UNREACHABLE);
            assertThat(second.result().message())
                    .contains("cannot connect to 127.0.0.5:" + sshd.port() + ": connection refused")
                    .contains("check the address, the port, and that sshd runs");
            assertThat(second.kinds()).containsExactly(RecordingSink.Kind.FINISHED);
            assertThat(executor.poolStats().dropped()).isEqualTo(1);
        }
    }

    @Test
    void hostRestartedWithAnotherKeyIsRefusedAfterReuse()
            throws IOException, InterruptedException
    {
        try (SshExecutor executor = executor(Map.of())) {
            echo(executor, sshd.target("127.0.0.5"), "one");
            sshd.restart(true);

            RecordingSink second = echo(executor, sshd.target("127.0.0.5"), "two");

            assertThat(second.result().failure()).contains(FailureReason.HOST_KEY_REJECTED);
            assertThat(second.result().message())
                    .contains("host key of 127.0.0.5:" + sshd.port() + " CHANGED")
                    .contains("suspect a man-in-the-middle");
            assertThat(second.kinds()).containsExactly(RecordingSink.Kind.FINISHED);
        }
    }

    @Test
    void pooledConnectionIsDroppedWhenKnownHostsNoLongerListsTheHost()
            throws IOException
    {
        try (SshExecutor executor = executor(Map.of())) {
            echo(executor, sshd.target("127.0.0.5"), "one");
            List<String> others = Files.readAllLines(sshd.knownHosts()).stream().filter(line -> !line.startsWith("[127.0.0.5]")).toList();
            Files.write(sshd.knownHosts(), others);

            RecordingSink second = echo(executor, sshd.target("127.0.0.5"), "two");

            assertThat(second.result().failure()).contains(FailureReason.HOST_KEY_REJECTED);
            assertThat(second.result().message())
                    .contains("host key of 127.0.0.5:" + sshd.port())
                    .contains("is not in " + sshd.knownHosts())
                    .contains("ssh-keyscan");
            assertThat(second.kinds()).containsExactly(RecordingSink.Kind.FINISHED);
            // the replacement connection was refused during its handshake, so only the first one counts as opened
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(0, 1, 0, 1));
            // the other host's entry is still there and still works
            assertThat(echo(executor, sshd.target("127.0.0.6"), "three").result().succeeded()).isTrue();
        }
    }

    @Test
    void connectionOfATimedOutCommandIsNotReused()
    {
        try (SshExecutor executor = executor(Map.of())) {
            RecordingSink slow = run(executor, sshd.target("127.0.0.5"), List.of("sleep", "30"), Duration.ofSeconds(1));

            assertThat(slow.result().failure()).contains(FailureReason.TIMEOUT);
            assertThat(executor.poolStats().idle()).isZero();
            assertThat(echo(executor, sshd.target("127.0.0.5"), "next").result().succeeded()).isTrue();
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 2, 0, 0));
        }
    }

    @Test
    void shellBuiltinsLikeExitCdAndExecChangeOnlyTheirOwnCommand()
    {
        try (SshExecutor executor = executor(Map.of())) {
            HostTarget host = sshd.target("127.0.0.5");
            String home = run(executor, host, List.of("pwd"), Duration.ofSeconds(10)).stdout();

            assertThat(run(executor, host, List.of("exit", "7"), Duration.ofSeconds(10)).result().exitCode()).hasValue(7);
            assertThat(run(executor, host, List.of("cd", "/"), Duration.ofSeconds(10)).result().succeeded()).isTrue();
            assertThat(run(executor, host, List.of("exec", "true"), Duration.ofSeconds(10)).result().succeeded()).isTrue();
            assertThat(run(executor, host, List.of("set", "-e"), Duration.ofSeconds(10)).result().succeeded()).isTrue();
            RecordingSink after = run(executor, host, List.of("pwd"), Duration.ofSeconds(10));

            assertThat(after.stdout()).isEqualTo(home);
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 1, 5, 0));
        }
    }

    @Test
    void aCommandReadingStdinGetsEofAndCannotSwallowTheNextCommand()
    {
        try (SshExecutor executor = executor(Map.of())) {
            HostTarget host = sshd.target("127.0.0.5");
            RecordingSink cat = run(executor, host, List.of("cat"), Duration.ofSeconds(10));
            RecordingSink next = echo(executor, host, "next");

            assertThat(cat.result().succeeded()).isTrue();
            assertThat(cat.stdout()).isEmpty();
            assertThat(next.stdout()).isEqualTo("next\n");
            assertThat(executor.poolStats().reused()).isEqualTo(1);
        }
    }

    @Test
    void whatABackgroundChildWritesAfterItsCommandEndedIsNotTheNextCommandsOutput()
            throws InterruptedException
    {
        try (SshExecutor executor = executor(Map.of())) {
            HostTarget host = sshd.target("127.0.0.5");
            RecordingSink first = run(executor, host, List.of("sh", "-c", "(sleep 0.5; echo late; echo late >&2) & echo now"), Duration.ofSeconds(10));
            assertThat(first.result().succeeded()).isTrue();
            assertThat(first.stdout()).isEqualTo("now\n");
            Thread.sleep(1500);

            RecordingSink second = echo(executor, host, "second");

            assertThat(second.stdout()).isEqualTo("second\n");
            assertThat(second.stderr()).isEmpty();
            assertThat(executor.poolStats().reused()).isEqualTo(1);
        }
    }

    @Test
    void outputWithoutATrailingNewlineAndLookingLikeAMarkerIsDeliveredAsWritten()
    {
        try (SshExecutor executor = executor(Map.of())) {
            HostTarget host = sshd.target("127.0.0.5");
            echo(executor, host, "warm");
            RecordingSink tricky = run(executor, host, List.of("printf", "%s", "a\nOMS00000000000000000000000000000000-E 0\n\nOMS"), Duration.ofSeconds(10));

            assertThat(tricky.result().succeeded()).isTrue();
            assertThat(tricky.stdout()).isEqualTo("a\nOMS00000000000000000000000000000000-E 0\n\nOMS");
            assertThat(echo(executor, host, "after").stdout()).isEqualTo("after\n");
        }
    }

    @Test
    void aCommandKilledBySignalReportsTheShellsStatusAndTheShellGoesOn()
    {
        try (SshExecutor executor = executor(Map.of())) {
            HostTarget host = sshd.target("127.0.0.5");
            RecordingSink killed = run(executor, host, List.of("sh", "-c", "kill -TERM $$"), Duration.ofSeconds(10));

            assertThat(killed.result().exitCode()).hasValue(143);
            assertThat(killed.result().failure()).contains(FailureReason.NON_ZERO_EXIT);
            assertThat(echo(executor, host, "still here").stdout()).isEqualTo("still here\n");
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 1, 1, 0));
        }
    }

    @Test
    void aTimeoutOnAReusedConnectionKillsTheCommandAndTheNextConnectsAfresh()
            throws IOException, InterruptedException
    {
        try (SshExecutor executor = executor(Map.of())) {
            HostTarget host = sshd.target("127.0.0.5");
            echo(executor, host, "warm");
            java.nio.file.Path pidFile = sshd.directory().resolve("sleeper.pid");
            RecordingSink slow = run(executor, host, List.of("sh", "-c", "echo $$ > \"$0\"; exec sleep 30", pidFile.toString()), Duration.ofSeconds(1));

            assertThat(slow.result().failure()).contains(FailureReason.TIMEOUT);
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the timed-out command's process").isNotEqualTo(java.util.Optional.of(true));
            assertThat(echo(executor, host, "next").stdout()).isEqualTo("next\n");
            assertThat(executor.poolStats()).isEqualTo(new ConnectionPool.Stats(1, 2, 1, 0));
        }
    }

    @Test
    void closingTheExecutorClosesPooledConnections()
    {
        SshExecutor executor = executor(Map.of());
        echo(executor, sshd.target("127.0.0.5"), "one");
        assertThat(executor.poolStats().idle()).isEqualTo(1);

        executor.close();

        assertThat(executor.poolStats().idle()).isZero();
    }

    /** A clock the test moves by hand: pooled connections age without sleeping. */
    private static final class MutableClock
            extends Clock
    {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration)
        {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone)
        {
            return this;
        }

        @Override
        public Instant instant()
        {
            return now;
        }
    }
}
