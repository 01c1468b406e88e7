package org.omserver.master.agents;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A real agent process ({@code java … AgentMain}) on a loopback address, with its own state directory. Its allow-list
 * holds what the tests run: {@code head -n 1 /etc/issue}, {@code sleep <seconds>}, {@code echo <words>…}.
 */
public final class TestingAgent
        implements AutoCloseable
{
    private final String address;
    private final Path dir;
    private final Process process;

    private TestingAgent(String address, Path dir, Process process)
    {
        this.address = address;
        this.dir = dir;
        this.process = process;
    }

    /** Starts an agent and waits until it serves, or until it exited (then {@link #exitCode()} and {@link #log()} say why). */
    public static TestingAgent start(String address, int masterAgentPort, Path dir, String token, Map<String, String> overrides)
            throws IOException, InterruptedException
    {
        return start(address, masterAgentPort, dir, token, overrides, "org.omserver.agent.daemon.AgentMain");
    }

    /**
     * Starts the restart supervisor ({@code AgentSupervisor}, what {@code omserver agent} runs with
     * {@code update.install-dir} set), which starts the agent from {@code <install>/current}; waits until that agent serves.
     * Install a version first with {@link #installVersion}.
     */
    public static TestingAgent startSupervised(String address, int masterAgentPort, Path dir, String token, Map<String, String> overrides)
            throws IOException, InterruptedException
    {
        return start(address, masterAgentPort, dir, token, overrides, "org.omserver.agent.update.AgentSupervisor");
    }

    /**
     * Writes {@code <from>/lib/agent.jar}: a jar holding only a manifest whose Class-Path names this test's class path,
     * so a version directory holding it starts the agent built by this build (a release ships the jars themselves).
     */
    public static void agentJar(Path from)
            throws IOException
    {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.append(classPath.isEmpty() ? "" : " ").append(Path.of(entry).toAbsolutePath().toUri());
            }
        }
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, classPath.toString());
        Files.createDirectories(from.resolve("lib"));
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(from.resolve("lib/agent.jar")), manifest)) {
            jar.flush();
        }
    }

    /** Installs {@code version} (the agent of this build) under {@code install} and points {@code current} at it. */
    public static void installVersion(Path install, String version)
            throws IOException
    {
        org.omserver.agent.update.InstallLayout layout = new org.omserver.agent.update.InstallLayout(install);
        agentJar(layout.versions().resolve(version));
        layout.activate(version);
    }

    private static TestingAgent start(String address, int masterAgentPort, Path dir, String token, Map<String, String> overrides, String mainClass)
            throws IOException, InterruptedException
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("token"), token, UTF_8);
        return launch(address, masterAgentPort, dir, true, overrides, "listening on", mainClass);
    }

    /**
     * Starts an agent without a token that asks for an admin's approval every second ({@code enroll.ask-interval}), and
     * waits until it has asked (it serves only once approved: wait for {@link #log()} to say "listening on").
     */
    public static TestingAgent startAskingApproval(String address, int masterAgentPort, Path dir, Map<String, String> overrides)
            throws IOException, InterruptedException
    {
        Map<String, String> asking = new TreeMap<>(overrides);
        asking.putIfAbsent("enroll.ask-interval", "1s");
        return launch(address, masterAgentPort, dir, false, asking, "is pending", "org.omserver.agent.daemon.AgentMain");
    }

    private static TestingAgent launch(String address, int masterAgentPort, Path dir, boolean withToken, Map<String, String> overrides, String ready,
            String mainClass)
            throws IOException, InterruptedException
    {
        Files.createDirectories(dir);
        Map<String, String> properties = new TreeMap<>();
        properties.put("agent.bind", address);
        properties.put("agent.port", Integer.toString(freePort(address)));
        properties.put("master.host", "127.0.0.1");
        properties.put("master.port", Integer.toString(masterAgentPort));
        properties.put("state.dir", dir.resolve("state").toString());
        if (withToken) {
            properties.put("enroll.token-file", dir.resolve("token").toString());
        }
        properties.put("heartbeat.interval", "1s");
        properties.put("allow.head.program", "head");
        properties.put("allow.head.args", "-n 1 /etc/issue");
        properties.put("allow.sleep.program", "sleep");
        properties.put("allow.sleep.args", "\\\\d{1,2}");
        properties.put("allow.echo.program", "echo");
        properties.put("allow.echo.args", "[a-z0-9-]+ ...");
        properties.putAll(overrides);
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path config = dir.resolve("agent.properties");
        Files.writeString(config, text, UTF_8);

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass, "--config", config.toString()));
        Path log = dir.resolve("agent.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TestingAgent agent = new TestingAgent(address, dir, process);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (process.isAlive() && !agent.log().contains(ready)) {
            if (System.nanoTime() > deadline) {
                agent.close();
                throw new IllegalStateException("agent on " + address + " did not start within 180 s:\n" + agent.log());
            }
            Thread.sleep(50);
        }
        return agent;
    }

    public String address()
    {
        return address;
    }

    public Path stateDir()
    {
        return dir.resolve("state");
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** Waits for the process to end (it exits by itself on a refused enrollment). */
    public int exitCode()
            throws InterruptedException
    {
        return process.waitFor();
    }

    public String log()
    {
        try {
            return Files.readString(dir.resolve("agent.log"), UTF_8);
        }
        catch (IOException e) {
            return "";
        }
    }

    /** Kills the agent at once, as a crash would (a supervised one with its supervisor). */
    public void kill()
            throws InterruptedException
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close()
            throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private static int freePort(String address)
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        }
    }
}
