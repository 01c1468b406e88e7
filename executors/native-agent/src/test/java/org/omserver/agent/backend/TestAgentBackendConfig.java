package org.omserver.agent.backend;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.omserver.executor.api.ExecutorConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestAgentBackendConfig
{
    @Test
    void transfersHaveTheirOwnTimeout()
    {
        assertThat(AgentBackendConfig.from(ExecutorConfig.empty()).transferTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(AgentBackendConfig.from(new ExecutorConfig(Map.of("transfer-timeout", "90m"))).transferTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(AgentBackendConfig.TRANSFERS).containsExactlyInAnyOrder("omserver:downloads", "omserver:sync");
    }

    @Test
    void badValuesAreReportedTogether()
    {
        assertThatThrownBy(() -> AgentBackendConfig.from(new ExecutorConfig(Map.of("transfer-timeout", "2000m", "call-timeout", "soon", "pool", "1"))))
                .hasMessageContaining("transfer-timeout: at most 1440m")
                .hasMessageContaining("call-timeout: 'soon' is not a positive duration")
                .hasMessageContaining("unknown key 'pool'");
    }
}
