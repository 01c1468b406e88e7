package org.omserver.master.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestMasterConfig
{
    private static final String URL = "jdbc:mysql://127.0.0.1:3306/omserver";

    @Test
    void defaultsApplyWhenOnlyTheDatabaseIsGiven()
    {
        MasterConfig config = MasterConfig.fromProperties(Map.of("db.url", URL));
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(11511);
        assertThat(config.database().maxPoolSize()).isEqualTo(10);
        assertThat(config.legacyEnabled()).isFalse();
        assertThat(config.acceptsV1()).isFalse();
        assertThat(config.defaultExecutor()).isEqualTo("ssh");
        assertThat(config.maxParallel()).isEqualTo(64);
        assertThat(config.legacyTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(config.clientTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.selectorThreads()).isEqualTo(2);
        assertThat(config.workerThreads()).isEqualTo(64);
        assertThat(config.envelopeWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.loginMaxFailures()).isEqualTo(5);
        assertThat(config.backendNames()).containsExactly("agent", "ssh");
        assertThat(config.agents()).isEqualTo(new AgentsConfig(true, "127.0.0.1", 11512, Duration.ofMinutes(3), Duration.ofDays(7), 16));
    }

    @Test
    void agentKeysAreParsedAndCheckedAndAgentsCanBeTurnedOff()
    {
        MasterConfig config = MasterConfig.fromProperties(Map.of("db.url", URL, "agents.enabled", "false", "agents.bind", "10.0.0.1",
                "agents.port", "0", "agents.online-window", "90s", "agents.metrics-retention", "24h", "agents.worker-threads", "4"));
        assertThat(config.agents()).isEqualTo(new AgentsConfig(false, "10.0.0.1", 0, Duration.ofSeconds(90), Duration.ofHours(24), 4));
        assertThat(config.backendNames()).containsExactly("ssh");
        assertThatThrownBy(() -> MasterConfig.fromProperties(Map.of("db.url", URL, "agents.port", "70000", "agents.online-window", "soon")))
                .hasMessageContaining("agents.port: 70000 is outside 0..65535")
                .hasMessageContaining("agents.online-window: 'soon' is not a duration");
    }

    @Test
    void everyKeyIsParsed()
    {
        MasterConfig config = MasterConfig.fromProperties(Map.ofEntries(
                Map.entry("master.bind", "0.0.0.0"), Map.entry("master.port", "0"), Map.entry("db.url", URL),
                Map.entry("db.user", "oms"), Map.entry("db.password", "s3cret"), Map.entry("db.pool-size", "3"),
                Map.entry("legacy.enabled", "true"), Map.entry("legacy.accept-v1", "true"), Map.entry("executor.default", "ssh"),
                Map.entry("executor.ssh.user", "deploy"), Map.entry("executor.ssh.private-key", "/k"), Map.entry("run.max-parallel", "8"),
                Map.entry("run.legacy-timeout", "500ms"), Map.entry("rpc.max-frame-bytes", "512KiB"), Map.entry("rpc.client-timeout", "30s"),
                Map.entry("rpc.selector-threads", "1"), Map.entry("rpc.worker-threads", "4"), Map.entry("rpc.max-pending-per-selector", "10"),
                Map.entry("envelope.window", "1m"), Map.entry("session.timeout", "2h"), Map.entry("login.max-failures", "3")));
        assertThat(config.acceptsV1()).isTrue();
        assertThat(config.port()).isZero();
        assertThat(config.legacyTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.maxFrameBytes()).isEqualTo(512 * 1024);
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(config.executorConfig("ssh").properties()).containsExactlyInAnyOrderEntriesOf(Map.of("user", "deploy", "private-key", "/k"));
        assertThat(config.toString()).doesNotContain("s3cret").contains("password=****");
    }

    @Test
    void legacyV1NeedsBothSwitches()
    {
        assertThat(MasterConfig.fromProperties(Map.of("db.url", URL, "legacy.accept-v1", "true")).acceptsV1()).isFalse();
        assertThat(MasterConfig.fromProperties(Map.of("db.url", URL, "legacy.enabled", "true")).acceptsV1()).isFalse();
    }

    @Test
    void unknownKeyIsNamed()
    {
        assertThatThrownBy(() -> MasterConfig.fromProperties(Map.of("db.url", URL, "master.prot", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key 'master.prot'");
    }

    @Test
    void badDurationSaysHowToWriteOne()
    {
        assertThatThrownBy(() -> MasterConfig.fromProperties(Map.of("db.url", URL, "session.timeout", "30 minutes")))
                .hasMessageContaining("session.timeout: '30 minutes' is not a duration; write a whole number and a unit: 500ms, 30s, 5m");
        assertThatThrownBy(() -> MasterConfig.fromProperties(Map.of("db.url", URL, "envelope.window", "0s")))
                .hasMessageContaining("envelope.window: must be longer than 0");
    }

    @Test
    void missingDatabaseUrlIsRequired()
    {
        assertThatThrownBy(() -> MasterConfig.fromProperties(Map.of()))
                .hasMessageContaining("db.url is required");
    }

    @Test
    void everyProblemIsReportedAtOnce()
    {
        assertThatThrownBy(() -> MasterConfig.fromProperties(Map.of("master.port", "70000", "legacy.enabled", "yes",
                "rpc.max-frame-bytes", "16MB", "bogus", "x", "run.max-parallel", "many")))
                .hasMessageContaining("6 problems")
                .hasMessageContaining("master.port: 70000 is outside 0..65535")
                .hasMessageContaining("legacy.enabled: 'yes' is not true or false")
                .hasMessageContaining("rpc.max-frame-bytes: '16MB' is not a size")
                .hasMessageContaining("run.max-parallel: 'many' is not a whole number")
                .hasMessageContaining("unknown key 'bogus'")
                .hasMessageContaining("db.url is required");
    }

    @Test
    void databaseUrlMustBeMysqlOrH2()
    {
        assertThatThrownBy(() -> MasterConfig.fromProperties(Map.of("db.url", "jdbc:postgresql://x/y")))
                .hasMessageContaining("db.url: database url must start with jdbc:mysql:");
    }
}
