package org.omserver.master.legacy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestLegacyRequest
{
    @Test
    void parsesModuleHostsAndParameters()
    {
        LegacyRequest request = LegacyRequest.parse("1001@@10.0.0.1*web01,10.0.0.2*web02@@50@@");
        assertThat(request.moduleId()).isEqualTo(1001);
        assertThat(request.hosts()).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(request.params()).isEqualTo(Map.of("sys_param_1", "50"));
        assertThat(LegacyRequest.parse("1007@@10.0.0.1*a@@x@@y@@").params()).isEqualTo(Map.of("sys_param_1", "x", "sys_param_2", "y"));
    }

    @Test
    void moduleWithoutParameters()
    {
        LegacyRequest request = LegacyRequest.parse("1003@@127.0.0.2*h1@@");
        assertThat(request.hosts()).isEqualTo(List.of("127.0.0.2"));
        assertThat(request.params()).isEmpty();
        // an empty parameter counts as not given
        assertThat(LegacyRequest.parse("1003@@127.0.0.2*h1@@@@").params()).isEmpty();
    }

    @Test
    void noHostsParsesToAnEmptyList()
    {
        assertThat(LegacyRequest.parse("1003@@@@").hosts()).isEmpty();
    }

    @Test
    void refusesMalformedText()
    {
        assertThatThrownBy(() -> LegacyRequest.parse("1003@@127.0.0.2*h1")).hasMessageContaining("malformed request: expected ModuleID@@ip*name");
        assertThatThrownBy(() -> LegacyRequest.parse("exec('x')@@127.0.0.2*h1@@")).hasMessageContaining("the module id must be digits");
        assertThatThrownBy(() -> LegacyRequest.parse("1003@@127.0.0.2@@")).hasMessageContaining("each host must be ip*name, was '127.0.0.2'");
        assertThatThrownBy(() -> LegacyRequest.parse("1003@@a*b*c@@")).hasMessageContaining("each host must be ip*name");
        assertThatThrownBy(() -> LegacyRequest.parse("1003@@a*b@@1@@2@@3@@")).hasMessageContaining("3 parameters, at most 2");
        assertThatThrownBy(() -> LegacyRequest.parse("garbage")).hasMessageContaining("malformed request");
    }
}
