package org.omserver.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.protocol.envelope.SharedSecret;
import org.omserver.protocol.thrift.TargetHost;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.gateway.TestingMaster.EVIL;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestGatewayServer
{
    private static final String ESCAPED_EVIL = "&lt;script&gt;alert(1)&lt;/script&gt;";

    private TestingMaster master;
    private GatewayServer gateway;

    @BeforeAll
    void start()
            throws Exception
    {
        SharedSecret secret = SharedSecret.generate();
        master = new TestingMaster(secret);
        gateway = GatewayServer.start(config(master.port()), secret);
    }

    @AfterAll
    void stop()
    {
        if (gateway != null) {
            gateway.close();
        }
        if (master != null) {
            master.close();
        }
    }

    private static GatewayConfig config(int masterPort)
    {
        return GatewayConfig.fromProperties(Map.of("gateway.port", "0", "master.port", String.valueOf(masterPort),
                "master.connect-timeout", "2s", "master.max-connections", "8"));
    }

    private TestingBrowser browser()
    {
        return new TestingBrowser(gateway.uri());
    }

    @Test
    void loginWithTheRightPasswordOpensTheRunPage()
            throws Exception
    {
        TestingBrowser browser = browser();
        HttpResponse<String> form = browser.get("/login");
        assertThat(form.statusCode()).isEqualTo(200);
        HttpResponse<String> login = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "admin", "password", "s3cret"));
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValue("/");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains(GatewayServer.SESSION_COOKIE).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .doesNotContainIgnoringCase("Secure;");
        HttpResponse<String> page = browser.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("admin (admin)");
    }

    @Test
    void loginChangesTheSessionId()
            throws Exception
    {
        TestingBrowser browser = browser();
        HttpResponse<String> form = browser.get("/login");
        String before = form.headers().firstValue("Set-Cookie").orElseThrow();
        HttpResponse<String> login = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "admin", "password", "s3cret"));
        String after = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(sessionId(after)).isNotEqualTo(sessionId(before));
    }

    private static String sessionId(String setCookie)
    {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void wrongPasswordShowsTheMastersMessage()
            throws Exception
    {
        TestingBrowser browser = browser();
        HttpResponse<String> form = browser.get("/login");
        HttpResponse<String> login = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "admin", "password", "nope"));
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(login.body()).contains("Wrong user name or password.");
        assertThat(browser.get("/").statusCode()).isEqualTo(303);
    }

    @Test
    void throttledLoginShowsTheMastersMessage()
            throws Exception
    {
        TestingBrowser browser = browser();
        HttpResponse<String> form = browser.get("/login");
        HttpResponse<String> login = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "slow", "password", "x"));
        assertThat(login.statusCode()).isEqualTo(429);
        assertThat(login.body()).contains("Too many failed logins; wait a minute.");
    }

    @Test
    void loginWithoutCsrfTokenIsForbidden()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.get("/login");
        HttpResponse<String> login = browser.post("/login", List.of("username", "admin", "password", "s3cret"));
        assertThat(login.statusCode()).isEqualTo(403);
        assertThat(login.body()).contains("This form has expired").contains("Reload the page");
        assertThat(browser.get("/").statusCode()).isEqualTo(303);
    }

    @Test
    void pagesRequireLogin()
            throws Exception
    {
        TestingBrowser browser = browser();
        for (String path : List.of("/", "/jobs/42")) {
            HttpResponse<String> page = browser.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(303);
            assertThat(page.headers().firstValue("Location")).as(path).hasValue("/login");
        }
        assertThat(browser.get("/jobs/42/events").statusCode()).isEqualTo(401);
    }

    @Test
    void runPageListsCategoriesServersAndModules()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.login();
        String body = browser.get("/").body();
        assertThat(body)
                .contains(">Linux.Web</option>", ">Linux.Mysql</option>", ">www.domain.com</option>", ">db.domain.com</option>")
                .contains("<option value=\"192.168.1.10\">web1 (192.168.1.10)</option>")
                .contains("<option value=\"192.168.1.20\">db1 (192.168.1.20)</option>")
                .contains(">1001 view system log</option>", ">1003 view OS version</option>", ">1007 restart a service</option>")
                .contains("name=\"m1001.sys_param_1\"", "min=\"1\"", "max=\"999\"", "How many lines of the log to show")
                .contains("<option value=\"nginx\">nginx</option>")
                .contains("<script src=\"/static/run.js\"></script>");
    }

    @Test
    void markupFromTheMasterIsEscapedAndCannotLeaveTheDataBlock()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.login();
        String body = browser.get("/").body();
        assertThat(body).doesNotContain(EVIL);
        assertThat(body).contains("web2" + ESCAPED_EVIL + " (192.168.1.11)");
        assertThat(body).contains("Shows the end of /var/log/messages " + ESCAPED_EVIL);
        Matcher data = Pattern.compile("<script type=\"application/json\" id=\"data\">(.*?)</script>", Pattern.DOTALL).matcher(body);
        assertThat(data.find()).isTrue();
        assertThat(data.group(1)).doesNotContain("<", ">").contains("web2\\u003cscript\\u003ealert(1)\\u003c/script\\u003e");
        // the only script elements on the page are the data block and the external file: no inline code
        assertThat(Pattern.compile("<script").matcher(body).results().count()).isEqualTo(2);
        assertThat(body).doesNotContain(" onclick=", " onload=", " onchange=");
    }

    @Test
    void confirmListsModuleParametersAndEveryTarget()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        HttpResponse<String> confirm = browser.post("/confirm", List.of("csrf", csrf, "moduleId", "1001",
                "target", "192.168.1.10", "target", "192.168.1.11", "target", "192.168.1.20", "m1001.sys_param_1", "20"));
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body())
                .contains("Module 1001 view system log")
                .contains("<dt>Lines</dt><dd><code>20</code></dd>")
                .contains("<li>web1 (192.168.1.10)</li>", "<li>web2" + ESCAPED_EVIL + " (192.168.1.11)</li>", "<li>db1 (192.168.1.20)</li>")
                .contains("On 3 servers")
                .contains("<input type=\"hidden\" name=\"target\" value=\"192.168.1.20\">")
                .contains("<input type=\"hidden\" name=\"param.sys_param_1\" value=\"20\">")
                .contains("action=\"/run\"")
                .doesNotContain(EVIL);
        assertThat(master.submits).noneMatch(s -> s.getParams().getOrDefault("sys_param_1", "").equals("20"));
    }

    @Test
    void confirmWithoutHostReRendersTheRunPageWithAnError()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        HttpResponse<String> confirm = browser.post("/confirm", List.of("csrf", csrf, "moduleId", "1001", "m1001.sys_param_1", "20"));
        assertThat(confirm.statusCode()).isEqualTo(400);
        assertThat(confirm.body()).contains("Choose at least one server.").contains("id=\"run-form\"");
    }

    @Test
    void confirmWithEmptyRequiredParameterReRendersWithAnErrorAndKeepsTheChoice()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        HttpResponse<String> confirm = browser.post("/confirm", List.of("csrf", csrf, "moduleId", "1007",
                "target", "192.168.1.10", "m1007.sys_param_1", ""));
        assertThat(confirm.statusCode()).isEqualTo(400);
        assertThat(confirm.body()).contains("Service must not be empty.")
                .contains("<option value=\"192.168.1.10\" selected>")
                .contains("<option value=\"1007\" selected>");
        HttpResponse<String> noModule = browser.post("/confirm", List.of("csrf", csrf, "target", "192.168.1.10"));
        assertThat(noModule.body()).contains("Choose a module.");
        HttpResponse<String> unknown = browser.post("/confirm", List.of("csrf", csrf, "moduleId", "1003", "target", "10.9.9.9"));
        assertThat(unknown.body()).contains("Unknown server 10.9.9.9");
    }

    @Test
    void aFormNamingTenThousandServersIsRead()
            throws Exception
    {
        // ~270 kB of targets: above Jetty's 200 kB default, which refused such a Run form before reading it
        TestingBrowser browser = browser();
        String csrf = browser.login();
        List<String> form = new java.util.ArrayList<>(List.of("csrf", csrf, "moduleId", "1003"));
        for (int i = 0; i < 10_000; i++) {
            form.add("target");
            form.add("10.200." + (i / 250) + "." + (i % 250 + 1));
        }
        HttpResponse<String> confirm = browser.post("/confirm", form);
        assertThat(confirm.statusCode()).isEqualTo(400);
        // every target was read and checked against the inventory (none of these is in it)
        assertThat(confirm.body()).contains("Unknown server 10.200.0.1:", "Unknown server 10.200.39.250:");
    }

    @Test
    void runSubmitsToTheMasterAndRedirectsToTheJob()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        HttpResponse<String> run = browser.post("/run", List.of("csrf", csrf, "moduleId", "1001",
                "target", "192.168.1.10", "target", "192.168.1.20", "param.sys_param_1", "77"));
        assertThat(run.statusCode()).isEqualTo(303);
        String location = run.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/jobs/\\d+");
        assertThat(master.submits).anySatisfy(submit -> {
            assertThat(submit.getModuleId()).isEqualTo(1001);
            assertThat(submit.getTargets()).containsExactly("192.168.1.10", "192.168.1.20");
            assertThat(submit.getParams()).containsExactly(Map.entry("sys_param_1", "77"));
            assertThat(submit.getClientAddress()).isEqualTo("127.0.0.1");
        });
        HttpResponse<String> job = browser.get(location);
        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(job.body()).contains(": view system log", "2 host(s)", "id=\"host-viewport\"", "/static/job.js");
    }

    @Test
    void postsWithoutOrWithWrongCsrfTokenAreForbiddenAndNeverReachTheMaster()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        int submitsBefore = master.submits.size();
        List<String> run = List.of("moduleId", "1001", "target", "192.168.1.10", "param.sys_param_1", "5");
        HttpResponse<String> missing = browser.post("/run", run);
        List<String> wrongToken = new ArrayList<>(run);
        wrongToken.addAll(List.of("csrf", csrf.substring(1) + "A"));
        HttpResponse<String> wrong = browser.post("/run", wrongToken);
        HttpResponse<String> logout = browser.post("/logout", List.of());
        assertThat(List.of(missing.statusCode(), wrong.statusCode(), logout.statusCode())).containsOnly(403);
        assertThat(wrong.body()).contains("This form has expired");
        assertThat(master.submits).hasSize(submitsBefore);
        // a token from another session does not work either
        String otherCsrf = browser().login();
        List<String> foreign = new ArrayList<>(run);
        foreign.addAll(List.of("csrf", otherCsrf));
        assertThat(browser.post("/run", foreign).statusCode()).isEqualTo(403);
        assertThat(master.submits).hasSize(submitsBefore);
        assertThat(browser.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void mastersRefusalIsShownOnTheRunPage()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        HttpResponse<String> run = browser.post("/run", List.of("csrf", csrf, "moduleId", "1001",
                "target", "192.168.1.10", "param.sys_param_1", "666"));
        assertThat(run.statusCode()).isEqualTo(400);
        assertThat(run.body()).contains("The master refused the run: sys_param_1 must be at most 500 " + ESCAPED_EVIL)
                .contains("id=\"run-form\"")
                .doesNotContain(EVIL);
    }

    @Test
    void eventStreamDeliversEveryEventInOrderAndEndsWithDone()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.login();
        List<TargetHost> hosts = List.of(new TargetHost("192.168.1.10", "web1"), new TargetHost("192.168.1.20", "db1"));
        long jobId = master.addJob(hosts);
        HttpResponse<String> stream = browser.get("/jobs/" + jobId + "/events");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<Sse> events = Sse.parse(stream.body());
        List<Sse> hostEvents = events.stream().filter(e -> e.event().equals("host")).toList();
        assertThat(hostEvents).extracting(Sse::id).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
        assertThat(hostEvents.get(0).data()).contains("\"kind\":\"STARTED\"", "\"lanIp\":\"192.168.1.10\"", "\"hostName\":\"web1\"");
        assertThat(hostEvents.get(1).data()).contains("\"kind\":\"STDOUT\"", "hello from web1");
        // host text is JSON inside SSE: markup passes as escaped characters, never raw
        assertThat(hostEvents.get(2).data()).contains("\"kind\":\"STDERR\"", "warning \\u003cscript\\u003ealert(1)").doesNotContain("<script>");
        assertThat(hostEvents.get(7).data()).contains("\"status\":\"FAILED\"", "\"exitCode\":2", "\"failureReason\":\"NON_ZERO_EXIT\"",
                "\"durationMillis\":1234");
        assertThat(events.getLast().event()).isEqualTo("done");
        assertThat(events.getLast().data()).isEqualTo("{\"done\":2,\"total\":2}");
        assertThat(events).filteredOn(e -> e.event().equals("progress")).isNotEmpty();
    }

    @Test
    void reconnectWithLastEventIdResumesWithoutLossOrDuplicates()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.login();
        long jobId = master.addJob(List.of(new TargetHost("192.168.1.10", "web1"), new TargetHost("192.168.1.11", "web2")));
        HttpResponse<String> resumed = browser.get("/jobs/" + jobId + "/events", "Last-Event-ID", "3");
        assertThat(Sse.parse(resumed.body()).stream().filter(e -> e.event().equals("host")).map(Sse::id))
                .containsExactly("4", "5", "6", "7", "8");
        HttpResponse<String> byCursor = browser.get("/jobs/" + jobId + "/events?cursor=6");
        assertThat(Sse.parse(byCursor.body()).stream().filter(e -> e.event().equals("host")).map(Sse::id))
                .containsExactly("7", "8");
        HttpResponse<String> atEnd = browser.get("/jobs/" + jobId + "/events", "Last-Event-ID", "8");
        assertThat(Sse.parse(atEnd.body())).extracting(Sse::event).containsExactly("done");
        assertThat(browser.get("/jobs/" + jobId + "/events", "Last-Event-ID", "x1").statusCode()).isEqualTo(400);
    }

    @Test
    void streamSendsKeepalivesWhileWaitingThenTheEvents()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.login();
        long jobId = master.addPendingJob(List.of(new TargetHost("192.168.1.10", "web1")));
        HttpResponse<java.util.stream.Stream<String>> stream = browser.stream("/jobs/" + jobId + "/events");
        assertThat(stream.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        java.util.Iterator<String> iterator = stream.body().iterator();
        while (iterator.hasNext()) {
            String line = iterator.next();
            lines.add(line);
            if (line.equals(": keepalive")) {
                master.release(jobId);
            }
            if (line.equals("event: done")) {
                break;
            }
        }
        stream.body().close();
        assertThat(lines).contains(": keepalive", "id: 1", "id: 4", "event: done");
        assertThat(lines.indexOf(": keepalive")).isLessThan(lines.indexOf("id: 1"));
    }

    @Test
    void liveStreamsAreBoundedAndAClosedStreamFreesItsSlot()
            throws Exception
    {
        // master.max-connections=8 gives 4 stream slots
        TestingBrowser browser = browser();
        browser.login();
        long jobId = master.addPendingJob(List.of(new TargetHost("192.168.1.10", "web1")));
        List<HttpResponse<java.util.stream.Stream<String>>> open = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            open.add(browser.stream("/jobs/" + jobId + "/events"));
        }
        assertThat(open).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(browser.get("/jobs/" + jobId + "/events").statusCode()).isEqualTo(503);
        open.forEach(response -> response.body().close());
        // the gateway notices a gone client at its next write (a keepalive after each empty poll)
        long deadline = System.nanoTime() + 10_000_000_000L;
        int status;
        do {
            Thread.sleep(100);
            HttpResponse<java.util.stream.Stream<String>> again = browser.stream("/jobs/" + jobId + "/events");
            status = again.statusCode();
            again.body().close();
        }
        while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(200);
        master.release(jobId);
    }

    @Test
    void unknownJobStreamSaysSoAndStops()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.login();
        List<Sse> events = Sse.parse(browser.get("/jobs/999999/events").body());
        assertThat(events).extracting(Sse::event).containsExactly("failure");
        assertThat(events.getFirst().data()).contains("NOT_FOUND", "\"final\":true");
    }

    @Test
    void logoutEndsTheSessionHereAndAtTheMaster()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        HttpResponse<String> logout = browser.post("/logout", List.of("csrf", csrf));
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(logout.headers().firstValue("Location")).hasValue("/login?bye");
        assertThat(master.logouts).isNotEmpty();
        HttpResponse<String> after = browser.get("/");
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).hasValue("/login");
        assertThat(browser.get("/login?bye").body()).contains("You have logged out.");
    }

    @Test
    void logoutIsNotAGet()
            throws Exception
    {
        TestingBrowser browser = browser();
        browser.login();
        assertThat(browser.get("/logout").statusCode()).isEqualTo(405);
        assertThat(browser.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders()
            throws Exception
    {
        TestingBrowser browser = browser();
        String csrf = browser.login();
        List<HttpResponse<String>> responses = List.of(browser.get("/login"), browser.get("/"), browser.get("/static/run.js"),
                browser.get("/no/such/page"), browser.post("/run", List.of()),
                browser.post("/confirm", List.of("csrf", csrf)));
        for (HttpResponse<String> response : responses) {
            String what = response.request().method() + " " + response.uri() + " " + response.statusCode();
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(what).hasValue(
                    "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
            assertThat(response.headers().firstValue("Cache-Control")).as(what).hasValue("no-store");
        }
        assertThat(responses.get(3).statusCode()).isEqualTo(404);
        assertThat(browser.get("/static/../templates/run.ftlh").statusCode()).isIn(400, 404);
    }

    @Test
    void unreachableMasterGivesAClearPageNotAStackTrace()
            throws Exception
    {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        try (GatewayServer orphan = GatewayServer.start(config(deadPort), SharedSecret.generate())) {
            TestingBrowser browser = new TestingBrowser(orphan.uri());
            HttpResponse<String> form = browser.get("/login");
            assertThat(form.statusCode()).isEqualTo(200);
            HttpResponse<String> login = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "admin", "password", "s3cret"));
            assertThat(login.statusCode()).isEqualTo(503);
            assertThat(login.body()).contains("The master at 127.0.0.1:" + deadPort + " is unreachable")
                    .contains("Check that it is running")
                    .doesNotContain("Exception", "at org.");
        }
    }

    @Test
    void wrongSharedSecretIsReportedAsSuch()
            throws Exception
    {
        try (GatewayServer stranger = GatewayServer.start(config(master.port()), SharedSecret.generate())) {
            TestingBrowser browser = new TestingBrowser(stranger.uri());
            HttpResponse<String> form = browser.get("/login");
            HttpResponse<String> login = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "admin", "password", "s3cret"));
            assertThat(login.statusCode()).isEqualTo(502);
            assertThat(login.body()).doesNotContain("Exception");
        }
    }

    record Sse(String id, String event, String data)
    {
        static List<Sse> parse(String body)
        {
            List<Sse> events = new ArrayList<>();
            for (String block : body.split("\n\n")) {
                String id = null;
                String event = "message";
                StringBuilder data = new StringBuilder();
                boolean any = false;
                for (String line : block.split("\n")) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    }
                    else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                        any = true;
                    }
                    else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                        any = true;
                    }
                }
                if (any) {
                    events.add(new Sse(id, event, data.toString()));
                }
            }
            return events;
        }
    }
}
