package org.omserver.launcher.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;
import org.omserver.executor.ssh.RecordingSink;
import org.omserver.executor.ssh.SshExecutorFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo's embedded SSH hosts behave like OpenSSH for the real SSH backend. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestDemoHosts
{
    private static final List<String> ADDRESSES = List.of("127.0.9.2", "127.0.9.3");

    private DemoHosts hosts;
    private Executor ssh;

    @BeforeAll
    void start(@TempDir Path directory)
            throws Exception
    {
        hosts = DemoHosts.start(directory, ADDRESSES, freePort());
        ssh = new SshExecutorFactory().create(new ExecutorConfig(Map.of(
                "private-key", hosts.clientKey().toString(),
                "known-hosts", hosts.knownHosts().toString(),
                "connect-timeout", "5s")));
    }

    @AfterAll
    void stop()
    {
        if (ssh != null) {
            ssh.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void runsTheArgumentVectorOnEveryHostWithOutputAndExitCode()
    {
        for (String address : ADDRESSES) {
            RecordingSink sink = run(address, List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
            assertThat(sink.stdout()).isEqualTo("out\n");
            assertThat(sink.stderr()).isEqualTo("err\n");
            assertThat(sink.result().exitCode()).hasValue(3);
            assertThat(sink.result().failure()).contains(FailureReason.NON_ZERO_EXIT);
        }
    }

    @Test
    void hostileArgumentsArriveLiterally()
    {
        List<String> hostile = List.of("; rm -rf /tmp/x", "$(id)", "`id`", "a'b\"c", "x\ny", "*", "");
        RecordingSink sink = run(ADDRESSES.get(0), concat(List.of("printf", "%s|"), hostile), Duration.ofSeconds(10));
        assertThat(sink.stdout()).isEqualTo(String.join("|", hostile) + "|");
        assertThat(sink.result().succeeded()).isTrue();
    }

    @Test
    void timeoutStopsTheRemoteCommand()
    {
        long started = System.nanoTime();
        RecordingSink sink = run(ADDRESSES.get(1), List.of("sleep", "30"), Duration.ofSeconds(1));
        assertThat(sink.result().failure()).contains(FailureReason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void onlyLoopbackAddressesAreServed(@TempDir Path directory)
    {
        assertThatThrownBy(() -> DemoHosts.start(directory, List.of("10.0.0.1"), 2222))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loopback addresses (127.0.0.0/8) only");
    }

    @Test
    void aTakenPortIsReportedWithWhatToDo(@TempDir Path directory)
            throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.9.9"))) {
            assertThatThrownBy(() -> DemoHosts.start(directory, List.of("127.0.9.9"), taken.getLocalPort()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on 127.0.9.9:" + taken.getLocalPort())
                    .hasMessageContaining("--ssh-port");
        }
    }

    private RecordingSink run(String address, List<String> argv, Duration timeout)
    {
        RecordingSink sink = new RecordingSink();
        HostTarget target = new HostTarget(address, "demo", hosts.port(), Optional.empty());
        ssh.execute(new Invocation(1, target, argv, timeout, false), sink);
        // execute() blocks until the host finished; result() fails unless exactly one finish was reported
        assertThat(sink.result()).isNotNull();
        return sink;
    }

    private static List<String> concat(List<String> first, List<String> second)
    {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }

    private static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ADDRESSES.get(0)))) {
            return socket.getLocalPort();
        }
    }
}
