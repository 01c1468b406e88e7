package org.omserver.catalog.module;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCommandTemplate
{
    @Test
    void substitutesWholeArguments()
    {
        ValidatedParams params = new ValidatedParams(Map.of("p", "a b; c", "q", "$(id) `id` ${p}"), Map.of());
        assertThat(CommandTemplate.render(List.of("grep", "-e", "${p}", "${q}", "/var/log/x"), params))
                .containsExactly("grep", "-e", "a b; c", "$(id) `id` ${p}", "/var/log/x");
        assertThat(CommandTemplate.render(List.of("lsmod"), new ValidatedParams(Map.of(), Map.of()))).containsExactly("lsmod");
        assertThat(CommandTemplate.render(List.of("echo", "$p", "{p}", "$"), params)).containsExactly("echo", "$p", "{p}", "$");
    }

    @Test
    void refusesBrokenTemplates()
    {
        ValidatedParams params = new ValidatedParams(Map.of("p", "x"), Map.of());
        assertThatThrownBy(() -> CommandTemplate.render(List.of("--file=${p}"), params))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("command template element '--file=${p}' is broken");
        assertThatThrownBy(() -> CommandTemplate.render(List.of("${p}${p}"), params)).hasMessageContaining("is broken");
        assertThatThrownBy(() -> CommandTemplate.render(List.of("${ p}"), params)).hasMessageContaining("is broken");
        assertThatThrownBy(() -> CommandTemplate.render(List.of("${p"), params)).hasMessageContaining("is broken");
        assertThatThrownBy(() -> CommandTemplate.render(List.of("cat", "${other}"), params))
                .hasMessageContaining("uses ${other}, which has no value");
        assertThatThrownBy(() -> CommandTemplate.render(List.of(), params)).hasMessageContaining("the command template is empty");
        assertThatThrownBy(() -> CommandTemplate.render(List.of("${p}"), new ValidatedParams(Map.of("p", "a\0b"), Map.of())))
                .hasMessageContaining("contains NUL");
    }

    @Test
    void checkFindsReferencesToParametersWithoutValues()
    {
        CommandTemplate.check(List.of("tail", "-n", "${n}"), Set.of("n"));
        assertThatThrownBy(() -> CommandTemplate.check(List.of("tail", "${m}"), Set.of("n")))
                .hasMessageContaining("command template element 1 uses ${m}");
        assertThatThrownBy(() -> CommandTemplate.check(List.of("a${n}"), Set.of("n"))).hasMessageContaining("is broken");
    }
}
