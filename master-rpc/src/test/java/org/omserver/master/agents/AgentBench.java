package org.omserver.master.agents;

import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.*;
import org.omserver.agent.backend.*;
import org.omserver.agent.daemon.*;
import org.omserver.agent.wire.*;
import org.omserver.executor.api.*;
import org.omserver.master.agents.*;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.*;
import org.omserver.protocol.agent.*;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.*;
import org.apache.thrift.transport.layered.TFramedTransport;

/**
 * Benchmark, not a test: one JVM hosts a master (H2) and N in-process agents on 127.0.7.1..N (N at most 250), then
 * measures three rounds of a sealed {@code version} call to every agent at once, and of {@code echo hi} through the
 * agent backend on every agent at once (wall time to the last result), with the JVM's used heap (master and agents).
 * Run after {@code ./mvnw -B -o install -DskipTests}:
 * {@code java -cp launcher/target/omserver.jar master-rpc/src/test/java/org/omserver/master/agents/AgentBench.java 100}
 */
public class AgentBench {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        if (n < 1 || n > 250) {
            throw new IllegalArgumentException("agents: 1 to 250 (one loopback address each, 127.0.7.1 and up)");
        }
        Path work = Files.createTempDirectory("agentbench");
        MasterServer master = MasterServer.start(MasterConfig.fromProperties(Map.of("master.port", "0", "agents.port", "0",
                "db.url", "jdbc:h2:mem:bench;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1", "db.user", "sa", "executor.default", "agent",
                "agents.worker-threads", "32")), SharedSecret.generate(), Clock.systemUTC());
        List<AgentDaemon> agents = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String address = "127.0.7." + (i + 1);
            EnrollmentToken token = EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofHours(1), "bench");
            Path dir = Files.createDirectories(work.resolve(address));
            Files.writeString(dir.resolve("token"), token.reveal());
            agents.add(AgentDaemon.start(AgentConfig.fromProperties(Map.of("agent.bind", address, "agent.port", "0", "master.port",
                    Integer.toString(master.agentPort().getAsInt()), "state.dir", dir.resolve("state").toString(), "enroll.token-file",
                    dir.resolve("token").toString(), "rpc.worker-threads", "2", "heartbeat.interval", "1h", "allow.echo.program", "echo",
                    "allow.echo.args", "[a-z]+")), Clock.systemUTC()));
        }
        System.out.printf("enrolled and announced %d agents in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
        org.omserver.executor.api.Executor backend = new AgentExecutorFactory().create(ExecutorConfig.empty(),
                new BackendServices(Map.of(AgentKeys.class, new CatalogAgentKeys(master.catalog().agents()))));
        AgentSeal seal = new AgentSeal(Clock.systemUTC(), Duration.ofMinutes(2), 1 << 20, new ReplayCache(Clock.systemUTC(), 1_000_000));
        List<AgentRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) records.add(master.catalog().agents().findActiveAt("127.0.7." + (i + 1)).orElseThrow());
        for (int round = 1; round <= 3; round++) {
            long start = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> replies = new ArrayList<>();
                for (AgentRecord r : records) {
                    replies.add(pool.submit(() -> {
                        try (TTransport t = new TFramedTransport(new TSocket(r.address(), r.port(), 30_000))) {
                            t.open();
                            Agent.Client c = new Agent.Client(new TBinaryProtocol(t));
                            return seal.openReply(r.key(), "version", c.version(seal.sealRequest(r.agentId(), r.key(), "version", new VersionRequest())), new VersionReply()).getAgentVersion();
                        }
                    }));
                }
                for (Future<String> f : replies) f.get();
            }
            long versionMs = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            List<HostResult> results = new CopyOnWriteArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (AgentRecord r : records) {
                    pool.submit(() -> backend.execute(new Invocation(1, new HostTarget(r.address(), r.hostname(), 22, Optional.empty()), List.of("echo", "hi"),
                            Duration.ofSeconds(60), false), new EventSink() {
                        public void started(HostTarget t) {}
                        public void output(HostTarget t, OutputStream s, String c) {}
                        public void finished(HostTarget t, HostResult res) { results.add(res); }
                    }));
                }
            }
            long echoMs = (System.nanoTime() - start) / 1_000_000;
            Runtime rt = Runtime.getRuntime();
            System.out.printf("round %d: version on %d agents %d ms; echo via the agent backend on %d agents %d ms (%d ok); heap used %d MiB%n", round, n, versionMs,
                    n, echoMs, results.stream().filter(HostResult::succeeded).count(), (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
        backend.close();
        agents.forEach(AgentDaemon::close);
        master.close();
        System.exit(0);
    }
}
