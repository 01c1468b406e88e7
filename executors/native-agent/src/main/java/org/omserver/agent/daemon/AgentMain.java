package org.omserver.agent.daemon;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code java -cp … org.omserver.agent.daemon.AgentMain --config agent.properties}: the agent without the launcher,
 * for hosts that get only this module's jar and for tests that start real agent processes. Exit code 2 on a
 * configuration or registration problem, with the message on stderr.
 */
public final class AgentMain
{
    private AgentMain() {}

    public static void main(String[] args)
    {
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: AgentMain --config <agent.properties>");
            System.exit(2);
        }
        AgentDaemon daemon;
        try {
            daemon = AgentDaemon.start(AgentConfig.fromProperties(load(Path.of(args[1]))), Clock.systemUTC());
        }
        catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("omserver agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "agent-shutdown"));
        try {
            stopped.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A properties file as a map, keys and values trimmed. */
    public static Map<String, String> load(Path file)
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
        }
        catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key.strip(), properties.getProperty(key).strip()));
        return values;
    }
}
