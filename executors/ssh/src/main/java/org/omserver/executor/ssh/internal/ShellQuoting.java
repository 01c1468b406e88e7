package org.omserver.executor.ssh.internal;

import java.util.List;
import java.util.StringJoiner;

import static java.util.Objects.requireNonNull;

/**
 * Turns an argument vector into one command line for the remote POSIX shell, which is what SSH exec carries.
 * Every element is single-quoted, so the shell sees each one as a literal word: nothing inside
 * ({@code $}, backquotes, {@code ;}, globs, {@code ~}, newlines) is interpreted.
 */
public final class ShellQuoting
{
    private ShellQuoting() {}

    /** {@code abc} becomes {@code 'abc'}; a quote inside becomes {@code '\''} (close, escaped quote, reopen). */
    public static String quote(String argument)
    {
        requireNonNull(argument, "argument is null");
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    /** Each element quoted, joined with single spaces. */
    public static String commandLine(List<String> argv)
    {
        requireNonNull(argv, "argv is null");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        StringJoiner line = new StringJoiner(" ");
        argv.forEach(argument -> line.add(quote(argument)));
        return line.toString();
    }
}
