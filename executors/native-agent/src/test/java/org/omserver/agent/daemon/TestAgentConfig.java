package org.omserver.agent.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestAgentConfig
{
    @Test
    void defaultsNeedOnlyTheStateDirectoryAndAllowNothing()
    {
        AgentConfig config = AgentConfig.fromProperties(Map.of("state.dir", "/var/lib/agent"));
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(11520);
        assertThat(config.masterPort()).isEqualTo(11512);
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/agent"));
        assertThat(config.tokenFile()).isEmpty();
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.allowList().size()).isZero();
        assertThat(config.bindsSource()).isTrue();
    }

    @Test
    void everyKeyIsParsed()
    {
        AgentConfig config = AgentConfig.fromProperties(Map.ofEntries(Map.entry("state.dir", "/s"), Map.entry("agent.bind", "0.0.0.0"),
                Map.entry("agent.port", "0"), Map.entry("master.host", "master.example"), Map.entry("master.port", "9000"),
                Map.entry("enroll.token-file", "/t"), Map.entry("heartbeat.interval", "5s"), Map.entry("rpc.connect-timeout", "1s"),
                Map.entry("rpc.read-timeout", "2s"), Map.entry("envelope.window", "1m"), Map.entry("rpc.max-frame-bytes", "1MiB"),
                Map.entry("rpc.worker-threads", "4"), Map.entry("run.max-concurrent", "2"), Map.entry("run.max-output-bytes", "64KiB"),
                Map.entry("run.keep-finished", "1m"), Map.entry("metrics.disk-path", "/var"), Map.entry("allow.ls.program", "ls")));
        assertThat(config.masterHost()).isEqualTo("master.example");
        assertThat(config.tokenFile()).isEqualTo(Optional.of(Path.of("/t")));
        assertThat(config.maxFrameBytes()).isEqualTo(1024 * 1024);
        assertThat(config.maxOutputBytes()).isEqualTo(64 * 1024);
        assertThat(config.bindsSource()).isFalse();
        assertThat(config.allowList().refusal(List.of("ls"))).isEmpty();
    }

    @Test
    void builtinModulesAllowWhatModules1001To1007Run()
    {
        AllowList list = AgentConfig.fromProperties(Map.of("state.dir", "/s", "allow.builtin-modules", "true")).allowList();
        assertThat(list.refusal(List.of("tail", "-n", "50", "/var/log/messages"))).isEmpty();
        assertThat(list.refusal(List.of("head", "-n", "1", "/etc/issue"))).isEmpty();
        assertThat(list.refusal(List.of("lsmod"))).isEmpty();
        assertThat(list.refusal(List.of("cat", "/etc/my.cnf"))).isEmpty();
        assertThat(list.refusal(List.of("/etc/init.d/nginx", "restart"))).isEmpty();
        assertThat(list.refusal(List.of("cat", "/etc/shadow"))).isPresent();
        assertThat(list.refusal(List.of("/etc/init.d/nginx", "stop"))).isPresent();
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsKey()
    {
        assertThatThrownBy(() -> AgentConfig.fromProperties(Map.of("agent.port", "70000", "heartbeat.interval", "soon", "bogus", "x",
                "allow.x.args", "a", "master.host", "bad host")))
                .hasMessageContaining("6 problems")
                .hasMessageContaining("state.dir is required")
                .hasMessageContaining("agent.port: 70000 is outside 0..65535")
                .hasMessageContaining("heartbeat.interval: 'soon' is not a duration")
                .hasMessageContaining("unknown key 'bogus'")
                .hasMessageContaining("allow.x.program is required")
                .hasMessageContaining("master.host: 'bad host' is not an address");
    }
}
