package org.omserver.master.rpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Runs a command locally, for comparing with what the master brought back from a loopback host. */
public record Commands(int exitCode, String stdout)
{
    public static Commands run(String... argv)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Commands(process.waitFor(), stdout);
    }
}
