package org.omserver.agent.update;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.daemon.AgentConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The restart supervisor with real agent processes and a "master" that accepts connections and never answers: the
 * freshly swapped version cannot announce itself, so the supervisor stops it after update.health-timeout, points
 * current back at previous and records why; the old version then cannot register either and exits 2, which ends the
 * supervisor (a restart would not help).
 */
final class TestAgentSupervisor
{
    private static final String ADDRESS = "127.0.43.50";

    @TempDir
    Path tmp;

    @Test
    void aNewVersionThatDoesNotAnnounceInTimeIsRolledBack()
            throws Exception
    {
        InstallLayout layout = new InstallLayout(tmp.resolve("install"));
        for (String version : List.of("1.0.0", "2.0.0")) {
            agentJar(layout.versions().resolve(version));
        }
        layout.activate("1.0.0");
        layout.activate("2.0.0");
        Path state = Files.createDirectories(tmp.resolve("state"));
        new UpdateState(UpdateState.State.PENDING, "1.0.0", "2.0.0", "agent-2.0.0.zip", Instant.now(), "").write(state);
        Files.writeString(tmp.resolve("token"), "omt1.0123456789abcdef." + "A".repeat(43));

        ServerSocket silentMaster = new ServerSocket(0, 50, InetAddress.getByName(ADDRESS));
        List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silentMaster.accept());
                    }
                }
                catch (IOException e) {
                    // closed at the end of the test
                }
            });
            Map<String, String> properties = Map.of("agent.bind", ADDRESS, "agent.port", "0", "master.host", ADDRESS,
                    "master.port", Integer.toString(silentMaster.getLocalPort()), "state.dir", state.toString(), "enroll.token-file",
                    tmp.resolve("token").toString(), "rpc.read-timeout", "3s", "update.install-dir", layout.install().toString(),
                    "update.health-timeout", "2s");
            Path config = tmp.resolve("agent.properties");
            StringBuilder text = new StringBuilder();
            properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            Files.writeString(config, text);

            int exit = new AgentSupervisor(config, AgentConfig.fromProperties(properties)).run();

            assertThat(exit).isEqualTo(2);
            assertThat(layout.current()).contains("1.0.0");
            UpdateState after = UpdateState.read(state).orElseThrow();
            assertThat(after.state()).isEqualTo(UpdateState.State.ROLLED_BACK);
            assertThat(after.detail()).isEqualTo("version 2.0.0 did not announce itself to the master within 2 s; rolled back to 1.0.0");
        }
        finally {
            silentMaster.close();
            for (Socket socket : List.copyOf(held)) {
                socket.close();
            }
        }
    }

    /** lib/agent.jar whose manifest Class-Path is this test's class path: a version directory that starts this build's agent. */
    private static void agentJar(Path versionDir)
            throws IOException
    {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.append(classPath.isEmpty() ? "" : " ").append(Path.of(entry).toAbsolutePath().toUri());
            }
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString());
        Files.createDirectories(versionDir.resolve("lib"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(versionDir.resolve("lib/agent.jar")), manifest)) {
            jar.flush();
        }
    }
}
