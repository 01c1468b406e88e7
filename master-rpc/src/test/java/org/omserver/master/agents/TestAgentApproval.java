package org.omserver.master.agents;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.wire.EnrollmentKeys;
import org.omserver.catalog.agent.AgentRequestRecord;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentErrorCode;
import org.omserver.protocol.agent.AgentIntake;
import org.omserver.protocol.agent.EnrollmentAsk;
import org.omserver.protocol.agent.HostFacts;
import org.omserver.protocol.thrift.AgentRequestDecideReply;
import org.omserver.protocol.thrift.AgentRequestDecideRequest;
import org.omserver.protocol.thrift.AgentRequestInfo;
import org.omserver.protocol.thrift.AgentRequestsReply;
import org.omserver.protocol.thrift.AgentRequestsRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.OmsError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Enrollment by admin approval with real agent processes on 127.0.44.x against a real master (MariaDB): an agent
 * without a token asks and waits, listed as pending with the key fingerprint it logs; nothing is trusted or runs until
 * an admin approves; then it serves and runs a job. A rejected agent stops. A viewer cannot decide, bad or repeated
 * decisions are refused, and an ask with the same request id from another key is refused; all audited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestAgentApproval
{
    private static final Pattern LOGGED_KEY = Pattern.compile("request (req-[0-9a-f]{16}), key (SHA256:[A-Za-z0-9+/]+)");

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
    void anAgentWithoutATokenIsPendingUntilAnAdminApprovesThenItRunsJobs()
            throws Exception
    {
        TestingAgent agent = asking("127.0.44.1");
        Matcher logged = LOGGED_KEY.matcher(agent.log());
        assertThat(logged.find()).as(agent.log()).isTrue();
        String requestId = logged.group(1);

        AgentRequestInfo pending = request(requestId);
        assertThat(pending.getState()).isEqualTo("PENDING");
        assertThat(pending.getAddress()).isEqualTo("127.0.44.1");
        assertThat(pending.getKeyFingerprint()).isEqualTo(logged.group(2));
        // pending: no agent, no inventory host, nothing served
        assertThat(master.catalog().agents().findActiveAt("127.0.44.1")).isEmpty();
        assertThat(master.catalog().inventory().findByLanIps(List.of("127.0.44.1"))).isEmpty();
        assertThat(agent.log()).doesNotContain("listening on");

        // a viewer may neither list nor decide
        assertThatThrownBy(() -> client.call("agentRequests", new AgentRequestsRequest(viewer), new AgentRequestsReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> decide(viewer, requestId, true))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(request(requestId).getState()).isEqualTo("PENDING");

        // someone else asking with this request id and another key gets nothing
        assertThatThrownBy(() -> ask("127.0.44.1", requestId))
                .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.AUTH_FAILED));

        AgentRequestInfo approved = decide(admin, requestId, true).getRequest();
        assertThat(approved.getState()).isEqualTo("APPROVED");
        assertThat(approved.getDecidedBy()).isEqualTo("admin");
        String agentId = approved.getAgentId();
        waitFor(() -> agent.log().contains("listening on"), "the approved agent to serve");
        assertThat(agent.log()).contains("enrolled as agent " + agentId + " by approval of request " + requestId);

        List<HostEvent> events = client.allEvents(admin, client.submit(admin, 2002, List.of("127.0.44.1"), Map.of()).getJobId(), 1000);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getKind()).isEqualTo(EventKind.FINISHED);
            assertThat(e.getStatus()).isEqualTo(HostStatus.SUCCESS);
        });
        assertThat(events.stream().filter(e -> e.getKind() == EventKind.STDOUT).map(HostEvent::getText).toList()).containsExactly("0.1.0\n");

        // deciding again is refused and changes nothing
        assertThatThrownBy(() -> decide(admin, requestId, false)).isInstanceOfSatisfying(OmsError.class, e -> {
            assertThat(e.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("was approved already by admin");
        });
        assertThat(master.catalog().agents().findRequest(requestId).orElseThrow().state()).isEqualTo(AgentRequestRecord.State.APPROVED);
        assertThat(master.catalog().audit().latest(300)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agent.request");
            assertThat(entry.outcome()).isEqualTo("pending");
            assertThat(entry.detail().orElse("")).contains(logged.group(2));
        }).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agentRequestDecide");
            assertThat(entry.actor()).isEqualTo("admin");
            assertThat(entry.outcome()).isEqualTo("accepted");
            assertThat(entry.detail().orElse("")).contains("approve request " + requestId).contains("as agent " + agentId);
        }).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agentRequestDecide");
            assertThat(entry.actor()).isEqualTo("viewer");
            assertThat(entry.outcome()).isEqualTo("FORBIDDEN");
        }).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agent.request");
            assertThat(entry.outcome()).isEqualTo("AUTH_FAILED");
        }).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agent.request");
            assertThat(entry.outcome()).isEqualTo("delivered");
        });
    }

    @Test
    void aRejectedAgentStopsAndIsNeverTrusted()
            throws Exception
    {
        TestingAgent agent = asking("127.0.44.2");
        Matcher logged = LOGGED_KEY.matcher(agent.log());
        assertThat(logged.find()).isTrue();
        String requestId = logged.group(1);

        assertThat(decide(admin, requestId, false).getRequest().getState()).isEqualTo("REJECTED");
        assertThat(agent.exitCode()).isNotZero();
        assertThat(agent.log()).contains("the master rejected enrollment request " + requestId).doesNotContain("listening on");
        assertThat(master.catalog().agents().findActiveAt("127.0.44.2")).isEmpty();
        assertThat(master.catalog().inventory().findByLanIps(List.of("127.0.44.2"))).isEmpty();
    }

    @Test
    void badDecisionsAreRefusedAndAudited()
            throws Exception
    {
        assertThatThrownBy(() -> decide(admin, "req-../../etc", true)).isInstanceOfSatisfying(OmsError.class, e -> {
            assertThat(e.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("a request id is req- and 16 hex digits");
        });
        assertThatThrownBy(() -> decide(admin, "req-0000000000000000", true))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(master.catalog().audit().latest(50)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agentRequestDecide");
            assertThat(entry.outcome()).isEqualTo("NOT_FOUND");
        });
        // a malformed ask files nothing
        int before = master.catalog().agents().requests().size();
        assertThatThrownBy(() -> ask("127.0.44.3", "req-nothex"))
                .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.getCode()).isEqualTo(AgentErrorCode.BAD_REQUEST));
        assertThat(master.catalog().agents().requests()).hasSize(before);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private TestingAgent asking(String address)
            throws Exception
    {
        TestingAgent agent = TestingAgent.startAskingApproval(address, master.server().agentPort().orElseThrow(), dir.resolve(address), Map.of());
        started.add(agent);
        assertThat(agent.isAlive()).as(agent.log()).isTrue();
        return agent;
    }

    private AgentRequestInfo request(String requestId)
            throws Exception
    {
        return client.call("agentRequests", new AgentRequestsRequest(admin), new AgentRequestsReply()).getRequests().stream()
                .filter(r -> r.getRequestId().equals(requestId)).findFirst().orElseThrow();
    }

    private AgentRequestDecideReply decide(String session, String requestId, boolean approve)
            throws Exception
    {
        return client.call("agentRequestDecide", new AgentRequestDecideRequest(session, requestId, approve), new AgentRequestDecideReply());
    }

    /** An ask straight to AgentIntake from {@code from}, with a fresh key. */
    private void ask(String from, String requestId)
            throws Exception
    {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", master.server().agentPort().orElseThrow()), 5000);
        try (TFramedTransport transport = new TFramedTransport(new TSocket(socket))) {
            HostFacts facts = new HostFacts("forger", List.of(from), List.of(), List.of(), "Linux", 1, 1 << 30, "0.1.0", 11520);
            new AgentIntake.Client(new TBinaryProtocol(transport)).askEnrollment(new EnrollmentAsk(requestId,
                    ByteBuffer.wrap(EnrollmentKeys.generate().getPublic().getEncoded()), facts));
        }
    }

    private static void waitFor(BooleanSupplier condition, String what)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
