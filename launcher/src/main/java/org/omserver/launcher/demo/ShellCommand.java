package org.omserver.launcher.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import static java.util.Objects.requireNonNull;

/**
 * Runs an SSH exec request the way OpenSSH does: {@code /bin/sh -c <command line>} as the current user, so the
 * SSH backend's quoted argument vector is parsed by a real POSIX shell. Output is pumped to the channel and the
 * process is killed when the channel closes (e.g. the master's command timeout).
 */
final class ShellCommand
        implements Command
{
    private final String commandLine;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exitCallback;
    private volatile Process process;

    ShellCommand(String commandLine)
    {
        this.commandLine = requireNonNull(commandLine, "commandLine is null");
    }

    @Override
    public void setInputStream(InputStream in)
    {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out)
    {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err)
    {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback)
    {
        this.exitCallback = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env)
            throws IOException
    {
        process = new ProcessBuilder("/bin/sh", "-c", commandLine).start();
        Process started = process;
        // the channel's stdin goes on to the command: the SSH backend closes it to stop a command on timeout
        Thread.ofVirtual().name("demo-ssh-stdin").start(() -> {
            try (OutputStream stdin = started.getOutputStream()) {
                pump(in, stdin);
            }
            catch (IOException e) {
                // the command exited and closed its stdin first
            }
        });
        Thread stderr = Thread.ofVirtual().name("demo-ssh-stderr").start(() -> pump(started.getErrorStream(), err));
        Thread.ofVirtual().name("demo-ssh-stdout").start(() -> {
            pump(started.getInputStream(), out);
            try {
                int code = started.waitFor();
                stderr.join(); // every output chunk goes out before the exit status
                exitCallback.onExit(code);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exitCallback.onExit(130, "interrupted");
            }
        });
    }

    @Override
    public void destroy(ChannelSession channel)
            throws InterruptedException
    {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly();
            running.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void pump(InputStream from, OutputStream to)
    {
        byte[] buffer = new byte[8192];
        try (from) {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        }
        catch (IOException e) {
            // the channel closed (timeout, cancel, client gone): nothing left to deliver to
        }
    }
}
