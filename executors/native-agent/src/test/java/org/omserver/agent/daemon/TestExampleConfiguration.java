package org.omserver.agent.daemon;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** conf/agent.properties, the file operators copy, is a valid configuration. */
final class TestExampleConfiguration
{
    @Test
    void theExampleAgentConfigurationIsValid()
    {
        AgentConfig config = AgentConfig.fromProperties(AgentMain.load(Path.of("../../conf/agent.properties")));
        assertThat(config.masterPort()).isEqualTo(11512);
        assertThat(config.allowList().refusal(List.of("head", "-n", "1", "/etc/issue"))).isEmpty();
    }
}
