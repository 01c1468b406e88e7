package org.omserver.executor.ssh;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.omserver.executor.ssh.RecordingSink.Kind.FINISHED;
import static org.omserver.executor.ssh.RecordingSink.Kind.OUTPUT;
import static org.omserver.executor.ssh.RecordingSink.Kind.STARTED;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestSshExecutor
{
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private TestingSshd sshd;
    private SshExecutor executor;

    @BeforeAll
    void startServer()
    {
        sshd = TestingSshd.start("127.0.0.2", "127.0.0.3");
        executor = new SshExecutorFactory().create(sshd.executorConfig());
    }

    @AfterAll
    void stopServer()
    {
        if (executor != null) {
            executor.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private RecordingSink run(String... argv)
    {
        return run(sshd.target(), COMMAND_TIMEOUT, argv);
    }

    private RecordingSink run(HostTarget target, Duration timeout, String... argv)
    {
        RecordingSink sink = new RecordingSink();
        executor.execute(new Invocation(42, target, List.of(argv), timeout, false), sink);
        return sink;
    }

    @Test
    void runsCommandAndStreamsStdout()
    {
        RecordingSink sink = run("echo", "hello");

        assertThat(sink.result().succeeded()).as(sink.result().message()).isTrue();
        assertThat(sink.result().exitCode()).isEqualTo(OptionalInt.of(0));
        assertThat(sink.stdout()).isEqualTo("hello\n");
        assertThat(sink.stderr()).isEmpty();
        assertThat(sink.kinds()).containsExactly(STARTED, OUTPUT, FINISHED);
        assertThat(sink.events().getFirst().target()).isEqualTo(sshd.target());
    }

    @Test
    void keepsStderrApartFromStdout()
    {
        RecordingSink sink = run("sh", "-c", "echo out; echo err >&2; echo out2");

        assertThat(sink.result().succeeded()).isTrue();
        assertThat(sink.stdout()).isEqualTo("out\nout2\n");
        assertThat(sink.stderr()).isEqualTo("err\n");
    }

    @Test
    void reportsNonZeroExitWithCode()
    {
        RecordingSink sink = run("sh", "-c", "echo failing >&2; exit 3");

        HostResult result = sink.result();
        assertThat(result.failure()).contains(FailureReason.NON_ZERO_EXIT);
        assertThat(result.exitCode()).isEqualTo(OptionalInt.of(3));
        assertThat(sink.stderr()).isEqualTo("failing\n");
        assertThat(sink.kinds()).startsWith(STARTED).endsWith(FINISHED);
    }

    @Test
    void passesHostileArgumentsLiterally()
    {
        List<String> hostile = List.of("; rm -rf /tmp/x", "$(id)", "`id`", "a'b\"c", "x\ny", "*", "~", "", "-n", "$HOME", "a\\b", "'", "''", "&&", "|", ">/tmp/x");
        List<String> argv = new ArrayList<>(List.of("printf", "%s\\n"));
        argv.addAll(hostile);

        RecordingSink sink = run(argv.toArray(String[]::new));

        assertThat(sink.result().succeeded()).as(sink.stderr()).isTrue();
        assertThat(sink.stdout()).isEqualTo(String.join("\n", hostile) + "\n");
    }

    @Test
    void keepsMultiByteUtf8Intact()
    {
        String text = "你好，世界 😀 ünïcödé " + "日本語".repeat(5000) + " 🎉";

        RecordingSink sink = run("printf", "%s", text);

        assertThat(sink.result().succeeded()).isTrue();
        assertThat(sink.stdout()).isEqualTo(text);
        assertThat(sink.stdout()).doesNotContain("\uFFFD");
    }

    @Test
    void replacesMalformedBytes()
    {
        // \377 is never valid UTF-8
        RecordingSink sink = run("printf", "a\\377b");

        assertThat(sink.result().succeeded()).isTrue();
        assertThat(sink.stdout()).isEqualTo("a\uFFFDb");
    }

    @Test
    void deliversLargeOutputCompletely()
    {
        RecordingSink sink = run("sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' a");

        assertThat(sink.result().succeeded()).isTrue();
        String stdout = sink.stdout();
        assertThat(stdout.length()).isEqualTo(2_000_000);
        assertThat(stdout.chars().allMatch(c -> c == 'a')).isTrue();
        assertThat(stdout.getBytes(StandardCharsets.UTF_8)).hasSize(2_000_000);
    }

    @Test
    void stopsCommandAtTimeout()
            throws Exception
    {
        String marker = "30." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        long start = System.nanoTime();

        RecordingSink sink = run(sshd.target(), Duration.ofSeconds(1), "sleep", marker);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(sink.result().failure()).contains(FailureReason.TIMEOUT);
        assertThat(sink.result().exitCode()).isEmpty();
        assertThat(sink.result().message()).contains("1s");
        assertThat(sink.kinds()).containsExactly(STARTED, FINISHED);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(awaitNoProcess("sleep " + marker, Duration.ofSeconds(3))).as("remote sleep still running").isTrue();
    }

    @Test
    void interruptCancelsCommandAndKeepsFlag()
            throws Exception
    {
        String marker = "30." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        RecordingSink sink = new RecordingSink();
        AtomicBoolean flagAfterExecute = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            executor.execute(new Invocation(7, sshd.target(), List.of("sleep", marker), Duration.ofSeconds(20), false), sink);
            flagAfterExecute.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(sink.awaitStarted(10, TimeUnit.SECONDS)).isTrue();
        assertThat(awaitProcess("sleep " + marker, Duration.ofSeconds(3))).as("remote sleep never started").isTrue();
        long start = System.nanoTime();

        caller.interrupt();
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(sink.result().failure()).contains(FailureReason.INTERRUPTED);
        assertThat(flagAfterExecute).isTrue();
        assertThat(awaitNoProcess("sleep " + marker, Duration.ofSeconds(3))).as("remote sleep still running").isTrue();
    }

    @Test
    void reportsDroppedConnectionAsConnectionLost()
    {
        // $PPID is the wrapper shell; its parent is the sshd process serving this connection
        RecordingSink sink = run("sh", "-c", "echo before; kill -KILL $(ps -o ppid= -p $PPID); sleep 5");

        assertThat(sink.result().failure()).as(sink.result().message()).contains(FailureReason.CONNECTION_LOST);
        assertThat(sink.result().exitCode()).isEmpty();
        assertThat(sink.result().duration()).isLessThan(Duration.ofSeconds(5));
        assertThat(sink.kinds()).startsWith(STARTED).endsWith(FINISHED);
    }

    @Test
    void runsOnEveryAddressOfOneServer()
    {
        for (String address : sshd.addresses()) {
            RecordingSink sink = run(sshd.target(address), COMMAND_TIMEOUT, "echo", address);

            assertThat(sink.result().succeeded()).as(address + ": " + sink.result().message()).isTrue();
            assertThat(sink.stdout()).isEqualTo(address + "\n");
        }
    }

    @Test
    void usesTargetUserOverConfiguredUser()
    {
        HostTarget wrongUser = new HostTarget("127.0.0.2", "wrong-user", sshd.port(), Optional.of("no-such-user-omserver"));

        RecordingSink sink = run(wrongUser, COMMAND_TIMEOUT, "true");

        assertThat(sink.result().failure()).contains(FailureReason.AUTH_FAILED);
        assertThat(sink.result().message()).contains("no-such-user-omserver");
        assertThat(sink.kinds()).containsExactly(FINISHED);
    }

    @Test
    void reportsClosedPortAsUnreachable()
            throws IOException
    {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            closedPort = socket.getLocalPort();
        }
        HostTarget target = new HostTarget("127.0.0.1", "closed", closedPort, Optional.empty());

        RecordingSink sink = run(target, COMMAND_TIMEOUT, "true");

        assertThat(sink.result().failure()).contains(FailureReason.UNREACHABLE);
        assertThat(sink.result().message()).contains("127.0.0.1:" + closedPort).contains("connection refused");
        assertThat(sink.kinds()).containsExactly(FINISHED);
    }

    @Test
    void runsNeedsRootCommandWithoutSudoWhenRoot()
    {
        assumeTrue(sshd.user().equals("root"), "tests run as root here");
        RecordingSink sink = new RecordingSink();

        executor.execute(new Invocation(43, sshd.target(), List.of("id", "-u"), COMMAND_TIMEOUT, true), sink);

        assertThat(sink.result().succeeded()).as(sink.stderr()).isTrue();
        assertThat(sink.stdout()).isEqualTo("0\n");
    }

    @Test
    void leaksNoThreadsOverManyExecutions()
            throws InterruptedException
    {
        // the name filter must see SSHJ's reader while a connection is open, or this test proves nothing
        List<String> during = new ArrayList<>();
        executor.execute(new Invocation(44, sshd.target(), List.of("true"), COMMAND_TIMEOUT, false), new RecordingSink()
        {
            @Override
            public synchronized void started(HostTarget target)
            {
                during.addAll(sshjThreadNames());
                super.started(target);
            }
        });
        assertThat(during).anyMatch(name -> name.startsWith("sshj-Reader"));

        long before = sshjThreads();
        for (int i = 0; i < 20; i++) {
            RecordingSink sink = run("true");
            assertThat(sink.result().succeeded()).as(sink.result().message()).isTrue();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (sshjThreads() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sshjThreads()).as("live sshj threads: %s", sshjThreadNames()).isLessThanOrEqualTo(before);
    }

    static long sshjThreads()
    {
        return sshjThreadNames().size();
    }

    static List<String> sshjThreadNames()
    {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("sshj-"))
                .toList();
    }

    /** Polls {@code pgrep -f -x} until no process has exactly this command line; true when none is left. */
    static boolean awaitNoProcess(String commandLine, Duration wait)
            throws IOException, InterruptedException
    {
        return awaitPgrep(commandLine, 1, wait);
    }

    /** Polls {@code pgrep -f -x} until a process has exactly this command line. */
    static boolean awaitProcess(String commandLine, Duration wait)
            throws IOException, InterruptedException
    {
        return awaitPgrep(commandLine, 0, wait);
    }

    private static boolean awaitPgrep(String commandLine, int wantedExitCode, Duration wait)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Process pgrep = new ProcessBuilder("pgrep", "-f", "-x", commandLine).redirectErrorStream(true).start();
            pgrep.getInputStream().readAllBytes();
            if (pgrep.waitFor() == wantedExitCode) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
    }
}
