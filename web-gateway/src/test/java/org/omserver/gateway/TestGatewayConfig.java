package org.omserver.gateway;

import org.junit.jupiter.api.Test;
import org.omserver.gateway.config.GatewayConfig;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestGatewayConfig
{
    @Test
    void defaultsApplyWhenNothingIsSet()
    {
        GatewayConfig config = GatewayConfig.fromProperties(Map.of());
        assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.masterHost()).isEqualTo("127.0.0.1");
        assertThat(config.masterPort()).isEqualTo(11511);
        assertThat(config.masterConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.masterReadTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(config.masterMaxConnections()).isEqualTo(32);
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.secureCookies()).isFalse();
    }

    @Test
    void parsesEveryKey()
    {
        GatewayConfig config = GatewayConfig.fromProperties(Map.of(
                "gateway.bind", "0.0.0.0", "gateway.port", "0", "master.host", "master.example", "master.port", "9000",
                "master.connect-timeout", "500ms", "master.read-timeout", "1m", "master.max-connections", "8",
                "session.timeout", "2h", "gateway.secure-cookies", "true"));
        assertThat(config.port()).isZero();
        assertThat(config.masterAddress()).isEqualTo("master.example:9000");
        assertThat(config.masterConnectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.masterReadTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(config.secureCookies()).isTrue();
        assertThat(config.toString()).contains("master.port=9000");
    }

    @Test
    void gathersEveryProblemAndNamesTheKeys()
    {
        assertThatThrownBy(() -> GatewayConfig.fromProperties(Map.of(
                "gateway.prot", "80",
                "master.port", "seventy",
                "master.read-timeout", "10s",
                "session.timeout", "30 minutes",
                "gateway.secure-cookies", "yes",
                "master.max-connections", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 problems")
                .hasMessageContaining("unknown key 'gateway.prot'")
                .hasMessageContaining("master.port: 'seventy' is not a whole number")
                .hasMessageContaining("master.read-timeout: 10s is out of range; expected 25s")
                .hasMessageContaining("session.timeout: '30 minutes' is not a duration")
                .hasMessageContaining("gateway.secure-cookies: 'yes' is not a boolean")
                .hasMessageContaining("master.max-connections: 0 is out of range");
    }

    @Test
    void rejectsOutOfRangePortAndBadHost()
    {
        assertThatThrownBy(() -> GatewayConfig.fromProperties(Map.of("gateway.port", "70000", "master.host", "a b")))
                .hasMessageContaining("gateway.port: 70000 is out of range; expected 0..65535")
                .hasMessageContaining("master.host: 'a b' is not a host name");
    }

    @Test
    void durationsNeedAUnit()
    {
        assertThat(GatewayConfig.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(GatewayConfig.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(GatewayConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> GatewayConfig.parseDuration("30")).hasMessageContaining("'30' is not a duration");
        assertThatThrownBy(() -> GatewayConfig.parseDuration("-5s")).hasMessageContaining("is not a duration");
    }
}
