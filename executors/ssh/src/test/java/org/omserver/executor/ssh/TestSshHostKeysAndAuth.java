package org.omserver.executor.ssh;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.Invocation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.executor.ssh.RecordingSink.Kind.FINISHED;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestSshHostKeysAndAuth
{
    private TestingSshd sshd;
    private Path otherKey;

    @BeforeAll
    void startServer(@TempDir Path keys)
    {
        sshd = TestingSshd.start("127.0.0.4");
        otherKey = TestingSshd.generateKeyPair(keys.resolve("other_ed25519"));
    }

    @AfterAll
    void stopServer()
    {
        if (sshd != null) {
            sshd.close();
        }
    }

    private RecordingSink run(Map<String, String> overrides)
    {
        Map<String, String> properties = new HashMap<>(sshd.executorConfig().properties());
        properties.putAll(overrides);
        RecordingSink sink = new RecordingSink();
        try (SshExecutor executor = new SshExecutorFactory().create(new ExecutorConfig(properties))) {
            executor.execute(new Invocation(9, sshd.target(), List.of("echo", "ok"), Duration.ofSeconds(10), false), sink);
        }
        return sink;
    }

    @Test
    void rejectsWrongClientKey()
    {
        RecordingSink sink = run(Map.of(SshConfig.PRIVATE_KEY, otherKey.toString()));

        assertThat(sink.result().failure()).contains(FailureReason.AUTH_FAILED);
        assertThat(sink.result().message())
                .contains("127.0.0.4:" + sshd.port())
                .contains(sshd.user())
                .contains(otherKey.toString())
                .contains("authorized_keys");
        assertThat(sink.kinds()).containsExactly(FINISHED);
    }

    @Test
    void rejectsUnknownHostKeyWithoutTrustOnFirstUse(@TempDir Path dir)
            throws IOException
    {
        Path knownHosts = Files.createFile(dir.resolve("known_hosts"));

        RecordingSink sink = run(Map.of(SshConfig.KNOWN_HOSTS, knownHosts.toString()));

        assertThat(sink.result().failure()).contains(FailureReason.HOST_KEY_REJECTED);
        assertThat(sink.result().message())
                .startsWith("host key of 127.0.0.4:" + sshd.port() + " (SHA256:")
                .contains("is not in " + knownHosts)
                .contains("trust-on-first-use");
        assertThat(sink.kinds()).containsExactly(FINISHED);
        assertThat(Files.readString(knownHosts)).isEmpty();
    }

    @Test
    void trustsAndRecordsUnknownHostKeyOnFirstUse(@TempDir Path dir)
            throws IOException
    {
        Path knownHosts = Files.createFile(dir.resolve("known_hosts"));
        Map<String, String> config = Map.of(SshConfig.KNOWN_HOSTS, knownHosts.toString(), SshConfig.TRUST_ON_FIRST_USE, "true");

        RecordingSink first = run(config);

        assertThat(first.result().succeeded()).as(first.result().message()).isTrue();
        assertThat(first.stdout()).isEqualTo("ok\n");
        assertThat(Files.readAllLines(knownHosts))
                .containsExactly("[127.0.0.4]:" + sshd.port() + " " + TestingSshd.publicKeyLine(sshd.hostPublicKey()));

        // the recorded key now verifies without trust-on-first-use
        RecordingSink second = run(Map.of(SshConfig.KNOWN_HOSTS, knownHosts.toString()));
        assertThat(second.result().succeeded()).as(second.result().message()).isTrue();
    }

    @Test
    void createsKnownHostsFileOnFirstUse(@TempDir Path dir)
            throws IOException
    {
        Path knownHosts = dir.resolve("new_known_hosts");

        RecordingSink sink = run(Map.of(SshConfig.KNOWN_HOSTS, knownHosts.toString(), SshConfig.TRUST_ON_FIRST_USE, "true"));

        assertThat(sink.result().succeeded()).as(sink.result().message()).isTrue();
        assertThat(Files.readString(knownHosts)).contains("[127.0.0.4]:" + sshd.port() + " ssh-ed25519 ");
    }

    @Test
    void rejectsChangedHostKeyEvenWithTrustOnFirstUse(@TempDir Path dir)
            throws IOException
    {
        Path knownHosts = dir.resolve("known_hosts");
        String impostor = TestingSshd.publicKeyLine(TestingSshd.publicKeyOf(otherKey));
        Files.writeString(knownHosts, "[127.0.0.4]:" + sshd.port() + " " + impostor + "\n");

        RecordingSink sink = run(Map.of(SshConfig.KNOWN_HOSTS, knownHosts.toString(), SshConfig.TRUST_ON_FIRST_USE, "true"));

        assertThat(sink.result().failure()).contains(FailureReason.HOST_KEY_REJECTED);
        assertThat(sink.result().message())
                .startsWith("host key of 127.0.0.4:" + sshd.port() + " CHANGED")
                .contains(knownHosts.toString())
                .contains("man-in-the-middle");
        assertThat(Files.readString(knownHosts)).isEqualTo("[127.0.0.4]:" + sshd.port() + " " + impostor + "\n");
    }
}
