package org.omserver.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.agent.wire.EnrollmentKeys;
import org.omserver.catalog.agent.AgentMetric;
import org.omserver.catalog.agent.AgentRequestRecord;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.inventory.Server;
import org.omserver.gateway.TestingBrowser;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.PASSWORD;

/**
 * The agents pages through the real gateway and master (MariaDB): list with liveness and readings, the host page with
 * its SVG chart, revoke with confirmation, the one-time token page, online state in the run page's host picker, and
 * what a viewer is refused. The agents are rows in the master's database (the pages read nothing else); enrolment by
 * real agent processes is TestAgents' and TestAgentsWebRpc's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestAgentPages
{
    private static final String HOSTILE_HOST = "db<b>01</b>&\"x\"";
    private TestingStack stack;
    private TestingBrowser admin;
    private TestingBrowser viewer;
    private String adminCsrf;
    private String viewerCsrf;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        int category = stack.master().catalog().inventory().appCategories().getFirst().id();
        Instant now = Instant.now();
        agent("agt-0000000000000a01", "127.0.24.101", HOSTILE_HOST, category, Optional.of(now));
        agent("agt-0000000000000a02", "127.0.24.102", "quiet02", category, Optional.empty());
        agent("agt-0000000000000a03", "127.0.24.103", "doomed03", category, Optional.of(now));
        for (int i = 0; i < 30; i++) {
            stack.master().catalog().agents().heartbeat(new AgentMetric("agt-0000000000000a01", now.minus(Duration.ofMinutes(30 - i)), 12.5 + i, 0.5,
                    2L << 30, 8L << 30, 1, 2));
        }
        admin = new TestingBrowser(stack.gatewayUri());
        adminCsrf = admin.login("admin", PASSWORD);
        viewer = new TestingBrowser(stack.gatewayUri());
        viewerCsrf = viewer.login("viewer", PASSWORD);
    }

    @AfterAll
    void stop()
            throws Exception
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theListShowsEveryAgentWithItsStateAndNewestReadingEscaped()
            throws Exception
    {
        HttpResponse<String> page = viewer.get("/agents");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"/agents/agt-0000000000000a01\"").contains("db&lt;b&gt;01&lt;/b&gt;&amp;&quot;x&quot;")
                .doesNotContain("<b>01</b>").contains("41.5 %").contains("2.0 / 8.0 GiB (25 %)")
                .contains("quiet02").contains(">offline<").contains(">online<").contains("never");
        // viewers get no token form
        assertThat(page.body()).doesNotContain("action=\"/agents/token\"");
        assertThat(admin.get("/agents").body()).contains("action=\"/agents/token\"");
        assertThat(page.body()).contains("href=\"/agents\"");
    }

    @Test
    void theHostPageHasAServerSideSvgChartAndNoScript()
            throws Exception
    {
        HttpResponse<String> page = viewer.get("/agents/agt-0000000000000a01");
        assertThat(page.statusCode()).isEqualTo(200);
        String body = page.body();
        assertThat(body).contains("<svg").contains("<polyline class=\"cpu\"").contains("<polyline class=\"mem\"")
                .contains("CPU and memory, last 24 h (UTC): db&lt;b&gt;01&lt;/b&gt;&amp;&quot;x&quot;").doesNotContain("<b>01</b>");
        assertThat(body.substring(body.indexOf("<svg"), body.indexOf("</svg>"))).doesNotContain("<script");
        // viewers see no revoke form
        assertThat(body).doesNotContain("/revoke");
        assertThat(viewer.get("/agents/agt-0000000000000a02").body()).contains("no heartbeats in this window");
        // the last hour, for a fresh agent: the same readings, in finer buckets
        assertThat(viewer.get("/agents/agt-0000000000000a01?window=1h").body()).contains("CPU and memory, last hour (UTC)").contains("<polyline class=\"cpu\"")
                .contains("href=\"/agents/agt-0000000000000a01\">last 24 h</a>");
        assertThat(viewer.get("/agents/agt-0000000000000fff").statusCode()).isEqualTo(404);
        assertThat(viewer.get("/agents/..%2Fetc").statusCode()).isIn(400, 404);
    }

    @Test
    void theRunPageShowsAgentHostsOnlineOrOffline()
            throws Exception
    {
        String body = admin.get("/").body();
        assertThat(body).contains("(127.0.24.101) · online").contains("(127.0.24.102) · offline").contains("data-liveness=\"online\"");
    }

    @Test
    void aViewerCannotRevokeOrCreateTokensAndNothingChanges()
            throws Exception
    {
        HttpResponse<String> revoke = viewer.post("/agents/agt-0000000000000a02/revoke", List.of("csrf", viewerCsrf, "confirm", "agt-0000000000000a02"));
        assertThat(revoke.statusCode()).isEqualTo(403);
        assertThat(revoke.body()).contains("your role viewer may not manage agents");
        HttpResponse<String> token = viewer.post("/agents/token", List.of("csrf", viewerCsrf, "hours", "1"));
        assertThat(token.statusCode()).isEqualTo(403);
        assertThat(token.body()).doesNotContain("omt1.");
        assertThat(stack.master().catalog().agents().findAgent("agt-0000000000000a02").orElseThrow().revoked()).isFalse();
    }

    @Test
    void revokeNeedsTheIdTypedAgain()
            throws Exception
    {
        assertThat(admin.get("/agents/agt-0000000000000a03").body()).contains("action=\"/agents/agt-0000000000000a03/revoke\"");
        HttpResponse<String> wrong = admin.post("/agents/agt-0000000000000a03/revoke", List.of("csrf", adminCsrf, "confirm", "agt-0000000000000a02"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("the confirmation does not name agent agt-0000000000000a03");
        assertThat(stack.master().catalog().agents().findAgent("agt-0000000000000a03").orElseThrow().revoked()).isFalse();

        HttpResponse<String> noCsrf = admin.post("/agents/agt-0000000000000a03/revoke", List.of("confirm", "agt-0000000000000a03"));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(stack.master().catalog().agents().findAgent("agt-0000000000000a03").orElseThrow().revoked()).isFalse();

        HttpResponse<String> right = admin.post("/agents/agt-0000000000000a03/revoke", List.of("csrf", adminCsrf, "confirm", "agt-0000000000000a03"));
        assertThat(right.statusCode()).isEqualTo(303);
        assertThat(stack.master().catalog().agents().findAgent("agt-0000000000000a03").orElseThrow().revoked()).isTrue();
        assertThat(admin.get("/agents/agt-0000000000000a03").body()).contains(">revoked<").doesNotContain("/revoke\"");
    }

    @Test
    void aTokenIsShownOnceAndNotCached()
            throws Exception
    {
        HttpResponse<String> page = admin.post("/agents/token", List.of("csrf", adminCsrf, "hours", "2"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsPattern("omt1\\.[0-9a-f]{16}\\.");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        HttpResponse<String> bad = admin.post("/agents/token", List.of("csrf", adminCsrf, "hours", "9999"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("1 to 720 hours");
    }

    @Test
    void adminsApproveOrRejectEnrollmentRequestsAndViewersSeeNone()
            throws Exception
    {
        request("req-00000000000000a1", "127.0.44.101", "asker<i>01</i>");
        request("req-00000000000000a2", "127.0.44.102", "asker02");
        String fingerprint = EnrollmentKeys.fingerprint(new byte[44]);
        assertThat(viewer.get("/agents").body()).doesNotContain("req-00000000000000a1");
        String page = admin.get("/agents").body();
        assertThat(page).contains("req-00000000000000a1").contains("asker&lt;i&gt;01&lt;/i&gt;").doesNotContain("<i>01</i>").contains(fingerprint)
                .contains("action=\"/agents/requests/req-00000000000000a1/approve\"");

        HttpResponse<String> forbidden = viewer.post("/agents/requests/req-00000000000000a1/approve", List.of("csrf", viewerCsrf));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        HttpResponse<String> noCsrf = admin.post("/agents/requests/req-00000000000000a1/approve", List.of());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(stack.master().catalog().agents().findRequest("req-00000000000000a1").orElseThrow().state()).isEqualTo(AgentRequestRecord.State.PENDING);

        assertThat(admin.post("/agents/requests/req-00000000000000a1/approve", List.of("csrf", adminCsrf)).statusCode()).isEqualTo(303);
        AgentRequestRecord approved = stack.master().catalog().agents().findRequest("req-00000000000000a1").orElseThrow();
        assertThat(approved.state()).isEqualTo(AgentRequestRecord.State.APPROVED);
        assertThat(stack.master().catalog().agents().findActiveAt("127.0.44.101").orElseThrow().agentId()).isEqualTo(approved.agentId().orElseThrow());
        assertThat(admin.post("/agents/requests/req-00000000000000a2/reject", List.of("csrf", adminCsrf)).statusCode()).isEqualTo(303);
        assertThat(stack.master().catalog().agents().findActiveAt("127.0.44.102")).isEmpty();
        HttpResponse<String> again = admin.post("/agents/requests/req-00000000000000a2/approve", List.of("csrf", adminCsrf));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("was rejected already by admin");
        assertThat(admin.get("/agents").body()).contains("admin at ").contains("→ " + approved.agentId().orElseThrow());
    }

    @Test
    void theCommandAllowListIsShownToEveryoneAndChangedByAdminsWithBadEntriesRefused()
            throws Exception
    {
        String page = viewer.get("/commands").body();
        assertThat(page).contains("<code>uptime</code>").doesNotContain("action=\"/commands/add\"");
        assertThat(viewer.post("/commands/add", List.of("csrf", viewerCsrf, "program", "rm", "patterns", ".*")).statusCode()).isEqualTo(403);
        int before = stack.master().catalog().commandAllowList().list().size();

        HttpResponse<String> broken = admin.post("/commands/add", List.of("csrf", adminCsrf, "program", "grep", "patterns", "(unclosed"));
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(stack.master().catalog().commandAllowList().list()).hasSize(before);

        assertThat(admin.post("/commands/add", List.of("csrf", adminCsrf, "program", "hostname", "patterns", "", "note", "<b>names</b>")).statusCode())
                .isEqualTo(303);
        var added = stack.master().catalog().commandAllowList().list().stream().filter(e -> e.program().equals("hostname")).findFirst().orElseThrow();
        assertThat(admin.get("/commands").body()).contains("&lt;b&gt;names&lt;/b&gt;").doesNotContain("<b>names</b>")
                .contains("action=\"/commands/" + added.id() + "/remove\"");
        assertThat(admin.post("/commands/" + added.id() + "/remove", List.of()).statusCode()).isEqualTo(403);
        assertThat(admin.post("/commands/" + added.id() + "/remove", List.of("csrf", adminCsrf)).statusCode()).isEqualTo(303);
        assertThat(stack.master().catalog().commandAllowList().list()).hasSize(before);
        HttpResponse<String> gone = admin.post("/commands/" + added.id() + "/remove", List.of("csrf", adminCsrf));
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(stack.master().catalog().audit().latest(50)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("commandAllowChange");
            assertThat(entry.outcome()).isEqualTo("accepted");
            assertThat(entry.detail().orElse("")).contains("add hostname");
        }).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("commandAllowChange");
            assertThat(entry.outcome()).isEqualTo("INVALID_REQUEST");
        });
    }

    private void request(String id, String address, String hostname)
    {
        stack.master().catalog().agents().addRequest(new AgentRequestRecord(id, new byte[44], address, 11520, hostname, List.of(address), List.of(), List.of(),
                "Debian GNU/Linux 12", 2, 8L << 30, "0.1.0", AgentRequestRecord.State.PENDING, Instant.now(), Optional.empty(), Optional.empty(),
                Optional.empty()));
    }

    private void agent(String id, String address, String hostname, int category, Optional<Instant> heartbeat)
    {
        stack.master().catalog().agents().addAgent(new AgentRecord(id, new byte[32], address, 11520, false, hostname, List.of(address), List.of(),
                List.of(), "Debian GNU/Linux 12", 2, 8L << 30, "0.1.0", Instant.now().minus(Duration.ofDays(1)), heartbeat, Optional.empty()));
        stack.master().catalog().inventory().putServer(new Server(address, hostname, Optional.empty(), Optional.of("Linux"), category, Optional.of("agent"),
                22, Optional.empty()));
    }
}
