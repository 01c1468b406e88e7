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

    @Test
    void shellModeQuotesEveryValueSoTheShellSeesExactlyOneWord()
            throws Exception
    {
        List<String> hostile = List.of("; rm -rf /", "$(touch /tmp/pwned)", "`id`", "a'b", "'", "''; echo x '", "\\'", "a b\tc", "${HOME}",
                "$HOME", "*", "-n", "", "x\ny", "\u00e9\u4e2d", "|& >/dev/null", "!!");
        for (String value : hostile) {
            List<String> argv = CommandTemplate.render(List.of("printf '[%s]' ${p}"), true, new ValidatedParams(Map.of("p", value), Map.of()));
            assertThat(argv.subList(0, 2)).containsExactly("/bin/sh", "-c");
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor()).isZero();
            assertThat(output).as("value %s", value).isEqualTo("[" + value + "]");
        }
        assertThat(CommandTemplate.shellQuote("a'b")).isEqualTo("'a'\\''b'");
    }

    @Test
    void shellModeTemplatesAreOneLineWithWholeReferences()
    {
        CommandTemplate.checkShell(List.of("df -h ${path} | tail -n 1 && echo $HOME"), Set.of("path"));
        assertThatThrownBy(() -> CommandTemplate.checkShell(List.of("df", "-h"), Set.of()))
                .hasMessageContaining("must be exactly one non-blank shell line");
        assertThatThrownBy(() -> CommandTemplate.checkShell(List.of("ls\nrm -rf /"), Set.of()))
                .hasMessageContaining("single line without control characters");
        assertThatThrownBy(() -> CommandTemplate.checkShell(List.of("ls ${HOME"), Set.of()))
                .hasMessageContaining("broken ${");
        assertThatThrownBy(() -> CommandTemplate.checkShell(List.of("ls ${other}"), Set.of("path")))
                .hasMessageContaining("uses ${other}");
        assertThatThrownBy(() -> CommandTemplate.renderShell(List.of("echo ${p}"), new ValidatedParams(Map.of("p", "a\0b"), Map.of())))
                .hasMessageContaining("contains NUL");
    }
}
