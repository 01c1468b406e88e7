package org.omserver.agent.daemon;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestAllowList
{
    private final AllowList list = AllowList.fromEntries(Map.of(
            "tail", Map.of("program", "tail", "args", "-n \\d{1,3} /var/log/(messages|secure)"),
            "echo", Map.of("program", "/bin/echo", "args", "[a-z]+ ..."),
            "lsmod", Map.of("program", "lsmod")));

    @Test
    void anExactProgramWithMatchingArgumentsIsAllowed()
    {
        assertThat(list.refusal(List.of("tail", "-n", "50", "/var/log/messages"))).isEmpty();
        assertThat(list.refusal(List.of("/bin/echo", "a", "b", "c"))).isEmpty();
        assertThat(list.refusal(List.of("lsmod"))).isEmpty();
    }

    @Test
    void programsAreComparedExactlyNeverByPrefix()
    {
        assertThat(list.refusal(List.of("tailx", "-n", "5", "/var/log/messages"))).get().asString()
                .contains("program 'tailx' is not on this agent's allow-list");
        assertThat(list.refusal(List.of("/usr/bin/tail", "-n", "5", "/var/log/messages"))).isPresent();
        assertThat(list.refusal(List.of("echo", "a"))).isPresent();
    }

    @Test
    void everyArgumentMustMatchItsWholePattern()
    {
        assertThat(list.refusal(List.of("tail", "-n", "5", "/var/log/messages; rm -rf /"))).get().asString()
                .contains("the arguments of 'tail' match none of its allow-list entries (tail)");
        assertThat(list.refusal(List.of("tail", "-n", "5000", "/var/log/messages"))).isPresent();
        assertThat(list.refusal(List.of("tail", "-n", "5"))).isPresent();
        assertThat(list.refusal(List.of("tail", "-n", "5", "/var/log/messages", "/etc/shadow"))).isPresent();
        assertThat(list.refusal(List.of("lsmod", "-v"))).isPresent();
        assertThat(list.refusal(List.of("/bin/echo"))).isPresent();
        assertThat(list.refusal(List.of("/bin/echo", "a", "B"))).isPresent();
    }

    @Test
    void emptyVectorsNulCharactersAndAnEmptyListAreRefused()
    {
        assertThat(list.refusal(List.of())).contains("the argument vector is empty");
        assertThat(list.refusal(List.of("lsmod\0"))).contains("an argument contains a NUL character");
        assertThat(AllowList.NOTHING.refusal(List.of("lsmod"))).isPresent();
    }

    @Test
    void badEntriesAreConfigurationErrors()
    {
        assertThatThrownBy(() -> AllowList.fromEntries(Map.of("x", Map.of("args", "a"))))
                .hasMessageContaining("allow.x.program is required");
        assertThatThrownBy(() -> AllowList.fromEntries(Map.of("x", Map.of("program", "sh -c"))))
                .hasMessageContaining("allow.x.program is required: one program name or absolute path, without spaces");
        assertThatThrownBy(() -> AllowList.fromEntries(Map.of("x", Map.of("program", "ls", "args", "(unclosed"))))
                .hasMessageContaining("allow.x.args: '(unclosed' is not a regular expression");
        assertThatThrownBy(() -> AllowList.fromEntries(Map.of("x", Map.of("program", "ls", "args", "... a"))))
                .hasMessageContaining("'...' may only follow the last pattern");
    }
}
