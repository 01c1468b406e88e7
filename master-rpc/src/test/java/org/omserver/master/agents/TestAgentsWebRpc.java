package org.omserver.master.agents;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.catalog.agent.AgentMetric;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.AgentInfo;
import org.omserver.protocol.thrift.AgentMetricsReply;
import org.omserver.protocol.thrift.AgentMetricsRequest;
import org.omserver.protocol.thrift.AgentsReply;
import org.omserver.protocol.thrift.AgentsRequest;
import org.omserver.protocol.thrift.CreateAgentTokenReply;
import org.omserver.protocol.thrift.CreateAgentTokenRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.InventoryRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.RevokeAgentReply;
import org.omserver.protocol.thrift.RevokeAgentRequest;
import org.omserver.protocol.thrift.ServerInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's agent RPCs against a real master (MariaDB) and real agent processes on 127.0.24.x: listing with
 * liveness, the 24 h metrics, tokens created over RPC enrolling a real agent, revoke with confirmation, and the role
 * checks (a viewer lists but cannot revoke or create tokens; refusals are audited and change nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestAgentsWebRpc
{
    private TestingMaster master;
    private TestingMasterClient client;
    private String admin;
    private String viewer;
    private Path dir;
    private final List<TestingAgent> started = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        this.dir = dir;
        master = new TestingMaster(Map.of());
        client = master.client();
        admin = client.login("admin", "pw-admin").getSession();
        viewer = client.login("viewer", "pw-viewer").getSession();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        for (TestingAgent agent : started) {
            agent.close();
        }
        client.close();
        master.close();
    }

    @Test
    void aTokenCreatedOverRpcEnrollsARealAgentThatViewersSeeOnlineWithItsReadings()
            throws Exception
    {
        CreateAgentTokenRequest create = new CreateAgentTokenRequest(admin, 3600);
        create.setClientAddress("192.0.2.7");
        CreateAgentTokenReply token = client.call("agentTokenCreate", create, new CreateAgentTokenReply());
        EnrollmentToken parsed = EnrollmentToken.parse(token.getToken());
        assertThat(parsed.id()).isEqualTo(token.getTokenId());
        // only the digest is stored
        assertThat(master.catalog().agents().findToken(token.getTokenId()).orElseThrow().sha256Hex()).isEqualTo(HexFormat.of().formatHex(parsed.digest()));

        agent("127.0.24.1", token.getToken());
        waitFor(() -> master.catalog().agents().findActiveAt("127.0.24.1").flatMap(AgentRecord::lastHeartbeat).isPresent(), "a first heartbeat");
        waitFor(() -> !master.catalog().agents().latestMetrics().isEmpty(), "a stored reading");

        AgentsReply list = client.call("agents", new AgentsRequest(viewer), new AgentsReply());
        AgentInfo info = list.getAgents().stream().filter(a -> a.getAddress().equals("127.0.24.1")).findFirst().orElseThrow();
        assertThat(info.isOnline()).isTrue();
        assertThat(info.isRevoked()).isFalse();
        assertThat(info.getLanIps()).contains("127.0.24.1");
        assertThat(info.isSetCpuPercent()).isTrue();
        assertThat(info.getMemoryTotal()).isPositive();
        assertThat(list.getOnlineWindowMillis()).isEqualTo(Duration.ofMinutes(3).toMillis());

        // the run page's host picker reads liveness from the inventory reply
        InventoryReply inventory = client.call("inventory", new InventoryRequest(viewer), new InventoryReply());
        ServerInfo server = inventory.getServers().stream().filter(s -> s.getLanIp().equals("127.0.24.1")).findFirst().orElseThrow();
        assertThat(server.isSetAgentOnline()).isTrue();
        assertThat(server.isAgentOnline()).isTrue();
        assertThat(inventory.getServers().stream().filter(s -> s.getLanIp().equals("127.0.0.2")).findFirst().orElseThrow().isSetAgentOnline()).isFalse();

        assertThat(master.catalog().audit().latest(200)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agentTokenCreate");
            assertThat(entry.actor()).isEqualTo("admin");
            assertThat(entry.outcome()).isEqualTo("accepted");
            assertThat(entry.clientAddress()).startsWith("192.0.2.7 ");
            // the token itself is never audited
            assertThat(entry.detail().orElse("")).doesNotContain(token.getToken().substring(token.getToken().lastIndexOf('.') + 1));
        });
    }

    @Test
    void metricsAreTheLast24HoursDownsampledAndOldReadingsAreLeftOut()
            throws Exception
    {
        AgentRecord agent = enrolledAt("127.0.24.2");
        Instant now = master.clock().instant();
        master.catalog().agents().heartbeat(new AgentMetric(agent.agentId(), now.minus(Duration.ofHours(30)), 99, 1, 1, 2, 1, 2));
        for (int i = 0; i < 60; i++) {
            master.catalog().agents().heartbeat(new AgentMetric(agent.agentId(), now.minus(Duration.ofMinutes(120 - i)), 40, 1, 512, 1024, 1, 2));
        }
        AgentMetricsRequest request = new AgentMetricsRequest(viewer, agent.agentId());
        request.setMaxPoints(24);
        AgentMetricsReply reply = client.call("agentMetrics", request, new AgentMetricsReply());
        assertThat(reply.getToMillis() - reply.getFromMillis()).isEqualTo(Duration.ofHours(24).toMillis());
        assertThat(reply.getBucketMillis()).isEqualTo(Duration.ofHours(1).toMillis() + 1);
        // the 30 h old reading is outside; the 60 one-minute readings 2 h ago fall into one or two hourly buckets (the real
        // agent's own heartbeats are in the last bucket)
        List<org.omserver.protocol.thrift.AgentMetricPoint> old = reply.getPoints().stream()
                .filter(point -> point.getAtMillis() < now.minus(Duration.ofMinutes(59)).toEpochMilli()).toList();
        assertThat(old).hasSizeBetween(1, 2);
        assertThat(reply.getPoints()).hasSizeLessThanOrEqualTo(24);
        assertThat(old).allSatisfy(point -> {
            assertThat(point.getCpuPercent()).isEqualTo(40.0);
            assertThat(point.getMemoryUsed()).isEqualTo(512);
            assertThat(point.getAtMillis()).isBetween(reply.getFromMillis(), reply.getToMillis());
        });
    }

    @Test
    void malformedOrUnknownAgentIdsAndPointCountsAreRefusedWithAMessage()
    {
        assertThatThrownBy(() -> client.call("agentMetrics", new AgentMetricsRequest(viewer, "../etc"), new AgentMetricsReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining("an agent id is 1 to 64 letters");
        assertThatThrownBy(() -> client.call("agentMetrics", new AgentMetricsRequest(viewer, "agt-0000000000000000"), new AgentMetricsReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("agent agt-0000000000000000 does not exist");
        AgentMetricsRequest tooMany = new AgentMetricsRequest(viewer, "agt-0000000000000000");
        tooMany.setMaxPoints(100_000);
        assertThatThrownBy(() -> client.call("agentMetrics", tooMany, new AgentMetricsReply())).hasMessageContaining("maxPoints must be 1 to 1000");
        AgentMetricsRequest longWindow = new AgentMetricsRequest(viewer, "agt-0000000000000000");
        longWindow.setWindowMinutes(2 * 24 * 60);
        assertThatThrownBy(() -> client.call("agentMetrics", longWindow, new AgentMetricsReply())).hasMessageContaining("windowMinutes must be 1 to 1440");
        assertThatThrownBy(() -> client.call("agentTokenCreate", new CreateAgentTokenRequest(admin, 0), new CreateAgentTokenReply()))
                .hasMessageContaining("a token's lifetime must be 1 second to 30 days");
    }

    @Test
    void aViewerCannotRevokeOrCreateTokensAndTheRefusalsAreAuditedAndChangeNothing()
            throws Exception
    {
        AgentRecord agent = enrolledAt("127.0.24.3");
        RevokeAgentRequest revoke = new RevokeAgentRequest(viewer, agent.agentId(), agent.agentId());
        revoke.setClientAddress("192.0.2.9");
        assertThatThrownBy(() -> client.call("agentRevoke", revoke, new RevokeAgentReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN))
                .hasMessageContaining("your role viewer may not manage agents");
        assertThatThrownBy(() -> client.call("agentTokenCreate", new CreateAgentTokenRequest(viewer, 3600), new CreateAgentTokenReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN));
        String author = client.login("author", "pw-author").getSession();
        assertThatThrownBy(() -> client.call("agentRevoke", new RevokeAgentRequest(author, agent.agentId(), agent.agentId()), new RevokeAgentReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN));

        assertThat(master.catalog().agents().findAgent(agent.agentId()).orElseThrow().revoked()).isFalse();
        List<AuditEntry> audit = master.catalog().audit().latest(200);
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agentRevoke");
            assertThat(entry.actor()).isEqualTo("viewer");
            assertThat(entry.outcome()).isEqualTo("FORBIDDEN");
            assertThat(entry.clientAddress()).startsWith("192.0.2.9 ");
        });
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agentTokenCreate");
            assertThat(entry.actor()).isEqualTo("viewer");
            assertThat(entry.outcome()).isEqualTo("FORBIDDEN");
        });
    }

    @Test
    void revokingNeedsTheIdTypedAgainAndThenStopsTheAgent()
            throws Exception
    {
        AgentRecord agent = enrolledAt("127.0.24.4");
        assertThatThrownBy(() -> client.call("agentRevoke", new RevokeAgentRequest(admin, agent.agentId(), "agt-wrong"), new RevokeAgentReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining("the confirmation does not name agent " + agent.agentId());
        assertThat(master.catalog().agents().findAgent(agent.agentId()).orElseThrow().revoked()).isFalse();

        RevokeAgentReply reply = client.call("agentRevoke", new RevokeAgentRequest(admin, agent.agentId(), agent.agentId()), new RevokeAgentReply());
        assertThat(reply.getAgent().isRevoked()).isTrue();
        assertThat(reply.getAgent().isOnline()).isFalse();
        assertThat(master.catalog().agents().findAgent(agent.agentId()).orElseThrow().revoked()).isTrue();
        assertThatThrownBy(() -> client.call("agentRevoke", new RevokeAgentRequest(admin, agent.agentId(), agent.agentId()), new RevokeAgentReply()))
                .hasMessageContaining("is already revoked");
        // its next heartbeat is refused, after which the agent stops calling
        waitFor(() -> master.catalog().audit().latest(500).stream()
                .anyMatch(entry -> entry.action().equals("agent.heartbeat") && entry.outcome().equals("REVOKED")), "the revoked agent's refused heartbeat");
    }

    private AgentRecord enrolledAt(String address)
            throws Exception
    {
        agent(address, EnrollmentTokens.create(master.catalog().agents(), master.clock(), Duration.ofHours(1), "test").reveal());
        waitFor(() -> master.catalog().agents().findActiveAt(address).isPresent(), "the enrollment of " + address);
        return master.catalog().agents().findActiveAt(address).orElseThrow();
    }

    private void agent(String address, String token)
            throws Exception
    {
        started.add(TestingAgent.start(address, master.server().agentPort().orElseThrow(), dir.resolve(address), token, Map.of()));
    }

    private static void waitFor(BooleanSupplier condition, String what)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
