package org.omserver.bench;

import org.apache.thrift.TException;
import org.omserver.agent.daemon.AgentDaemon;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.catalog.user.Role;
import org.omserver.master.agents.EnrollmentTokens;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.SharedSecret;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The master's half of bench/agent-fanout.sh: runs module 2002 ({@code omserver:version}) as a real job through a
 * master in this JVM (H2, Thrift client with v2 envelopes, the agent backend) on N native agents hosted by a second
 * JVM ({@link AgentFleet}), each agent on its own loopback address, enrolled with a one-time token. Per N it starts a
 * fresh master (the backend's connection pool empty) on the same database and runs a cold job (new connections)
 * then {@code runs} warm jobs (pooled connections), and prints one {@code RESULT} line per job: wall time from
 * submit to the last event, this JVM's CPU, peaks of its platform threads, fds and heap, its heap after a GC, and the
 * agents' JVM heap (used, after a GC) and threads. Every host's output must be the agent's version.
 *
 * <p>Usage: {@code AgentFanoutBench --counts 100,1000 --runs 3 --state DIR --agents-xmx 4g --max-parallel 1024}.
 */
public final class AgentFanoutBench
{
    private static final String SECRET = "agent fan-out benchmark secret, loopback only";
    private static final String DB_URL = "jdbc:h2:mem:omserver-agent-bench;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    private static final int VERSION_MODULE = 2002;
    private static final String PASSWORD = "bench-admin-password";
    private static final int MAX_AGENTS = 10_000;
    private static final Duration JOB_LIMIT = Duration.ofMinutes(5);
    // between event polls: without it each poll returns a handful of events and hundreds of polls bill the job
    private static final Duration POLL_PAUSE = Duration.ofMillis(20);

    private AgentFanoutBench() {}

    public static void main(String[] args)
            throws Exception
    {
        Map<String, String> options = Options.parse(args);
        List<Integer> counts = Arrays.stream(options.getOrDefault("counts", "100,1000").split(",")).map(Integer::parseInt).toList();
        int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
        Path state = Path.of(options.getOrDefault("state", "/tmp/agent-fanout"));
        int largest = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        if (largest > MAX_AGENTS || counts.stream().anyMatch(n -> n < 1) || runs < 1 || runs > 10) {
            throw new IllegalArgumentException("counts must be 1 to " + MAX_AGENTS + " agents and runs 1-10");
        }
        Map<String, String> properties = new HashMap<>();
        properties.put("master.port", "0");
        properties.put("agents.port", "0");
        properties.put("agents.worker-threads", "32");
        properties.put("db.url", DB_URL);
        properties.put("executor.default", "agent");
        properties.put("run.max-parallel", options.getOrDefault("max-parallel", "1024"));
        properties.put("executor.agent.max-concurrent", options.getOrDefault("max-parallel", "1024"));
        MasterConfig config = MasterConfig.fromProperties(properties);

        Files.createDirectories(state);
        Path tokens = state.resolve("tokens");
        List<String> addresses = new ArrayList<>();
        int agentPort;
        try (MasterServer master = MasterServer.start(config, SharedSecret.of(SECRET), Clock.systemUTC());
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(tokens, StandardCharsets.UTF_8))) {
            master.catalog().users().create("admin", PASSWORD.toCharArray(), Role.ADMIN);
            for (int i = 0; i < largest; i++) {
                // 127.100.0.1 … 127.100.39.250: 250 agents per third octet, never .0 or .255
                String address = "127.100." + (i / 250) + "." + (i % 250 + 1);
                EnrollmentToken token = EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofHours(2), "bench");
                out.println(address + " " + token.reveal());
                addresses.add(address);
            }
            out.flush();
            agentPort = master.agentPort().orElseThrow();
            Fleet fleet = Fleet.start(state, tokens, agentPort, options.getOrDefault("agents-xmx", "4g"));
            System.err.printf("%d agents enrolled and announced in %d ms%n", fleet.ready, fleet.readyMillis);
            try (fleet) {
                for (int n : counts) {
                    measureAt(config, n, addresses.subList(0, n), runs, fleet);
                }
            }
        }
    }

    private static void measureAt(MasterConfig config, int n, List<String> hosts, int runs, Fleet fleet)
            throws Exception
    {
        // a fresh master per N: its agent backend starts with no pooled connection, so the first job is cold
        try (MasterServer master = MasterServer.start(config, SharedSecret.of(SECRET), Clock.systemUTC());
                MasterClient client = new MasterClient(master.port(), SECRET)) {
            String session = client.call("login", new LoginRequest("admin", PASSWORD), new LoginReply()).getSession();
            for (int run = 0; run <= runs; run++) {
                com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                Peaks peaks = Peaks.start();
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                int ok = runJob(client, session, hosts);
                long wall = System.nanoTime() - wall0;
                long cpu = os.getProcessCpuTime() - cpu0;
                peaks.close();
                Runtime runtime = Runtime.getRuntime();
                System.gc();
                long heapAfterGc = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
                String[] agentsHeap = fleet.heap();
                System.out.printf("RESULT\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s%n", run == 0 ? "cold" : "warm", n, run, wall / 1_000_000,
                        cpu / 1_000_000, ok, peaks.threads(), peaks.fds(), peaks.heapMiB(), heapAfterGc, agentsHeap[1], agentsHeap[2], agentsHeap[3]);
                System.out.flush();
            }
        }
    }

    /** Submits module 2002 on the hosts and follows its events to the end; returns how many hosts printed the agent's version. */
    private static int runJob(MasterClient client, String session, List<String> hosts)
            throws TException, InterruptedException
    {
        SubmitReply submitted = client.call("submit", new SubmitRequest(session, VERSION_MODULE, hosts, Map.of()), new SubmitReply());
        Map<String, StringBuilder> stdout = new HashMap<>();
        Map<String, HostStatus> status = new HashMap<>();
        long cursor = 0;
        long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            EventsReply page = client.call("events", new EventsRequest(session, submitted.getJobId(), cursor, 20_000).setMaxEvents(5000), new EventsReply());
            for (HostEvent event : page.getEvents()) {
                if (event.getKind() == EventKind.STDOUT) {
                    stdout.computeIfAbsent(event.getLanIp(), ip -> new StringBuilder()).append(event.getText());
                }
                else if (event.getKind() == EventKind.FINISHED) {
                    status.put(event.getLanIp(), event.getStatus());
                    if (event.getStatus() != HostStatus.SUCCESS) {
                        System.err.printf("job %d host %s: %s %s%n", submitted.getJobId(), event.getLanIp(), event.getFailureReason(), event.getFailureMessage());
                    }
                }
            }
            cursor = page.getNextCursor();
            if (page.isComplete()) {
                int ok = 0;
                for (String host : hosts) {
                    if (status.get(host) == HostStatus.SUCCESS && stdout.getOrDefault(host, new StringBuilder()).toString().strip().equals(AgentDaemon.VERSION)) {
                        ok++;
                    }
                }
                return ok;
            }
            Thread.sleep(POLL_PAUSE);
        }
        throw new IllegalStateException("job " + submitted.getJobId() + " did not complete within " + JOB_LIMIT);
    }

    /** The agents' JVM ({@link AgentFleet}), driven through its stdin and stdout. */
    private static final class Fleet
            implements AutoCloseable
    {
        private final Process process;
        private final BufferedReader out;
        private final PrintWriter in;
        private final int ready;
        private final long readyMillis;

        private Fleet(Process process, BufferedReader out, PrintWriter in, int ready, long readyMillis)
        {
            this.process = process;
            this.out = out;
            this.in = in;
            this.ready = ready;
            this.readyMillis = readyMillis;
        }

        static Fleet start(Path state, Path tokens, int agentPort, String xmx)
                throws IOException
        {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                    "-cp", System.getProperty("java.class.path"), AgentFleet.class.getName(),
                    "--master-port", Integer.toString(agentPort), "--tokens", tokens.toString(), "--state", state.resolve("agents").toString());
            Process process = new ProcessBuilder(command).redirectError(state.resolve("agents.log").toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("READY ")) {
                process.destroy();
                throw new IllegalStateException("the agents' JVM did not start (" + line + "): see " + state.resolve("agents.log"));
            }
            String[] ready = line.split(" ");
            return new Fleet(process, out, new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8), Integer.parseInt(ready[1]),
                    Long.parseLong(ready[2]));
        }

        /** {@code HEAP <used MiB> <used after GC MiB> <threads>} from the agents' JVM. */
        String[] heap()
                throws IOException
        {
            in.println("heap");
            String line = out.readLine();
            if (line == null || !line.startsWith("HEAP ")) {
                throw new IllegalStateException("the agents' JVM stopped answering: " + line);
            }
            return line.split(" ");
        }

        @Override
        public void close()
                throws InterruptedException
        {
            in.println("quit");
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
