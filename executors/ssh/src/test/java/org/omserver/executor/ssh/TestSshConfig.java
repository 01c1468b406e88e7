package org.omserver.executor.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.ExecutorFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSshConfig
{
    @TempDir
    Path dir;

    private Map<String, String> valid()
            throws IOException
    {
        Path key = dir.resolve("id");
        Path knownHosts = dir.resolve("known_hosts");
        if (!Files.exists(key)) {
            Files.writeString(key, "not parsed by SshConfig");
            Files.createFile(knownHosts);
        }
        return Map.of(SshConfig.PRIVATE_KEY, key.toString(), SshConfig.KNOWN_HOSTS, knownHosts.toString());
    }

    @Test
    void appliesDefaults()
            throws IOException
    {
        SshConfig config = SshConfig.from(new ExecutorConfig(valid()));

        assertThat(config.trustOnFirstUse()).isFalse();
        assertThat(config.user()).isEqualTo(System.getProperty("user.name"));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.privateKey()).isEqualTo(dir.resolve("id"));
        assertThat(config.poolMaxConnections()).isEqualTo(128);
        assertThat(config.poolIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsEveryKey()
            throws IOException
    {
        Map<String, String> properties = new java.util.HashMap<>(valid());
        properties.put(SshConfig.TRUST_ON_FIRST_USE, "TRUE");
        properties.put(SshConfig.USER, "deploy");
        properties.put(SshConfig.CONNECT_TIMEOUT, "500ms");
        properties.put(SshConfig.POOL_MAX_CONNECTIONS, "0");
        properties.put(SshConfig.POOL_IDLE_TIMEOUT, "5m");

        SshConfig config = SshConfig.from(new ExecutorConfig(properties));

        assertThat(config.poolMaxConnections()).isZero();
        assertThat(config.poolIdleTimeout()).isEqualTo(Duration.ofMinutes(5));

        assertThat(config.trustOnFirstUse()).isTrue();
        assertThat(config.user()).isEqualTo("deploy");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void parsesDurations()
    {
        assertThat(SshConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SshConfig.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(SshConfig.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SshConfig.parseDuration(" 1h ")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> SshConfig.parseDuration("10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SshConfig.parseDuration("0s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SshConfig.parseDuration("-1s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SshConfig.parseDuration("99999999999999999999s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsMissingRequiredKeysTogether()
    {
        assertThatThrownBy(() -> SshConfig.from(ExecutorConfig.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private-key is missing: set it to the path of an OpenSSH private key")
                .hasMessageContaining("known-hosts is missing: set it to the path of a known_hosts file");
    }

    @Test
    void gathersEveryProblemIntoOneMessage()
            throws IOException
    {
        Map<String, String> properties = new java.util.HashMap<>(valid());
        properties.remove(SshConfig.PRIVATE_KEY);
        properties.put("conect-timeout", "10s");
        properties.put(SshConfig.CONNECT_TIMEOUT, "ten seconds");
        properties.put(SshConfig.TRUST_ON_FIRST_USE, "yes");
        properties.put(SshConfig.POOL_MAX_CONNECTIONS, "-1");
        properties.put(SshConfig.POOL_IDLE_TIMEOUT, "0s");

        assertThatThrownBy(() -> new SshExecutorFactory().create(new ExecutorConfig(properties)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private-key is missing")
                .hasMessageContaining("unknown key 'conect-timeout': remove it (known keys: connect-timeout, known-hosts, pool-idle-timeout, pool-max-connections, private-key, trust-on-first-use, user)")
                .hasMessageContaining("pool-max-connections='-1' is not a whole number from 0 to 10000: set how many idle connections to keep (0 turns reuse off)")
                .hasMessageContaining("pool-idle-timeout='0s' is not a positive duration: use a number with a unit, e.g. 30s, 5m")
                .hasMessageContaining("connect-timeout='ten seconds' is not a positive duration: use a number with a unit, e.g. 500ms, 10s, 2m")
                .hasMessageContaining("trust-on-first-use='yes' is not a boolean: use true or false");
    }

    @Test
    void rejectsMissingFiles()
    {
        Map<String, String> properties = Map.of(
                SshConfig.PRIVATE_KEY, dir.resolve("nope").toString(),
                SshConfig.KNOWN_HOSTS, dir.resolve("no_known_hosts").toString());

        assertThatThrownBy(() -> SshConfig.from(new ExecutorConfig(properties)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private-key=" + dir.resolve("nope") + " is not a readable file")
                .hasMessageContaining("known-hosts=" + dir.resolve("no_known_hosts") + " does not exist: create it (ssh-keyscan) or enable trust-on-first-use");
    }

    @Test
    void allowsMissingKnownHostsWithTrustOnFirstUse()
            throws IOException
    {
        Map<String, String> properties = new java.util.HashMap<>(valid());
        properties.put(SshConfig.KNOWN_HOSTS, dir.resolve("later_known_hosts").toString());
        properties.put(SshConfig.TRUST_ON_FIRST_USE, "true");

        assertThat(SshConfig.from(new ExecutorConfig(properties)).knownHosts()).isEqualTo(dir.resolve("later_known_hosts"));
    }

    @Test
    void rejectsUnparsablePrivateKeyAtStartup()
            throws IOException
    {
        Map<String, String> properties = valid();

        assertThatThrownBy(() -> new SshExecutorFactory().create(new ExecutorConfig(properties)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private-key=" + dir.resolve("id") + " cannot be used as an OpenSSH private key");
    }

    @Test
    void serviceLoaderFindsSshBackend()
    {
        assertThat(ServiceLoader.load(ExecutorFactory.class).stream().map(ServiceLoader.Provider::get).map(ExecutorFactory::name))
                .contains("ssh");
        assertThat(ServiceLoader.load(ExecutorFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(factory -> factory.name().equals("ssh"))
                .findFirst())
                .get()
                .isInstanceOf(SshExecutorFactory.class);
    }
}
