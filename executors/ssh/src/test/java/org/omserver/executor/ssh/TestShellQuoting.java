package org.omserver.executor.ssh;

import org.junit.jupiter.api.Test;
import org.omserver.executor.ssh.internal.ShellQuoting;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestShellQuoting
{
    @Test
    void quotesEveryElement()
    {
        assertThat(ShellQuoting.commandLine(List.of("echo", "hello world"))).isEqualTo("'echo' 'hello world'");
        assertThat(ShellQuoting.quote("")).isEqualTo("''");
        assertThat(ShellQuoting.quote("$(id)")).isEqualTo("'$(id)'");
    }

    @Test
    void escapesSingleQuotes()
    {
        assertThat(ShellQuoting.quote("a'b")).isEqualTo("'a'\\''b'");
        assertThat(ShellQuoting.quote("'")).isEqualTo("''\\'''");
    }

    @Test
    void rejectsEmptyArgv()
    {
        assertThatThrownBy(() -> ShellQuoting.commandLine(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
