package org.omserver.master.agents;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.backend.AgentExecutorFactory;
import org.omserver.agent.backend.AgentKeys;
import org.omserver.agent.wire.AgentSeal;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.catalog.agent.AgentMetric;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.agent.EnrollmentTokenRecord;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.Server;
import org.omserver.executor.api.BackendServices;
import org.omserver.executor.api.EventSink;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;
import org.omserver.master.rpc.Commands;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.agent.Agent;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentErrorCode;
import org.omserver.protocol.agent.AgentIntake;
import org.omserver.protocol.agent.HeartbeatRequest;
import org.omserver.protocol.agent.Metrics;
import org.omserver.protocol.agent.Sealed;
import org.omserver.protocol.agent.VersionReply;
import org.omserver.protocol.agent.VersionRequest;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.SubmitReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real agent processes on 127.0.6.x enrolling with a real master (MariaDB) and running commands through it.
 * Agents: 127.0.6.1 and 127.0.6.2 stay up for the whole class; other addresses are used by one test each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestAgents
{
    private TestingMaster master;
    private TestingAgent one;
    private TestingAgent two;
    private Path dir;
    private Executor backend;
    private final List<TestingAgent> started = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        this.dir = dir;
        master = new TestingMaster(Map.of());
        one = agent("127.0.6.1", token());
        two = agent("127.0.6.2", token());
        backend = new AgentExecutorFactory().create(ExecutorConfig.empty(),
                new BackendServices(Map.of(AgentKeys.class, new CatalogAgentKeys(master.catalog().agents()))));
    }

    @AfterAll
    void stop()
            throws Exception
    {
        backend.close();
        for (TestingAgent agent : started) {
            agent.close();
        }
        master.close();
    }

    // ---- enrollment ------------------------------------------------------------------------------

    @Test
    void anEnrolledAgentAppearsAsAnUnassignedServerWithItsRealFacts()
            throws Exception
    {
        AgentRecord agent = master.catalog().agents().findActiveAt("127.0.6.1").orElseThrow();
        assertThat(agent.hostname()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
        assertThat(agent.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(agent.memoryBytes()).isPositive();
        assertThat(agent.os()).isNotBlank();
        assertThat(agent.lanIps()).contains("127.0.6.1");
        assertThat(agent.agentVersion()).isEqualTo("0.1.0");

        Server server = master.catalog().inventory().findByLanIps(List.of("127.0.6.1")).getFirst();
        assertThat(server.backend()).contains("agent");
        assertThat(server.name()).isEqualTo(agent.hostname());
        AppCategory category = master.catalog().inventory().appCategories().stream().filter(c -> c.id() == server.appCategoryId()).findFirst().orElseThrow();
        assertThat(category.name()).isEqualTo("unassigned");

        Path identity = one.stateDir().resolve("identity.properties");
        assertThat(Files.getPosixFilePermissions(identity)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(identity)).contains("agent.id=" + agent.agentId());
        assertThat(master.catalog().audit().latest(200)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agent.enroll");
            assertThat(entry.outcome()).isEqualTo("accepted");
            assertThat(entry.actor()).isEqualTo("agent " + agent.agentId());
            assertThat(entry.clientAddress()).isEqualTo("127.0.6.1");
        });
    }

    @Test
    void aTokenIsRefusedWhenReusedExpiredOrUnknown()
            throws Exception
    {
        EnrollmentToken token = token();
        TestingAgent first = agent("127.0.6.10", token);
        assertThat(first.isAlive()).isTrue();
        assertThat(master.catalog().agents().findToken(token.id()).orElseThrow().usedAt()).isPresent();

        TestingAgent reused = agent("127.0.6.11", token);
        assertThat(reused.exitCode()).isEqualTo(2);
        assertThat(reused.log()).contains("TOKEN_REFUSED").contains("already used");

        EnrollmentToken expired = EnrollmentToken.generate();
        Instant past = Instant.now().minus(Duration.ofHours(2));
        master.catalog().agents().addToken(new EnrollmentTokenRecord(expired.id(), HexFormat.of().formatHex(expired.digest()), past, "test",
                past.plus(Duration.ofHours(1)), Optional.empty(), Optional.empty()));
        TestingAgent late = agent("127.0.6.12", expired);
        assertThat(late.exitCode()).isEqualTo(2);
        assertThat(late.log()).contains("expired");

        TestingAgent stranger = agent("127.0.6.13", EnrollmentToken.generate());
        assertThat(stranger.exitCode()).isEqualTo(2);
        assertThat(stranger.log()).contains("unknown enrollment token");

        assertThat(master.catalog().inventory().findByLanIps(List.of("127.0.6.11", "127.0.6.12", "127.0.6.13"))).isEmpty();
        assertThat(master.catalog().audit().latest(200)).filteredOn(entry -> entry.action().equals("agent.enroll") && entry.outcome().equals("TOKEN_REFUSED"))
                .extracting(AuditEntry::clientAddress).contains("127.0.6.11", "127.0.6.12", "127.0.6.13");
    }

    @Test
    void tokenFormatIsCheckedBeforeAnythingIsSent()
    {
        assertThatThrownBy(() -> EnrollmentToken.parse("omt1.nothex.short"))
                .hasMessageContaining("not an enrollment token: expected omt1.<16 hex digits>.<43 characters>");
    }

    // ---- heartbeat and liveness ------------------------------------------------------------------

    @Test
    void heartbeatsStoreRealMetricsAndAHostIsOnlineOnlyWithinTheWindow()
    {
        String agentId = master.catalog().agents().findActiveAt("127.0.6.2").orElseThrow().agentId();
        await("a heartbeat of 127.0.6.2", () -> !master.catalog().agents().metrics(agentId, Instant.now().minus(Duration.ofHours(1))).isEmpty());
        AgentMetric metric = master.catalog().agents().metrics(agentId, Instant.now().minus(Duration.ofHours(1))).getLast();
        assertThat(metric.memoryTotal()).isPositive();
        assertThat(metric.memoryUsed()).isBetween(1L, metric.memoryTotal());
        assertThat(metric.diskTotal()).isPositive();
        assertThat(metric.cpuPercent()).isBetween(0.0, 100.0);

        assertThat(master.server().agents().online("127.0.6.2")).isTrue();
        AgentRecord agent = master.catalog().agents().findAgent(agentId).orElseThrow();
        Instant lastHeartbeat = agent.lastHeartbeat().orElseThrow();
        Duration window = Duration.ofMinutes(3);
        assertThat(agent.online(lastHeartbeat.plus(window).minusMillis(1), window)).isTrue();
        assertThat(agent.online(lastHeartbeat.plus(window), window)).isFalse();
        // the master's directory judges with its injected clock: an hour ahead, no heartbeat is recent enough
        AgentDirectory later = new AgentDirectory(master.catalog().agents(), Clock.offset(Clock.systemUTC(), Duration.ofHours(1)), window);
        assertThat(later.online("127.0.6.2")).isFalse();
        assertThat(later.list()).anySatisfy(status -> {
            assertThat(status.agent().agentId()).isEqualTo(agentId);
            assertThat(status.online()).isFalse();
        });
        assertThat(master.catalog().agents().deleteMetricsBefore(Instant.now().minus(Duration.ofDays(7)))).isZero();
    }

    // ---- commands --------------------------------------------------------------------------------

    @Test
    void aModuleRunsThroughTheMasterOnTwoAgents()
            throws Exception
    {
        try (TestingMasterClient client = master.client()) {
            String session = client.login("admin", "pw-admin").getSession();
            SubmitReply reply = client.submit(session, 1003, List.of("127.0.6.1", "127.0.6.2"), Map.of());
            List<HostEvent> events = readAll(client, session, reply.getJobId());
            Commands local = Commands.run("head", "-n", "1", "/etc/issue");
            for (String host : List.of("127.0.6.1", "127.0.6.2")) {
                assertThat(events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == EventKind.STDOUT).map(HostEvent::getText)
                        .collect(Collectors.joining())).isEqualTo(local.stdout());
                HostEvent end = events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == EventKind.FINISHED).findFirst().orElseThrow();
                assertThat(end.getStatus()).isEqualTo(HostStatus.SUCCESS);
                assertThat(end.getExitCode()).isZero();
            }
        }
    }

    @Test
    void outputStreamsBackAndTheExitCodeIsKept()
    {
        Recorded run = run("127.0.6.1", List.of("echo", "hello", "agent"), Duration.ofSeconds(30));
        assertThat(run.result().succeeded()).isTrue();
        assertThat(run.stdout()).isEqualTo("hello agent\n");
        assertThat(run.started()).isTrue();
    }

    @Test
    void theAgentRefusesWhatItsOwnAllowListDoesNotHold()
    {
        for (List<String> argv : List.of(List.of("cat", "/etc/passwd"), List.of("sh", "-c", "echo hi"), List.of("head", "-n", "1", "/etc/shadow"),
                List.of("echo", "a;rm -rf /"))) {
            Recorded run = run("127.0.6.1", argv, Duration.ofSeconds(30));
            assertThat(run.result().failure()).as("%s", argv).contains(FailureReason.REFUSED);
            assertThat(run.started()).isFalse();
        }
        assertThat(run("127.0.6.1", List.of("cat", "/etc/passwd"), Duration.ofSeconds(30)).result().message())
                .contains("program 'cat' is not on this agent's allow-list");
        assertThat(run("127.0.6.1", List.of("head", "-n", "1", "/etc/shadow"), Duration.ofSeconds(30)).result().message())
                .contains("the arguments of 'head' match none of its allow-list entries (head)");
        assertThat(one.log()).contains("refused run of job");
    }

    @Test
    void aCommandLongerThanItsTimeoutIsKilledAsTimeout()
    {
        Recorded run = run("127.0.6.1", List.of("sleep", "30"), Duration.ofSeconds(1));
        assertThat(run.result().failure()).contains(FailureReason.TIMEOUT);
        // the agent kills it and says so; on a very busy machine the master's own deadline (timeout + 5 s) may come first
        assertThat(run.result().message()).containsAnyOf("longer than its timeout of 1000 ms", "within the timeout of 1 s");
        assertThat(run.result().duration()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void anInterruptCancelsTheCommandOnTheAgent()
            throws Exception
    {
        Recorder sink = new Recorder();
        Thread runner = Thread.ofPlatform().start(() -> backend.execute(invocation("127.0.6.2", List.of("sleep", "30"), Duration.ofSeconds(60)), sink));
        assertThat(sink.startedLatch.await(120, TimeUnit.SECONDS)).isTrue();
        runner.interrupt();
        runner.join();
        assertThat(sink.result.failure()).contains(FailureReason.INTERRUPTED);
        await("the agent to log the cancel", () -> two.log().contains("killed"));
    }

    @Test
    void anAgentKilledMidCommandFailsAloneWhileTheOtherFinishes()
            throws Exception
    {
        TestingAgent doomed = agent("127.0.6.20", token());
        Recorder slow = new Recorder();
        Recorder fine = new Recorder();
        Thread slowRun = Thread.ofPlatform().start(() -> backend.execute(invocation("127.0.6.20", List.of("sleep", "30"), Duration.ofSeconds(60)), slow));
        assertThat(slow.startedLatch.await(120, TimeUnit.SECONDS)).isTrue();
        Thread fineRun = Thread.ofPlatform().start(() -> backend.execute(invocation("127.0.6.1", List.of("sleep", "1"), Duration.ofSeconds(60)), fine));
        doomed.kill();
        slowRun.join();
        fineRun.join();
        assertThat(slow.result.failure()).contains(FailureReason.CONNECTION_LOST);
        assertThat(slow.result.message()).contains("the connection to the agent at 127.0.6.20 broke");
        assertThat(fine.result.succeeded()).isTrue();

        Recorded after = run("127.0.6.20", List.of("echo", "x"), Duration.ofSeconds(30));
        assertThat(after.result().failure()).contains(FailureReason.UNREACHABLE);
        assertThat(after.result().message()).contains("cannot connect to the agent at 127.0.6.20");
    }

    @Test
    void aRestartedAgentKeepsItsIdentityAndItsFirstCommandRuns()
            throws Exception
    {
        TestingAgent first = agent("127.0.6.40", token());
        AgentRecord before = master.catalog().agents().findActiveAt("127.0.6.40").orElseThrow();
        assertThat(run("127.0.6.40", List.of("echo", "one"), Duration.ofSeconds(30)).result().succeeded()).isTrue();
        first.close();

        // same state directory and port, no usable token: the kept identity is announced again
        TestingAgent again = TestingAgent.start("127.0.6.40", master.server().agentPort().orElseThrow(), dir.resolve("127.0.6.40"), "used-up",
                Map.of("agent.port", Integer.toString(before.port())));
        started.add(again);
        assertThat(again.log()).contains("agent " + before.agentId() + " announced");
        // the pooled connection to the old process is dead: it must be dropped, not fail this run
        Recorded run = run("127.0.6.40", List.of("echo", "two"), Duration.ofSeconds(30));
        assertThat(run.result().succeeded()).as(run.result().message()).isTrue();
        assertThat(run.stdout()).isEqualTo("two\n");
        assertThat(master.catalog().agents().findActiveAt("127.0.6.40").orElseThrow().agentId()).isEqualTo(before.agentId());
    }

    // ---- trust -----------------------------------------------------------------------------------

    @Test
    void aForgedOrReplayedCallToTheAgentExecutesNothing()
            throws Exception
    {
        AgentRecord agent = master.catalog().agents().findActiveAt("127.0.6.1").orElseThrow();
        AgentSeal seal = new AgentSeal(Clock.systemUTC(), Duration.ofMinutes(2), 1 << 20, new ReplayCache(Clock.systemUTC(), 1000));
        byte[] wrongKey = new byte[32];
        new SecureRandom().nextBytes(wrongKey);
        try (AgentCall call = new AgentCall("127.0.6.1", agent.port())) {
            assertThatThrownBy(() -> call.client.version(seal.sealRequest(agent.agentId(), wrongKey, "version", new VersionRequest())))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.AUTH_FAILED))
                    .hasMessageContaining("BAD_MAC");
            assertThatThrownBy(() -> call.client.version(seal.sealRequest("agt-someoneelse", agent.key(), "version", new VersionRequest())))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.UNKNOWN_AGENT))
                    .hasMessageContaining("this is agent " + agent.agentId());

            Sealed genuine = seal.sealRequest(agent.agentId(), agent.key(), "version", new VersionRequest());
            VersionReply reply = seal.openReply(agent.key(), "version", call.client.version(genuine), new VersionReply());
            assertThat(reply.getAgentVersion()).isEqualTo("0.1.0");
            assertThatThrownBy(() -> call.client.version(genuine))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.AUTH_FAILED))
                    .hasMessageContaining("REPLAYED");
            // a sealed "version" does not open as a "run"
            assertThatThrownBy(() -> call.client.run(seal.sealRequest(agent.agentId(), agent.key(), "version", new VersionRequest())))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.AUTH_FAILED));
        }
        assertThat(one.log()).contains("refused version from").contains("BAD_MAC").contains("REPLAYED");
    }

    @Test
    void aForgedOrReplayedHeartbeatIsRefusedAndAudited()
            throws Exception
    {
        AgentRecord agent = master.catalog().agents().findActiveAt("127.0.6.1").orElseThrow();
        AgentSeal seal = new AgentSeal(Clock.systemUTC(), Duration.ofMinutes(2), 1 << 20, new ReplayCache(Clock.systemUTC(), 1000));
        byte[] wrongKey = new byte[32];
        new SecureRandom().nextBytes(wrongKey);
        HeartbeatRequest heartbeat = new HeartbeatRequest(new Metrics(1, 0.5, 1, 2, 1, 2));
        try (IntakeCall call = new IntakeCall("127.0.6.1")) {
            assertThatThrownBy(() -> call.client.heartbeat(seal.sealRequest(agent.agentId(), wrongKey, "heartbeat", heartbeat)))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.AUTH_FAILED))
                    .hasMessageContaining("did not authenticate (BAD_MAC)");
            Sealed genuine = seal.sealRequest(agent.agentId(), agent.key(), "heartbeat", heartbeat);
            call.client.heartbeat(genuine);
            assertThatThrownBy(() -> call.client.heartbeat(genuine))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.AUTH_FAILED))
                    .hasMessageContaining("REPLAYED");
        }
        try (IntakeCall elsewhere = new IntakeCall("127.0.6.99")) {
            assertThatThrownBy(() -> elsewhere.client.heartbeat(seal.sealRequest(agent.agentId(), agent.key(), "heartbeat", heartbeat)))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.REFUSED))
                    .hasMessageContaining("enrolled at 127.0.6.1 but called from 127.0.6.99");
        }
        List<AuditEntry> refusals = master.catalog().audit().latest(200).stream()
                .filter(entry -> entry.action().equals("agent.heartbeat") && entry.actor().equals("agent " + agent.agentId())).toList();
        assertThat(refusals).extracting(AuditEntry::outcome).contains("AUTH_FAILED", "REFUSED");
        assertThat(refusals).anySatisfy(entry -> assertThat(entry.detail().orElseThrow()).contains("REPLAYED"));
    }

    @Test
    void aRevokedAgentIsCalledNoMoreAndRefusesTheMaster()
            throws Exception
    {
        TestingAgent revoked = agent("127.0.6.30", token());
        AgentRecord agent = master.catalog().agents().findActiveAt("127.0.6.30").orElseThrow();
        assertThat(run("127.0.6.30", List.of("echo", "before"), Duration.ofSeconds(30)).result().succeeded()).isTrue();

        assertThat(master.catalog().agents().revoke(agent.agentId(), Instant.now())).isTrue();
        assertThat(master.catalog().agents().revoke(agent.agentId(), Instant.now())).isFalse();
        Recorded after = run("127.0.6.30", List.of("echo", "after"), Duration.ofSeconds(30));
        assertThat(after.result().failure()).contains(FailureReason.AUTH_FAILED);
        assertThat(after.result().message()).contains("no enrolled agent at 127.0.6.30");

        await("the agent to learn it was revoked", () -> revoked.log().contains("revoked"));
        AgentSeal seal = new AgentSeal(Clock.systemUTC(), Duration.ofMinutes(2), 1 << 20, new ReplayCache(Clock.systemUTC(), 1000));
        try (AgentCall call = new AgentCall("127.0.6.30", agent.port())) {
            assertThatThrownBy(() -> call.client.version(seal.sealRequest(agent.agentId(), agent.key(), "version", new VersionRequest())))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.REVOKED))
                    .hasMessageContaining("revoked by the master");
        }
        assertThat(master.catalog().audit().latest(500)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agent.heartbeat");
            assertThat(entry.outcome()).isEqualTo("REVOKED");
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private EnrollmentToken token()
    {
        return EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofHours(1), "test");
    }

    private TestingAgent agent(String address, EnrollmentToken token)
            throws Exception
    {
        TestingAgent agent = TestingAgent.start(address, master.server().agentPort().orElseThrow(), dir.resolve(address), token.reveal(), Map.of());
        started.add(agent);
        return agent;
    }

    private static Invocation invocation(String address, List<String> argv, Duration timeout)
    {
        return new Invocation(7, new HostTarget(address, address, 22, Optional.empty()), argv, timeout, false);
    }

    private Recorded run(String address, List<String> argv, Duration timeout)
    {
        Recorder sink = new Recorder();
        backend.execute(invocation(address, argv, timeout), sink);
        return new Recorded(sink.result, sink.stdout.toString(), sink.startedLatch.getCount() == 0);
    }

    private static List<HostEvent> readAll(TestingMasterClient client, String session, long jobId)
            throws Exception
    {
        List<HostEvent> all = new ArrayList<>();
        long cursor = 0;
        while (true) {
            EventsReply page = client.events(session, jobId, cursor, 5000, 500);
            all.addAll(page.getEvents());
            cursor = page.getNextCursor();
            if (page.isComplete()) {
                return all;
            }
        }
    }

    private static void await(String what, BooleanSupplier condition)
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    private record Recorded(HostResult result, String stdout, boolean started) {}

    private static final class Recorder
            implements EventSink
    {
        final CountDownLatch startedLatch = new CountDownLatch(1);
        final StringBuffer stdout = new StringBuffer();
        volatile HostResult result;

        @Override
        public void started(HostTarget target)
        {
            startedLatch.countDown();
        }

        @Override
        public void output(HostTarget target, OutputStream stream, String chunk)
        {
            if (stream == OutputStream.STDOUT) {
                stdout.append(chunk);
            }
        }

        @Override
        public void finished(HostTarget target, HostResult result)
        {
            this.result = result;
        }
    }

    /** A direct Thrift connection to an agent, as a forger would open one. */
    private static final class AgentCall
            implements AutoCloseable
    {
        final TTransport transport;
        final Agent.Client client;

        AgentCall(String address, int port)
                throws Exception
        {
            transport = new TFramedTransport(new TSocket(address, port, 10_000));
            transport.open();
            client = new Agent.Client(new TBinaryProtocol(transport));
        }

        @Override
        public void close()
        {
            transport.close();
        }
    }

    /** A direct connection to the master's AgentIntake, leaving from {@code source}. */
    private final class IntakeCall
            implements AutoCloseable
    {
        final TTransport transport;
        final AgentIntake.Client client;

        IntakeCall(String source)
                throws Exception
        {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", master.server().agentPort().orElseThrow()), 10_000);
            socket.setSoTimeout(10_000);
            transport = new TFramedTransport(new TSocket(socket));
            client = new AgentIntake.Client(new TBinaryProtocol(transport));
        }

        @Override
        public void close()
        {
            transport.close();
        }
    }
}
