package org.omserver.executor.ssh.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShellSession#BOOTSTRAP} run locally, without SSH: the relay stops what runs in its own session when its stdin
 * ends, and signals nothing outside it. Run as a child of this JVM, the shell is not a group leader, as under an SSH
 * server that does not start a session per login (the demo's): a relay that signalled "its" group there would kill
 * this JVM, and Maven with it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TestShellSessionRelay
{
    @Test
    void endOfInputStopsTheRunningCommandWhenTheShellLeadsItsSession(@TempDir Path directory)
            throws Exception
    {
        Process shell = new ProcessBuilder("setsid", "sh", "-c", ShellSession.BOOTSTRAP).start();
        try {
            long sleeper = startSleeper(shell, directory);

            shell.getOutputStream().close();

            assertThat(awaitGone(sleeper, 5)).as("the command after the relay's SIGTERM").isTrue();
            assertThat(shell.waitFor(5, TimeUnit.SECONDS)).as("the login shell after the relay's SIGTERM").isTrue();
        }
        finally {
            destroyAll(shell);
        }
    }

    @Test
    void theRelaySignalsNothingOutsideItsOwnSession(@TempDir Path directory)
            throws Exception
    {
        Process shell = new ProcessBuilder("sh", "-c", ShellSession.BOOTSTRAP).start();
        try {
            long sleeper = startSleeper(shell, directory);

            shell.getOutputStream().close();
            Thread.sleep(1000);

            // this JVM is alive to see it; the command too: the relay found no group of its own to stop
            assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive)).contains(true);
        }
        finally {
            destroyAll(shell);
        }
    }

    /** Sends one command that writes its pid and sleeps, as the executor would, and returns that pid. */
    private static long startSleeper(Process shell, Path directory)
            throws Exception
    {
        Path pidFile = directory.resolve("sleeper.pid");
        OutputStream stdin = shell.getOutputStream();
        stdin.write(ShellSession.script(List.of("sh", "-c", "echo $$ > \"$0.tmp\" && mv \"$0.tmp\" \"$0\" && exec sleep 30", pidFile.toString()), "OMS0").getBytes(UTF_8));
        stdin.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    private static boolean awaitGone(long pid, int seconds)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static void destroyAll(Process shell)
    {
        Optional.of(shell.toHandle()).ifPresent(handle -> {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
        });
    }
}
