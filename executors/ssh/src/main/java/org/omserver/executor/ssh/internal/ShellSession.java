package org.omserver.executor.ssh.internal;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * One shell kept open on a pooled connection, which runs one command after another: a command costs the host a fork
 * and an exec instead of a new SSH session, a login shell and a watcher (4.9 ms of the host's CPU instead of 22 ms on
 * a VM with slow forks, 0.6 ms instead of 2.9 ms on a faster one; bench/warm-floor.sh). The session runs {@link #BOOTSTRAP}: a relay copies what it gets on stdin to
 * {@code sh}, and when stdin ends (the executor gave up on a command, the pool closed the connection, or the
 * connection was lost) it sends SIGTERM and, 5 s later, SIGKILL to the session's process group, so no command outlives
 * the shell it was started from. {@link #start} sends one command as a script (see {@link #script}); its output lies
 * between marker lines that carry a random nonce, which {@link MarkedStream} cuts at.
 */
public final class ShellSession
{
    /**
     * Runs in the login shell of the session. The relay is {@code cat}, which passes on what arrives in one read and
     * one write (a shell's {@code read} loop reads a byte per system call; bench/warm-floor.sh measured it 1–2.6 ms
     * of host CPU per command dearer in one run and within the noise in another). The signals go to the process group whose id is the login shell's pid
     * ({@code -$$}): sshd makes every session's shell the leader of a new session and group, so that group is this
     * session and nothing else. On a server that does not (the demo's embedded one), there is no such group and the
     * kill does nothing; {@code kill 0} would signal the server's own group there. The relay ignores SIGTERM so that
     * it outlives its own kill and sends the SIGKILL; its stderr goes to /dev/null so that its 5 s wait does not hold
     * the channel open.
     */
    static final String BOOTSTRAP = "{ trap '' TERM; cat; kill -s TERM -- -$$; sleep 5; kill -s KILL -- -$$; } 2>/dev/null | sh";

    /**
     * Builtins that change the shell they run in or read its input (POSIX, dash and bash): such a command runs in a
     * subshell, so that {@code exit}, {@code cd}, {@code exec} or {@code set -e} change only that subshell. Any other
     * command runs as the shell's own child, which dash starts with vfork: about 2 ms of the host's CPU less per
     * command than a subshell or a background job on the bench's VM.
     */
    private static final Set<String> SHELL_STATE_BUILTINS = Set.of(
            ".", "alias", "bg", "break", "builtin", "cd", "chdir", "command", "continue", "declare", "dirs", "disown",
            "enable", "eval", "exec", "exit", "export", "fc", "fg", "getopts", "hash", "history", "jobs", "let", "local",
            "logout", "mapfile", "popd", "pushd", "read", "readarray", "readonly", "return", "set", "setvar", "shift",
            "shopt", "source", "suspend", "trap", "typeset", "ulimit", "umask", "unalias", "unset", "wait");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Session.Command shell;
    private final OutputStream stdin;
    private final MarkedStream stdout;
    private final MarkedStream stderr;

    private ShellSession(Session.Command shell)
    {
        this.shell = shell;
        this.stdin = shell.getOutputStream();
        this.stdout = new MarkedStream(shell.getInputStream());
        this.stderr = new MarkedStream(shell.getErrorStream());
    }

    /** Opens a session on {@code client} and starts the shell in it. */
    public static ShellSession open(SSHClient client)
            throws IOException
    {
        @SuppressWarnings("resource") // closed with the connection
        Session session = client.startSession();
        return new ShellSession(session.exec(BOOTSTRAP));
    }

    /** The markers of one command: its start line, and the marker its output ends with on stdout and stderr. */
    public record Markers(byte[] startLine, byte[] end) {}

    /** Sends {@code argv} to run now; its output is on {@link #stdout} and {@link #stderr} between {@code markers}. */
    public Markers start(List<String> argv)
            throws IOException
    {
        String nonce = "OMS" + HexFormat.of().formatHex(randomBytes());
        stdin.write(script(argv, nonce).getBytes(UTF_8));
        stdin.flush();
        return new Markers((nonce + "-S\n").getBytes(US_ASCII), ("\n" + nonce + "-E").getBytes(US_ASCII));
    }

    private static byte[] randomBytes()
    {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /**
     * One command for the shell: the quoted argv as the positional parameters, the start line on both streams, the
     * command with stdin from /dev/null (so that it cannot read the next command), in a subshell if it is one of the
     * {@link #SHELL_STATE_BUILTINS}, and after it ended, the end marker on both streams, with the exit status on
     * stdout. A command killed by a signal makes the shell say so on stderr ("Terminated", "Killed"), as a script
     * would; its status is 128 + the signal's number.
     */
    static String script(List<String> argv, String nonce)
    {
        requireNonNull(nonce, "nonce is null");
        String command = SHELL_STATE_BUILTINS.contains(argv.getFirst()) ? "( \"$@\" ) </dev/null" : "\"$@\" </dev/null";
        return "set -- " + ShellQuoting.commandLine(argv) + "\n"
                + "printf '%s\\n' " + nonce + "-S; printf '%s\\n' " + nonce + "-S >&2\n"
                + command + "\n"
                + "printf '\\n%s %s\\n' " + nonce + "-E \"$?\"; printf '\\n%s\\n' " + nonce + "-E >&2\n";
    }

    public MarkedStream stdout()
    {
        return stdout;
    }

    public MarkedStream stderr()
    {
        return stderr;
    }

    /** Ends the shell's input: the relay stops whatever runs (SIGTERM, then SIGKILL). */
    public void endInput()
            throws IOException
    {
        stdin.close();
    }

    public boolean isOpen()
    {
        return shell.isOpen();
    }
}
