package org.omserver.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.TestingBrowser;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.protocol.envelope.SharedSecret;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.DEAD_HOST;
import static org.omserver.launcher.TestingStack.PASSWORD;
import static org.omserver.launcher.TestingStack.SSH_HOSTS;

/** The gateway's JSON API over real HTTP, relaying to a real master with MariaDB and OpenSSH behind it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestApi
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestingStack stack;
    private String admin;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        admin = token("admin");
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTokenListsTheModulesWithTheirParameterSchema()
            throws Exception
    {
        JsonNode modules = ok(send("GET", "/api/v1/modules", admin, null)).get("modules");
        assertThat(modules.findValuesAsText("name")).contains("view OS version", "view system log");

        JsonNode module = ok(send("GET", "/api/v1/modules/1001", admin, null));
        assertThat(module.get("runnable").asBoolean()).isTrue();
        JsonNode param = module.get("params").get(0);
        assertThat(param.get("name").asText()).isEqualTo("sys_param_1");
        assertThat(param.get("type").asText()).isEqualTo("INT");
        assertThat(param.get("min").asInt()).isEqualTo(1);
        assertThat(param.get("max").asInt()).isEqualTo(999);
    }

    @Test
    void serversAreSearchedByExactIpByNameAndByCategory()
            throws Exception
    {
        // 127.0.8.29 starts with 127.0.8.2: an exact match must not return it
        assertThat(lanIps(ok(send("GET", "/api/v1/servers?ip=127.0.8.2", admin, null)))).containsExactly("127.0.8.2");
        assertThat(lanIps(ok(send("GET", "/api/v1/servers?name=WEB-127.0.8", admin, null)))).containsExactlyInAnyOrderElementsOf(SSH_HOSTS);
        assertThat(lanIps(ok(send("GET", "/api/v1/servers?appCategoryName=" + TestingStack.GROUP, admin, null))))
                .containsExactlyInAnyOrderElementsOf(SSH_HOSTS);
        assertThat(lanIps(ok(send("GET", "/api/v1/servers", admin, null)))).contains(SSH_HOSTS.get(0), SSH_HOSTS.get(1), DEAD_HOST);

        JsonNode categories = ok(send("GET", "/api/v1/categories", admin, null));
        assertThat(categories.get("appCategories").findValuesAsText("name")).contains(TestingStack.GROUP);
        assertThat(categories.get("functionCategories").findValuesAsText("name")).contains("Linux.Web");

        assertError(send("GET", "/api/v1/servers?appCategoryName=nope", admin, null), 404, "NOT_FOUND",
                "there is no application category named 'nope'; GET /api/v1/categories lists them");
        assertError(send("GET", "/api/v1/servers?lanip=1.2.3.4", admin, null), 400, "INVALID_REQUEST",
                "unknown query parameter 'lanip'; this address takes appCategory, appCategoryName, group, ip, limit, name, offset, q, tag");
        assertError(send("GET", "/api/v1/servers?ip=1&ip=2", admin, null), 400, "INVALID_REQUEST", "query parameter 'ip' is given more than once");
        assertError(send("GET", "/api/v1/servers?appCategory=x", admin, null), 400, "INVALID_REQUEST",
                "appCategory must be a whole number from 0 to 2147483647, was 'x'");
    }

    @Test
    void aRunIsFollowedByLongPollAndItsResultsReadBack()
            throws Exception
    {
        HttpResponse<String> created = send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,\"hosts\":[\"" + SSH_HOSTS.get(0) + "\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long jobId = JSON.readTree(created.body()).get("jobId").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + jobId);

        long cursor = 0;
        List<String> kinds = new ArrayList<>();
        for (int polls = 0; polls < 50; polls++) {
            JsonNode page = ok(send("GET", "/api/v1/jobs/" + jobId + "/events?cursor=" + cursor + "&wait=20", admin, null));
            for (JsonNode event : page.get("events")) {
                assertThat(event.get("seq").asLong()).isEqualTo(cursor + 1);
                cursor = event.get("seq").asLong();
                kinds.add(event.get("kind").asText());
            }
            assertThat(page.get("nextCursor").asLong()).isEqualTo(cursor);
            if (page.get("complete").asBoolean()) {
                break;
            }
        }
        assertThat(kinds).startsWith("QUEUED", "STARTED").endsWith("FINISHED");

        JsonNode job = ok(send("GET", "/api/v1/jobs/" + jobId, admin, null));
        assertThat(job.get("status").asText()).isEqualTo("FINISHED");
        assertThat(job.get("progress").get("total").asInt()).isEqualTo(1);
        assertThat(job.get("progress").get("succeeded").asInt()).isEqualTo(1);
        assertThat(job.get("hosts").get(0).get("state").asText()).isEqualTo("SUCCESS");

        JsonNode output = ok(send("GET", "/api/v1/jobs/" + jobId + "/hosts/" + SSH_HOSTS.get(0) + "/output", admin, null));
        assertThat(output.get("stdout").asText()).isEqualTo(firstLineOfIssue());
        assertThat(output.get("stdoutEnd").asBoolean()).isTrue();
        assertError(send("GET", "/api/v1/jobs/" + jobId + "/hosts/127.0.8.20/output", admin, null), 404, "NOT_FOUND",
                "host 127.0.8.20 is not part of job " + jobId);

        JsonNode history = ok(send("GET", "/api/v1/jobs?limit=50&user=admin&module=1003", admin, null));
        assertThat(history.get("jobs").findValuesAsText("jobId")).contains(Long.toString(jobId));

        JsonNode host = ok(send("GET", "/api/v1/jobs/" + jobId + "/results", admin, null)).get("hosts").get(0);
        assertThat(host.get("lanIp").asText()).isEqualTo(SSH_HOSTS.get(0));
        assertThat(host.get("state").asText()).isEqualTo("FINISHED");
        assertThat(host.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(host.get("exitCode").asInt()).isZero();
        assertThat(host.get("stdout").asText()).isEqualTo(firstLineOfIssue());

        HttpResponse<Stream<String>> stream = http.send(request("GET", "/api/v1/jobs/" + jobId + "/stream", admin, null).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        try (Stream<String> lines = stream.body()) {
            assertThat(lines.toList()).contains("event: host", "event: done");
        }
    }

    @Test
    void aFailedHostIsReportedWithItsReason()
            throws Exception
    {
        long jobId = JSON.readTree(ok201(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,\"hosts\":[\"" + DEAD_HOST + "\"]}"))).get("jobId").asLong();
        JsonNode host = awaitResults(jobId).get("hosts").get(0);
        assertThat(host.get("status").asText()).isEqualTo("FAILED");
        assertThat(host.get("failureReason").asText()).isEqualTo("UNREACHABLE");
    }

    @Test
    void aRunningJobIsCancelledOnceAndAFailedOneRetriedOnItsFailedHosts()
            throws Exception
    {
        long waiting = JSON.readTree(ok201(send("POST", "/api/v1/runs", admin, "{\"moduleId\":" + TestingStack.WAITING_MODULE
                + ",\"hosts\":[\"" + SSH_HOSTS.get(1) + "\"]}"))).get("jobId").asLong();
        assertError(send("POST", "/api/v1/jobs/" + waiting + "/cancel", admin, "{}"), 400, "INVALID_REQUEST", "this request takes no body; send it empty");
        JsonNode cancelled = ok(send("POST", "/api/v1/jobs/" + waiting + "/cancel", admin, null));
        assertThat(cancelled.get("cancelled").asBoolean()).isTrue();
        awaitEnded(waiting);
        JsonNode again = ok(send("POST", "/api/v1/jobs/" + waiting + "/cancel", admin, null));
        assertThat(again.get("cancelled").asBoolean()).isFalse();
        assertThat(again.get("status").asText()).isEqualTo("CANCELLED");

        long mixed = JSON.readTree(ok201(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,\"hosts\":[\"" + SSH_HOSTS.get(0) + "\",\""
                + DEAD_HOST + "\"],\"rolling\":{\"maxInFlight\":1}}"))).get("jobId").asLong();
        awaitEnded(mixed);
        assertError(send("POST", "/api/v1/jobs/" + mixed + "/retry", admin, "{\"scope\":\"SOME\"}"), 400, "INVALID_REQUEST",
                "scope must be one of [FAILED_AND_UNREACHABLE, FAILED_ONLY, UNREACHABLE_ONLY], was 'SOME'");
        HttpResponse<String> retried = send("POST", "/api/v1/jobs/" + mixed + "/retry", admin, "{\"scope\":\"UNREACHABLE_ONLY\"}");
        JsonNode retry = JSON.readTree(ok201(retried));
        assertThat(retry.get("parentJobId").asLong()).isEqualTo(mixed);
        assertThat(retry.get("hosts").findValuesAsText("lanIp")).containsExactly(DEAD_HOST);
        awaitResults(retry.get("jobId").asLong());
        assertThat(ok(send("GET", "/api/v1/jobs/" + mixed, admin, null)).get("childJobIds").get(0).asLong()).isEqualTo(retry.get("jobId").asLong());

        assertError(send("GET", "/api/v1/jobs?status=DONE", admin, null), 400, "INVALID_REQUEST",
                "status must be one of [RUNNING, FINISHED, INTERRUPTED, CANCELLED, STOPPED], was 'DONE'");
        assertError(send("GET", "/api/v1/jobs?limit=500", admin, null), 400, "INVALID_REQUEST", "limit must be a whole number from 1 to 200, was '500'");
    }

    @Test
    void longPollsBeyondTheirShareOfMasterConnectionsAreRefusedAsBusy()
            throws Exception
    {
        long jobId = JSON.readTree(ok201(send("POST", "/api/v1/runs", admin, "{\"moduleId\":" + TestingStack.WAITING_MODULE
                + ",\"hosts\":[\"" + SSH_HOSTS.get(0) + "\"]}"))).get("jobId").asLong();
        // a gateway with 2 master connections allows 1 long-poll at a time
        try (GatewayServer small = GatewayServer.start(GatewayConfig.fromProperties(Map.of("gateway.port", "0",
                "master.port", Integer.toString(stack.master().port()), "master.max-connections", "2")), stack.secret())) {
            String events = "/api/v1/jobs/" + jobId + "/events?cursor=";
            // past QUEUED and STARTED: from here the job is silent until it is cancelled
            long cursor = 0;
            List<String> kinds = new ArrayList<>();
            for (int polls = 0; polls < 10 && !kinds.contains("STARTED"); polls++) {
                JsonNode page = ok(send("GET", events + cursor + "&wait=20", admin, null));
                page.get("events").forEach(event -> kinds.add(event.get("kind").asText()));
                cursor = page.get("nextCursor").asLong();
            }
            assertThat(kinds).containsExactly("QUEUED", "STARTED");
            HttpRequest hold = request("GET", small.uri().resolve(events + cursor + "&wait=20").toString(), admin, null).build();
            var holding = http.sendAsync(hold, HttpResponse.BodyHandlers.ofString());
            Thread.sleep(100); // a head start, so the holding poll usually reaches the gateway first; the loop copes when not
            HttpResponse<String> busy = null;
            // until the first poll holds the slot: each try waits at most 1 s when it gets the slot itself
            for (int attempt = 0; attempt < 30 && busy == null; attempt++) {
                if (holding.isDone()) {
                    // it lost the slot to a try (and was refused) or its wait ended: send it again
                    holding = http.sendAsync(hold, HttpResponse.BodyHandlers.ofString());
                    Thread.sleep(100);
                }
                HttpResponse<String> second = http.send(request("GET", small.uri().resolve(events + cursor + "&wait=1").toString(), admin, null).build(),
                        HttpResponse.BodyHandlers.ofString());
                busy = second.statusCode() == 503 ? second : null;
            }
            assertThat(busy).as("a second long-poll was refused while the first waited").isNotNull();
            assertError(busy, 503, "BUSY", "too many long-polls are waiting at this gateway; retry in a few seconds, or poll with wait=0");
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
            // without waiting, a poll needs no long-poll slot
            ok(send("GET", events + cursor + "&wait=0", admin, null));

            ok(send("POST", "/api/v1/jobs/" + jobId + "/cancel", admin, null));
            assertThat(holding.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theMasterRefusalsComeBackAsJsonWithTheirStatus()
            throws Exception
    {
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1001,\"hosts\":[\"" + SSH_HOSTS.get(0) + "\"],\"params\":{\"sys_param_1\":\"5; rm -rf /\"}}"),
                400, "INVALID_REQUEST", "sys_param_1 must be a whole number from 1 to 999");
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,\"hosts\":[\"10.9.9.9\"]}"), 400, "INVALID_REQUEST", "unknown hosts: 10.9.9.9");
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":4242,\"hosts\":[\"" + SSH_HOSTS.get(0) + "\"]}"), 404, "NOT_FOUND",
                "module 4242 does not exist");
        assertError(send("POST", "/api/v1/runs", token("viewer"), "{\"moduleId\":1003,\"hosts\":[\"" + SSH_HOSTS.get(0) + "\"]}"), 403, "FORBIDDEN", "");
        assertError(send("GET", "/api/v1/jobs/987654/events", admin, null), 404, "NOT_FOUND", "job 987654 does not exist");
        assertError(send("GET", "/api/v1/modules/4242", admin, null), 404, "NOT_FOUND", "module 4242 does not exist; GET /api/v1/modules lists the modules");
    }

    @Test
    void malformedRequestsAreRefusedBeforeTheMaster()
            throws Exception
    {
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,"), 400, "INVALID_REQUEST", "the body is not valid JSON");
        assertError(send("POST", "/api/v1/runs", admin, "[1003]"), 400, "INVALID_REQUEST", "the body must be a JSON object");
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,\"moduleId\":1004,\"hosts\":[\"a\"]}"), 400, "INVALID_REQUEST",
                "the body is not valid JSON (Duplicate field 'moduleId'");
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":\"1003; rm -rf /\",\"hosts\":[\"a\"]}"), 400, "INVALID_REQUEST",
                "'moduleId' is required and must be a module number such as 1003");
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,\"hosts\":[],\"extra\":1}"), 400, "INVALID_REQUEST",
                "unknown field 'extra'; this request takes hosts, moduleId, params");
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1003,\"hosts\":[]}"), 400, "INVALID_REQUEST",
                "'hosts' is required and must be a JSON array of LAN IPs");
        assertError(send("POST", "/api/v1/runs", admin, "{\"moduleId\":1001,\"hosts\":[\"a\"],\"params\":{\"sys_param_1\":50}}"), 400,
                "INVALID_REQUEST", "parameter 'sys_param_1' must be a JSON string, e.g. \"50\"");
        HttpResponse<String> form = http.send(request("POST", "/api/v1/runs", admin, "moduleId=1003")
                .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
        assertError(form, 415, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON with 'Content-Type: application/json', not 'application/x-www-form-urlencoded'");
        String huge = "{\"moduleId\":1003,\"hosts\":[\"" + "1".repeat(70_000) + "\"]}";
        assertError(send("POST", "/api/v1/runs", admin, huge), 413, "PAYLOAD_TOO_LARGE", "the body is larger than 65536 bytes; send less");

        assertError(send("GET", "/api/v1/nothing", admin, null), 404, "NOT_FOUND", "no API address /api/v1/nothing; the addresses are listed in /api/v1/openapi.json");
        assertError(send("PUT", "/api/v1/modules", admin, "{}"), 405, "METHOD_NOT_ALLOWED", "/api/v1/modules takes GET, POST, not PUT");
        assertError(send("GET", "/api/v1/jobs/abc", admin, null), 404, "NOT_FOUND", "'abc' is not a id");
        assertError(send("GET", "/api/v1/jobs/1/events?wait=21", admin, null), 400, "INVALID_REQUEST", "wait must be a whole number from 0 to 20, was '21'");
        assertError(send("GET", "/api/v1/jobs/1/events?cursor=-1", admin, null), 400, "INVALID_REQUEST", "cursor must be a whole number");
    }

    @Test
    void requestsWithoutAValidBearerTokenAreUnauthenticated()
            throws Exception
    {
        HttpResponse<String> none = send("GET", "/api/v1/modules", null, null);
        assertError(none, 401, "UNAUTHENTICATED", "send the header 'Authorization: Bearer <token>'; get a token with POST /api/v1/tokens");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"omserver\"");

        HttpResponse<String> basic = http.send(HttpRequest.newBuilder(uri("/api/v1/modules")).header("Authorization", "Basic YWRtaW46eA==").build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(basic, 401, "UNAUTHENTICATED", "the Authorization header must be 'Bearer <token>' with a token from POST /api/v1/tokens");
        assertError(send("GET", "/api/v1/modules", "A".repeat(43), null), 401, "UNAUTHENTICATED", "no such session, or it expired; log in again");
        assertError(send("POST", "/api/v1/tokens", null, "{\"username\":\"admin\",\"password\":\"wrong\"}"), 401, "UNAUTHENTICATED",
                "wrong user name or password");
        assertError(send("POST", "/api/v1/tokens", null, "{\"username\":\"admin\"}"), 400, "INVALID_REQUEST",
                "'password' is required and must be a non-empty JSON string");
    }

    @Test
    void aRevokedTokenNoLongerWorks()
            throws Exception
    {
        String token = token("admin");
        ok(send("GET", "/api/v1/categories", token, null));
        HttpResponse<String> revoked = send("DELETE", "/api/v1/tokens", token, null);
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertError(send("GET", "/api/v1/categories", token, null), 401, "UNAUTHENTICATED", "no such session, or it expired; log in again");
        assertError(send("DELETE", "/api/v1/tokens", token, null), 401, "UNAUTHENTICATED", "this token is not valid (expired or already revoked)");
    }

    @Test
    void aBrowserSessionCookieDoesNotAuthenticateTheApi()
            throws Exception
    {
        TestingBrowser browser = new TestingBrowser(stack.gatewayUri());
        String csrf = browser.login("admin", PASSWORD);
        assertThat(browser.get("/").statusCode()).isEqualTo(200);

        assertError(browser.get("/api/v1/modules"), 401, "UNAUTHENTICATED", "send the header 'Authorization: Bearer <token>'");
        // a cross-site form would carry the cookie but no CSRF token: the API must not run it
        assertError(browser.post("/api/v1/runs", List.of("moduleId", "1003", "hosts", SSH_HOSTS.get(0))), 401, "UNAUTHENTICATED",
                "send the header 'Authorization: Bearer <token>'");
        assertError(browser.post("/api/v1/runs", List.of("csrf", csrf, "moduleId", "1003")), 401, "UNAUTHENTICATED",
                "send the header 'Authorization: Bearer <token>'");
    }

    @Test
    void theOpenApiDocumentIsServedWithoutAToken()
            throws Exception
    {
        JsonNode document = ok(send("GET", "/api/v1/openapi.json", null, null));
        assertThat(document.get("openapi").asText()).startsWith("3.");
        assertThat(document.get("paths").has("/api/v1/runs")).isTrue();
    }

    @Test
    void anUnreachableMasterIs503WithWhatToCheck()
            throws Exception
    {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (GatewayServer orphan = GatewayServer.start(GatewayConfig.fromProperties(Map.of("gateway.port", "0",
                "master.port", Integer.toString(closedPort), "master.connect-timeout", "1s")), SharedSecret.generate())) {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(orphan.uri().resolve("/api/v1/tokens"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertError(reply, 503, "MASTER_UNAVAILABLE", "the master at 127.0.0.1:" + closedPort + " is unreachable; check that it runs");
            assertThat(reply.headers().firstValue("Retry-After")).isPresent();
        }
    }

    private JsonNode awaitResults(long jobId)
            throws Exception
    {
        long cursor = 0;
        for (int polls = 0; polls < 50; polls++) {
            JsonNode page = ok(send("GET", "/api/v1/jobs/" + jobId + "/events?cursor=" + cursor + "&wait=20", admin, null));
            cursor = page.get("nextCursor").asLong();
            if (page.get("complete").asBoolean()) {
                return ok(send("GET", "/api/v1/jobs/" + jobId + "/results", admin, null));
            }
        }
        throw new AssertionError("job " + jobId + " did not complete in 50 polls");
    }

    /**
     * Until the job's stored status is no longer RUNNING. The master writes it just after the last host's event, so
     * a client that saw the events complete may briefly still read RUNNING; bounded in count, no sleeping.
     */
    private String awaitEnded(long jobId)
            throws Exception
    {
        awaitResults(jobId);
        for (int polls = 0; polls < 5000; polls++) {
            String status = ok(send("GET", "/api/v1/jobs/" + jobId + "?hostLimit=1", admin, null)).get("status").asText();
            if (!status.equals("RUNNING")) {
                return status;
            }
        }
        throw new AssertionError("job " + jobId + " still reads RUNNING after its events completed");
    }

    @Test
    void agentsAreListedReadAndRevokedByAdminsOnly()
            throws Exception
    {
        String id = "agt-00000000000044a1";
        stack.master().catalog().agents().addAgent(new org.omserver.catalog.agent.AgentRecord(id, new byte[32], "127.0.44.201", 11520, false, "api-agent",
                List.of("127.0.44.201"), List.of(), List.of(), "Debian GNU/Linux 12", 2, 8L << 30, "0.1.0", java.time.Instant.now(), java.util.Optional.empty(),
                java.util.Optional.empty()));
        String viewer = token("viewer");
        JsonNode list = ok(send("GET", "/api/v1/agents", viewer, null));
        JsonNode row = null;
        for (JsonNode agent : list.get("agents")) {
            if (agent.get("agentId").asText().equals(id)) {
                row = agent;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.get("hostname").asText()).isEqualTo("api-agent");
        assertThat(row.get("online").asBoolean()).isFalse();
        assertThat(row.get("lastHeartbeatMillis").isNull()).isTrue();

        JsonNode detail = ok(send("GET", "/api/v1/agents/" + id + "?minutes=60&points=12", viewer, null));
        assertThat(detail.get("agent").get("agentId").asText()).isEqualTo(id);
        assertThat(detail.get("toMillis").asLong() - detail.get("fromMillis").asLong()).isEqualTo(Duration.ofMinutes(60).toMillis());
        assertError(send("GET", "/api/v1/agents/agt-nope", viewer, null), 404, "NOT_FOUND", "does not exist");
        assertError(send("GET", "/api/v1/agents/" + id + "?minutes=9999", viewer, null), 400, "INVALID_REQUEST", "minutes");

        assertError(send("DELETE", "/api/v1/agents/" + id, viewer, null), 403, "FORBIDDEN", "");
        assertThat(stack.master().catalog().agents().findAgent(id).orElseThrow().revoked()).isFalse();
        JsonNode revoked = ok(send("DELETE", "/api/v1/agents/" + id, admin, null));
        assertThat(revoked.get("revoked").get("revoked").asBoolean()).isTrue();
        assertThat(stack.master().catalog().agents().findAgent(id).orElseThrow().revoked()).isTrue();
        assertError(send("DELETE", "/api/v1/agents/" + id, admin, null), 400, "INVALID_REQUEST", "already revoked");
    }

    @Test
    void modulesAreCreatedUpdatedDisabledDeletedAndRolledBackOverTheApi()
            throws Exception
    {
        HttpResponse<String> created = send("POST", "/api/v1/modules", admin,
                "{\"name\": \"api uptime\", \"caption\": \"<b>Uptime</b>\", \"backend\": \"ssh\", \"command\": [\"uptime\"]}");
        JsonNode change = JSON.readTree(ok201(created));
        int id = change.get("moduleId").asInt();
        assertThat(change.get("version").asInt()).isEqualTo(1);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/modules/" + id);
        assertThat(ok(send("GET", "/api/v1/modules/" + id, admin, null)).get("caption").asText()).isEqualTo("Uptime");

        JsonNode file = ok(send("GET", "/api/v1/modules/" + id + "/file", admin, null));
        assertThat(file.get("version").asInt()).isEqualTo(1);
        assertThat(file.get("file").get("command").get(0).asText()).isEqualTo("uptime");
        ObjectNode edited = (ObjectNode) file.get("file");
        edited.put("timeoutSeconds", 15);
        JsonNode updated = ok(send("PUT", "/api/v1/modules/" + id + "/file?expectedVersion=1", admin, JSON.writeValueAsString(edited)));
        assertThat(updated.get("version").asInt()).isEqualTo(2);
        assertThat(updated.get("summary").asText()).contains("timeoutSeconds");
        assertError(send("PUT", "/api/v1/modules/" + id + "/file?expectedVersion=1", admin, JSON.writeValueAsString(edited)), 400, "INVALID_REQUEST",
                "version 2");
        edited.put("id", id + 1);
        assertError(send("PUT", "/api/v1/modules/" + id + "/file?expectedVersion=2", admin, JSON.writeValueAsString(edited)), 400, "INVALID_REQUEST",
                "the module file has id " + (id + 1) + " but the address names module " + id);
        assertError(send("PUT", "/api/v1/modules/" + id + "/file", admin, "{}"), 400, "INVALID_REQUEST", "give ?expectedVersion=");

        assertThat(ok(send("POST", "/api/v1/modules/" + id + "/disable?expectedVersion=2", admin, null)).get("version").asInt()).isEqualTo(3);
        assertThat(stack.master().catalog().modules().find(id).orElseThrow().enabled()).isFalse();
        assertThat(ok(send("POST", "/api/v1/modules/" + id + "/enable?expectedVersion=3", admin, null)).get("version").asInt()).isEqualTo(4);

        assertError(send("DELETE", "/api/v1/modules/" + id + "?expectedVersion=4", admin, null), 400, "INVALID_REQUEST", "give ?confirm=" + id);
        assertThat(stack.master().catalog().modules().find(id)).isPresent();
        assertThat(ok(send("DELETE", "/api/v1/modules/" + id + "?expectedVersion=4&confirm=" + id, admin, null)).get("version").asInt()).isEqualTo(5);
        assertThat(stack.master().catalog().modules().find(id)).isEmpty();

        JsonNode versions = ok(send("GET", "/api/v1/modules/" + id + "/versions", admin, null)).get("versions");
        assertThat(versions.findValuesAsText("action")).containsExactly("delete", "enable", "disable", "update", "create");
        assertThat(versions.get(1).get("file").get("timeoutSeconds").asInt()).isEqualTo(15);
        assertThat(versions.get(0).has("file")).isFalse();
        JsonNode restored = ok(send("POST", "/api/v1/modules/" + id + "/rollback", admin, "{\"toVersion\": 4, \"expectedVersion\": 5}"));
        assertThat(restored.get("version").asInt()).isEqualTo(6);
        assertThat(stack.master().catalog().modules().find(id)).isPresent();
        assertError(send("POST", "/api/v1/modules/" + id + "/rollback", admin, "{\"toVersion\": 4}"), 400, "INVALID_REQUEST", "expectedVersion");

        JsonNode preview = ok(send("POST", "/api/v1/modules/preview", admin,
                "{\"file\": {\"name\": \"p\", \"params\": [{\"name\": \"n\", \"type\": \"INT\", \"min\": 1, \"max\": 9, \"required\": true}],"
                        + " \"command\": [\"echo\", \"${n}\"]}, \"params\": {\"n\": \"7\"}}"));
        assertThat(preview.get("argv").get(0).asText()).isEqualTo("echo");
        assertThat(preview.get("argv").get(1).asText()).isEqualTo("7");
        assertThat(preview.get("problems")).isEmpty();
        assertThat(stack.master().catalog().modules().list()).noneMatch(module -> module.name().equals("p"));
    }

    @Test
    void badModuleWritesAreJsonErrorsWithStableCodesAndChangeNothing()
            throws Exception
    {
        int before = stack.master().catalog().modules().list().size();
        assertError(send("POST", "/api/v1/modules", admin, "{\"name\": \"x\", \"exec\": \"rm -rf /\"}"), 400, "INVALID_REQUEST", "unknown key 'exec'");
        assertError(send("POST", "/api/v1/modules", admin, "{\"name\": \"x\", \"command\": [\"sh\", \"-c\", \"echo ${x}\"]}"), 400, "INVALID_REQUEST",
                "is broken");
        assertError(send("POST", "/api/v1/modules", admin, "{\"name\": \"a\", \"name\": \"b\"}"), 400, "INVALID_REQUEST", "Duplicate field 'name'");
        assertError(send("POST", "/api/v1/modules", admin, "{\"name\": \"x\", \"timeoutSeconds\": \"60\"}"), 400, "INVALID_REQUEST", "timeoutSeconds");
        assertError(send("POST", "/api/v1/modules", admin, "[1]"), 400, "INVALID_REQUEST", "must be a JSON object");
        assertError(send("POST", "/api/v1/modules", admin, "{\"name\": \"" + "x".repeat(70_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE", "larger than 65536 bytes");
        String viewer = token("viewer");
        assertError(send("POST", "/api/v1/modules", viewer, "{\"name\": \"fine\", \"command\": [\"true\"]}"), 403, "FORBIDDEN",
                "may not change the module catalog");
        assertError(send("POST", "/api/v1/modules/1003/disable?expectedVersion=0", viewer, null), 403, "FORBIDDEN", "may not change the module catalog");
        assertError(send("DELETE", "/api/v1/modules/1003?expectedVersion=0&confirm=1003", viewer, null), 403, "FORBIDDEN", "may not change");
        assertError(send("POST", "/api/v1/modules", null, "{\"name\": \"fine\"}"), 401, "UNAUTHENTICATED", "Authorization: Bearer");
        assertError(send("GET", "/api/v1/modules/77777/versions", admin, null), 404, "NOT_FOUND", "77777");
        assertError(send("POST", "/api/v1/modules/1003/enable?expectedVersion=0", admin, "{}"), 400, "INVALID_REQUEST", "takes no body");
        assertThat(stack.master().catalog().modules().list()).hasSize(before);
        assertThat(stack.master().catalog().modules().find(1003).orElseThrow().enabled()).isTrue();
    }

    @Test
    void usersAndTheAuditLogAreReadOverTheApiWithPagingBothWays()
            throws Exception
    {
        String viewer = token("viewer");
        JsonNode users = ok(send("GET", "/api/v1/users", admin, null)).get("users");
        JsonNode viewerRow = null;
        for (JsonNode user : users) {
            if (user.get("username").asText().equals("viewer")) {
                viewerRow = user;
            }
        }
        assertThat(viewerRow).isNotNull();
        assertThat(viewerRow.get("role").asText()).isEqualTo("viewer");
        assertThat(viewerRow.get("lastLoginMillis").asLong()).isPositive();
        assertThat(viewerRow.get("openSessions").asInt()).isPositive();
        assertError(send("GET", "/api/v1/users", viewer, null), 403, "FORBIDDEN", "");
        assertError(send("GET", "/api/v1/audit", viewer, null), 403, "FORBIDDEN", "");

        for (int i = 0; i < 5; i++) {
            stack.master().catalog().audit().record(new org.omserver.catalog.audit.AuditEntry(java.time.Instant.now(), "api-auditee", "127.0.41.9",
                    "submit", java.util.OptionalInt.empty(), "{}", "", "accepted", java.util.Optional.of("row " + i)));
        }
        List<Long> ids = new ArrayList<>();
        JsonNode page = ok(send("GET", "/api/v1/audit?actor=api-auditee&limit=2", admin, null));
        page.get("records").forEach(record -> ids.add(record.get("id").asLong()));
        JsonNode older = ok(send("GET", "/api/v1/audit?actor=api-auditee&limit=2&before=" + page.get("nextBefore").asLong(), admin, null));
        older.get("records").forEach(record -> ids.add(record.get("id").asLong()));
        assertThat(ids).hasSize(4).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        JsonNode newer = ok(send("GET", "/api/v1/audit?actor=api-auditee&limit=2&after=" + ids.get(2), admin, null));
        assertThat(newer.get("records").findValuesAsText("actor")).containsOnly("api-auditee");
        assertThat(newer.get("records").get(0).get("id").asLong()).isEqualTo(ids.get(0));
        assertThat(newer.get("records").get(1).get("id").asLong()).isEqualTo(ids.get(1));
        assertError(send("GET", "/api/v1/audit?before=9&after=2", admin, null), 400, "INVALID_REQUEST", "not both");
        assertError(send("GET", "/api/v1/audit?outcome=maybe", admin, null), 400, "INVALID_REQUEST", "outcome must be accepted, refused or an error code");

        JsonNode ended = ok(send("DELETE", "/api/v1/users/viewer/sessions", admin, null));
        assertThat(ended.get("sessionsEnded").asInt()).isPositive();
        assertError(send("GET", "/api/v1/modules", viewer, null), 401, "UNAUTHENTICATED", "");
    }

    @Test
    void schedulesAreCreatedListedPausedResumedAndDeletedOverTheApi()
            throws Exception
    {
        String body = "{\"name\":\"nightly issue\",\"cron\":\"30 2 * * *\",\"moduleId\":1003,\"hosts\":[\"" + SSH_HOSTS.get(0)
                + "\"],\"overlap\":\"QUEUE\",\"rolling\":{\"batchSize\":\"50%\"}}";
        HttpResponse<String> created = send("POST", "/api/v1/schedules", admin, body);
        JsonNode schedule = JSON.readTree(ok201(created));
        long id = schedule.get("scheduleId").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/schedules/" + id);
        assertThat(schedule.get("cron").asText()).isEqualTo("30 2 * * *");
        assertThat(schedule.get("overlap").asText()).isEqualTo("QUEUE");
        assertThat(schedule.get("rolling").get("batchSize").asText()).isEqualTo("50%");
        assertThat(schedule.get("paused").asBoolean()).isFalse();
        assertThat(schedule.get("nextRunMillis").asLong()).isGreaterThan(System.currentTimeMillis());
        assertThat(schedule.get("laterRunsMillis")).hasSize(4);

        JsonNode listed = ok(send("GET", "/api/v1/schedules", token("viewer"), null));
        assertThat(listed.get("schedules").findValuesAsText("name")).contains("nightly issue");

        assertThat(ok(send("POST", "/api/v1/schedules/" + id + "/pause", admin, null)).get("paused").asBoolean()).isTrue();
        assertThat(ok(send("POST", "/api/v1/schedules/" + id + "/resume", admin, null)).get("paused").asBoolean()).isFalse();

        // deleting needs the id repeated; a viewer may not change schedules
        assertError(send("DELETE", "/api/v1/schedules/" + id, admin, null), 400, "INVALID_REQUEST", "give ?confirm=" + id);
        assertError(send("DELETE", "/api/v1/schedules/" + id + "?confirm=" + (id + 1), admin, null), 400, "INVALID_REQUEST", "nothing was deleted");
        assertError(send("POST", "/api/v1/schedules/" + id + "/pause", token("viewer"), null), 403, "FORBIDDEN", "");
        assertThat(ok(send("GET", "/api/v1/schedules", admin, null)).get("schedules").findValuesAsText("name")).contains("nightly issue");
        assertThat(send("DELETE", "/api/v1/schedules/" + id + "?confirm=" + id, admin, null).statusCode()).isEqualTo(204);
        assertThat(ok(send("GET", "/api/v1/schedules", admin, null)).get("schedules").findValuesAsText("scheduleId")).doesNotContain(String.valueOf(id));
    }

    @Test
    void badSchedulesAreJsonErrorsAndNothingIsStored()
            throws Exception
    {
        int before = ok(send("GET", "/api/v1/schedules", admin, null)).get("schedules").size();
        String hosts = "[\"" + SSH_HOSTS.get(0) + "\"]";
        assertError(send("POST", "/api/v1/schedules", admin, "{\"name\":\"bad\",\"cron\":\"61 * * * *\",\"moduleId\":1003,\"hosts\":" + hosts + "}"),
                400, "INVALID_REQUEST", "invalid cron expression '61 * * * *'");
        assertError(send("POST", "/api/v1/schedules", admin, "{\"name\":\"bad\",\"cron\":\"* * * * *\",\"moduleId\":1003,\"hosts\":" + hosts
                + ",\"overlap\":\"sometimes\"}"), 400, "INVALID_REQUEST", "overlap must be one of [SKIP, QUEUE]");
        assertError(send("POST", "/api/v1/schedules", admin, "{\"cron\":\"* * * * *\",\"moduleId\":1003,\"hosts\":" + hosts + "}"),
                400, "INVALID_REQUEST", "'name' is required");
        assertError(send("POST", "/api/v1/schedules", admin, "{\"name\":\"bad\",\"cron\":\"* * * * *\",\"moduleId\":1003,\"hosts\":" + hosts
                + ",\"when\":\"now\"}"), 400, "INVALID_REQUEST", "unknown field 'when'");
        assertError(send("POST", "/api/v1/schedules", token("viewer"), "{\"name\":\"bad\",\"cron\":\"* * * * *\",\"moduleId\":1003,\"hosts\":" + hosts + "}"),
                403, "FORBIDDEN", "");
        assertThat(ok(send("GET", "/api/v1/schedules", admin, null)).get("schedules")).hasSize(before);
    }

    private String token(String username)
            throws Exception
    {
        HttpResponse<String> reply = send("POST", "/api/v1/tokens", null,
                JSON.writeValueAsString(Map.of("username", username, "password", PASSWORD)));
        JsonNode token = JSON.readTree(ok201(reply));
        assertThat(token.get("username").asText()).isEqualTo(username);
        return token.get("token").asText();
    }

    private static List<String> lanIps(JsonNode reply)
    {
        return reply.get("servers").findValuesAsText("lanIp");
    }

    private static String firstLineOfIssue()
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("head", "-n", "1", "/etc/issue").start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        process.waitFor();
        return out;
    }

    private HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = request(method, path, token, body);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String path, String token, String body)
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(40))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** A path on the test's gateway, or an absolute URL of another one. */
    private URI uri(String path)
    {
        return stack.gatewayUri().resolve(path);
    }

    private static JsonNode ok(HttpResponse<String> response)
            throws IOException
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        return JSON.readTree(response.body());
    }

    private static String ok201(HttpResponse<String> response)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body();
    }

    /** A JSON error with this status and code, whose message contains {@code message}, and never a stack trace. */
    private static void assertError(HttpResponse<String> response, int status, String code, String message)
            throws IOException
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).contains(message);
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }
}
