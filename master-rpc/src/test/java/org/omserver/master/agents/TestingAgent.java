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
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("token"), token, UTF_8);
        return launch(address, masterAgentPort, dir, true, overrides, "listening on");
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
        return launch(address, masterAgentPort, dir, false, asking, "is pending");
    }

    private static TestingAgent launch(String address, int masterAgentPort, Path dir, boolean withToken, Map<String, String> overrides, String ready)
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
                "-cp", System.getProperty("java.class.path"), "org.omserver.agent.daemon.AgentMain", "--config", config.toString()));
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

    /** Kills the agent at once, as a crash would. */
    public void kill()
            throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close()
            throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
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
