package org.omserver.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.launcher.demo.DemoAgents;
import org.omserver.launcher.demo.DemoData;
import org.omserver.launcher.demo.DemoFiles;
import org.omserver.launcher.demo.DemoHosts;
import org.omserver.master.rpc.MasterServer;
import org.omserver.master.config.MasterConfig;
import org.omserver.protocol.envelope.SharedSecret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The whole stack on embedded defaults: H2 in MySQL mode, the master, the gateway and SSH target hosts on
 * loopback addresses. Nothing to install but a JDK; nothing survives the process.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole stack on embedded defaults: H2, master, gateway and demo SSH hosts on 127.0.0.2+.")
final class DemoCommand
        implements Callable<Integer>
{
    @Option(names = "--hosts", defaultValue = "3", description = "Demo target hosts on 127.0.0.2 and up, 1-16 (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--http-port", defaultValue = "8080", description = "Gateway port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--master-port", defaultValue = "11511", description = "Master port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int masterPort;

    @Option(names = "--ssh-port", defaultValue = "2222", description = "SSH port of the demo hosts (default: ${DEFAULT-VALUE}).")
    int sshPort;

    @Option(names = "--agents", defaultValue = "2", description = "Native agents on the loopback addresses after the SSH hosts, 0-8 (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--agents-port", defaultValue = "11512", description = "Master port agents call, on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int agentsPort;

    @Option(names = "--agent-port", defaultValue = "11520", description = "Port each demo agent listens on, at its own address (default: ${DEFAULT-VALUE}).")
    int agentPort;

    @Override
    public Integer call()
            throws Exception
    {
        if (hosts < 1 || hosts > 16) {
            throw new IllegalArgumentException("--hosts must be 1-16, was " + hosts);
        }
        requireFree(masterPort, "--master-port");
        requireFree(httpPort, "--http-port");
        if (agents < 0 || agents > 8) {
            throw new IllegalArgumentException("--agents must be 0-8, was " + agents);
        }
        if (agents > 0) {
            requireFree(agentsPort, "--agents-port");
        }
        List<AutoCloseable> started = new ArrayList<>();
        Path work = Files.createTempDirectory("omserver-demo-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        started.add(() -> deleteTree(work));
        try {
            SharedSecret secret = secret(work);
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < hosts; i++) {
                addresses.add("127.0.0." + (i + 2));
            }
            DemoHosts demoHosts = DemoHosts.start(work, addresses, sshPort);
            started.add(demoHosts);

            MasterServer master = MasterServer.start(MasterConfig.fromProperties(Map.ofEntries(
                    Map.entry("files.dir", work.resolve("files").toString()),
                    Map.entry("master.port", Integer.toString(masterPort)),
                    Map.entry("agents.port", Integer.toString(agentsPort)),
                    Map.entry("db.url", "jdbc:h2:mem:omserver-demo;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1"),
                    Map.entry("db.user", "sa"),
                    Map.entry("db.password", ""),
                    Map.entry("legacy.enabled", "true"),
                    Map.entry("legacy.accept-v1", "true"),
                    Map.entry("executor.ssh.private-key", demoHosts.clientKey().toString()),
                    Map.entry("executor.ssh.known-hosts", demoHosts.knownHosts().toString()))), secret, Clock.systemUTC());
            started.add(master);
            char[] password = demoPassword();
            DemoData.seed(master.catalog(), demoHosts, password);
            DemoFiles.seed(master);
            List<String> agentAddresses = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                agentAddresses.add("127.0.0." + (hosts + 2 + i));
            }
            started.addAll(DemoAgents.start(work, master, agentAddresses, agentPort));

            GatewayServer gateway = GatewayServer.start(GatewayConfig.fromProperties(Map.of(
                    "gateway.port", Integer.toString(httpPort),
                    "master.port", Integer.toString(master.port()))), secret);
            started.add(gateway);

            System.out.printf("""

                    OMServer demo is running.
                      Web gateway:  %s  — log in as admin / %s
                      Master:       127.0.0.1:%d (Thrift; the legacy runCommands call accepts v1 tokens in the demo)
                      Demo hosts:   %s, SSH port %d, commands run as %s
                      Demo agents:  %s, port %d (category Unassigned → unassigned; 'omserver agents' lists them)
                      Shared secret file: %s
                    Press Ctrl-C to stop; nothing is kept.
                    %n""", gateway.uri(), new String(password), master.port(), String.join(", ", addresses), sshPort,
                    System.getProperty("user.name"), agentAddresses.isEmpty() ? "none" : String.join(", ", agentAddresses), agentPort, work.resolve("secret"));
        }
        catch (Exception | Error e) {
            Running.closeAll(started);
            throw e;
        }
        return Running.untilStopped(started);
    }

    /** OMSERVER_SECRET when set; otherwise a new one. Written to a file so the CLI and scripts can use it. */
    private static SharedSecret secret(Path work)
            throws IOException
    {
        String fromEnvironment = System.getenv(SharedSecret.ENVIRONMENT_VARIABLE);
        SharedSecret secret = fromEnvironment == null || fromEnvironment.isBlank() ? SharedSecret.generate() : SharedSecret.of(fromEnvironment);
        Files.writeString(work.resolve("secret"), secret.reveal(), UTF_8);
        return secret;
    }

    private static char[] demoPassword()
    {
        String fromEnvironment = System.getenv("OMSERVER_DEMO_PASSWORD");
        return fromEnvironment == null || fromEnvironment.isBlank() ? GeneratedPasswords.next() : fromEnvironment.toCharArray();
    }

    private static void requireFree(int port, String option)
    {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("port " + port + " on 127.0.0.1 is in use (" + e.getMessage() + "); is another demo running? Choose another with " + option);
        }
    }

    private static void deleteTree(Path root)
            throws IOException
    {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
