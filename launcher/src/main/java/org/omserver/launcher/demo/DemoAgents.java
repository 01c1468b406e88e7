package org.omserver.launcher.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.omserver.agent.daemon.AgentConfig;
import org.omserver.agent.daemon.AgentDaemon;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.master.agents.EnrollmentTokens;
import org.omserver.master.rpc.MasterServer;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Native agents for the demo, in the demo's own process: each gets a one-time token, enrolls with the master
 * over loopback exactly as a real host would, and allows what the built-in modules run.
 */
public final class DemoAgents
{
    private DemoAgents() {}

    public static List<AutoCloseable> start(Path work, MasterServer master, List<String> addresses, int port)
            throws IOException
    {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            for (String address : addresses) {
                Path dir = Files.createDirectories(work.resolve("agent-" + address));
                // where module 2010 (downloads) may write on this demo host
                Path downloads = Files.createDirectories(dir.resolve("state").resolve("downloads"));
                EnrollmentToken token = EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofMinutes(10), "demo");
                Path tokenFile = Files.createFile(dir.resolve("token"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tokenFile, token.reveal(), UTF_8);
                started.add(AgentDaemon.start(AgentConfig.fromProperties(Map.ofEntries(
                        Map.entry("agent.bind", address),
                        Map.entry("agent.port", Integer.toString(port)),
                        Map.entry("master.port", Integer.toString(master.agentPort().orElseThrow())),
                        Map.entry("state.dir", dir.resolve("state").toString()),
                        Map.entry("enroll.token-file", tokenFile.toString()),
                        Map.entry("heartbeat.interval", "15s"),
                        Map.entry("allow.builtin-modules", "true"),
                        Map.entry("allow.uptime.program", "uptime"),
                        Map.entry("allow.unzip-roots", Files.createDirectories(dir.resolve("unzip")).toString()),
                        Map.entry("allow.download-roots", downloads.toString()),
                        Map.entry("allow.builtins", "all"))), Clock.systemUTC()));
            }
            return started;
        }
        catch (RuntimeException e) {
            for (AutoCloseable agent : started) {
                try {
                    agent.close();
                }
                catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
