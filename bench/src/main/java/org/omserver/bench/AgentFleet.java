package org.omserver.bench;

import org.omserver.agent.daemon.AgentConfig;
import org.omserver.agent.daemon.AgentDaemon;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The agents' JVM of bench/agent-fanout.sh, started by {@link AgentFanoutBench}: one real {@link AgentDaemon} per
 * line of the tokens file ({@code ADDRESS TOKEN}), each bound to its own loopback address, enrolled with the master
 * (at most 16 enrolling at once) and announced. Then it answers commands on stdin, one per line: {@code heap} prints
 * {@code HEAP <used MiB> <used after GC MiB> <platform threads>}, {@code quit} stops every agent and exits.
 *
 * <p>Usage: {@code AgentFleet --master-port P --tokens FILE --state DIR}.
 */
public final class AgentFleet
{
    private static final int ENROLLING_AT_ONCE = 16;

    private AgentFleet() {}

    public static void main(String[] args)
            throws Exception
    {
        Map<String, String> options = Options.parse(args);
        int masterPort = Integer.parseInt(options.get("master-port"));
        Path state = Path.of(options.get("state"));
        List<String[]> tokens = Files.readAllLines(Path.of(options.get("tokens"))).stream().map(line -> line.split(" ")).toList();
        for (String[] line : tokens) {
            if (line.length != 2 || !line[0].matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new IllegalArgumentException("tokens file: expected 'ADDRESS TOKEN' with a 127.0.0.0/8 address, got " + String.join(" ", line));
            }
        }
        List<AgentDaemon> agents = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        try (ExecutorService enrolling = Executors.newFixedThreadPool(ENROLLING_AT_ONCE)) {
            List<Future<?>> started = new ArrayList<>();
            for (String[] line : tokens) {
                started.add(enrolling.submit(() -> {
                    agents.add(AgentDaemon.start(config(state, line[0], line[1], masterPort), Clock.systemUTC()));
                    return null;
                }));
            }
            for (Future<?> future : started) {
                future.get();
            }
        }
        System.out.printf("READY %d %d%n", agents.size(), (System.nanoTime() - start) / 1_000_000);
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !command.equals("quit")) {
            if (command.equals("heap")) {
                Runtime runtime = Runtime.getRuntime();
                long used = runtime.totalMemory() - runtime.freeMemory();
                System.gc();
                long afterGc = runtime.totalMemory() - runtime.freeMemory();
                System.out.printf("HEAP %d %d %d%n", used >> 20, afterGc >> 20, ManagementFactory.getThreadMXBean().getThreadCount());
                System.out.flush();
            }
        }
        agents.forEach(AgentDaemon::close);
        System.exit(0);
    }

    private static AgentConfig config(Path state, String address, String token, int masterPort)
            throws java.io.IOException
    {
        Path dir = Files.createDirectories(state.resolve(address));
        Files.writeString(dir.resolve("token"), token, StandardCharsets.UTF_8);
        Map<String, String> properties = new HashMap<>();
        properties.put("agent.bind", address);
        properties.put("agent.port", "11520");
        properties.put("master.host", "127.0.0.1");
        properties.put("master.port", Integer.toString(masterPort));
        properties.put("state.dir", dir.resolve("state").toString());
        properties.put("enroll.token-file", dir.resolve("token").toString());
        properties.put("heartbeat.interval", "60m");
        properties.put("rpc.worker-threads", "2");
        return AgentConfig.fromProperties(properties);
    }
}
