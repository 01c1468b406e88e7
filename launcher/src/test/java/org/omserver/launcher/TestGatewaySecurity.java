package org.omserver.launcher;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.audit.AuditQuery;
import org.omserver.catalog.audit.AuditRecord;
import org.omserver.catalog.user.Role;
import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.TestingBrowser;
import org.omserver.gateway.api.ApiRoute;
import org.omserver.gateway.api.ApiServlet;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.gateway.master.MasterClient;
import org.omserver.gateway.web.EventStreams;
import org.omserver.gateway.web.Pages;
import org.omserver.gateway.web.WebApp;
import org.omserver.gateway.web.WebContext;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.PASSWORD;

/**
 * The gateway's own defences on the real stack: the session cookie's flags, CSRF on every POST the gateway serves, and
 * login throttling end to end. The POST routes are not listed by hand: they are every servlet mapping of
 * {@link WebApp} (each probed at its own path and below it), every POST form found by crawling the pages an admin
 * sees, and every writing route of {@link ApiServlet#ROUTES}; so a new servlet, form or API route is covered without
 * touching this test. "Changes nothing" is checked where it would show: no new audit row (every master call is
 * audited, accepted or refused, so a request that reached the master would leave one), and the same users, modules
 * and files as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestGatewaySecurity
{
    private static final Pattern FORM = Pattern.compile("<form ([^>]*)>(.*?)</form>", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z-]+)=\"([^\"]*)\"");
    private static final Pattern FIELD = Pattern.compile("<(input|select|textarea) ([^>]*)>");
    private static final Pattern LINK = Pattern.compile("<a [^>]*href=\"(/[^\"]*)\"");
    private static final String WRONG_TOKEN = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private TestingStack stack;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        stack.master().catalog().users().create("throttled", PASSWORD.toCharArray(), Role.VIEWER);
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndSecureWhenConfigured()
            throws Exception
    {
        String plain = loginCookie(stack.gatewayUri());
        assertThat(plain).startsWith(GatewayServer.SESSION_COOKIE + "=");
        assertThat(attributes(plain)).contains("httponly", "samesite=strict", "path=/").doesNotContain("secure")
                .noneMatch(attribute -> attribute.startsWith("max-age") || attribute.startsWith("expires"));

        try (GatewayServer secure = GatewayServer.start(GatewayConfig.fromProperties(Map.of("gateway.port", "0",
                "master.port", Integer.toString(stack.master().port()), "gateway.secure-cookies", "true")), stack.secret())) {
            // the first page's session cookie: an HTTP client (like a browser) does not send a Secure cookie back over plain HTTP
            String cookie = new TestingBrowser(secure.uri()).get("/login").headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith(GatewayServer.SESSION_COOKIE + "=");
            assertThat(attributes(cookie)).contains("httponly", "samesite=strict", "secure", "path=/");
        }
    }

    @Test
    void everyPostTheGatewayServesRefusesAMissingOrWrongTokenAndChangesNothing()
            throws Exception
    {
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        admin.login("admin", PASSWORD);
        Map<String, List<String>> forms = crawlPostForms(admin);
        assertThat(forms.keySet()).as("forms found by the crawl").contains("/logout", "/users/create", "/account/password", "/files/rehash",
                "/modules/save", "/users/viewer/delete", "/users/viewer/role");
        Set<String> paths = new TreeSet<>(forms.keySet());
        List<String> specs = servletPathSpecs();
        assertThat(specs).contains("/login", "/users/*", "/audit", "/api/*");
        for (String spec : specs) {
            if (spec.equals("/api/*") || spec.equals("/static/*")) {
                continue;
            }
            if (spec.isEmpty()) {
                paths.add("/");
            }
            else if (spec.equals("/")) {
                paths.add("/no-such-page");
            }
            else if (spec.endsWith("/*")) {
                String base = spec.substring(0, spec.length() - 2);
                paths.add(base);
                paths.add(base + "/probe");
                paths.add(base + "/1003/delete");
            }
            else {
                paths.add(spec);
            }
        }

        State before = state();
        List<String> checked = new ArrayList<>();
        for (String path : paths) {
            List<String> fields = forms.getOrDefault(path, List.of("name", "probe"));
            assertRefusedForm(admin.post(path, fields), "POST " + path + " without a token");
            List<String> wrong = new ArrayList<>(fields);
            wrong.addAll(List.of("csrf", WRONG_TOKEN));
            assertRefusedForm(admin.post(path, wrong), "POST " + path + " with a wrong token");
            assertRefusedForm(admin.postFile(path + "?csrf=" + WRONG_TOKEN, fields, "file", "x.bin", new byte[] {1, 2, 3}),
                    "multipart POST " + path + " with a wrong token");
            checked.add(path);
        }
        // the API never reads the cookie: a forged request carrying it is unauthenticated
        for (ApiRoute route : ApiServlet.ROUTES) {
            if (route.method().equals("GET") || route.path().equals("/api/v1/tokens") && route.method().equals("POST")) {
                continue;
            }
            String path = route.path().replace("{id}", "1003").replace("{name}", "admin").replace("{ip}", "127.0.0.1").replace("{kind}", "app");
            HttpResponse<String> reply = admin.send(route.method(), path, "application/json", "{}");
            assertThat(reply.statusCode()).as(route.method() + " " + path + ": " + reply.body()).isEqualTo(401);
            assertThat(reply.body()).contains("\"code\":\"UNAUTHENTICATED\"");
            checked.add(route.method() + " " + path);
        }
        assertThat(state()).as("nothing changed and the master was never called").isEqualTo(before);
        assertThat(checked).hasSizeGreaterThan(30);
    }

    @Test
    void everyPostFormOnThePagesCarriesTheToken()
            throws Exception
    {
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        String csrf = admin.login("admin", PASSWORD);
        for (Map.Entry<String, String> form : crawlFormBodies(admin).entrySet()) {
            assertThat(form.getValue()).as("form " + form.getKey()).containsAnyOf("name=\"csrf\" value=\"" + csrf + "\"", "csrf=" + csrf);
        }
    }

    @Test
    void repeatedWrongPasswordsThrottleTheLoginThroughTheGateway()
            throws Exception
    {
        TestingBrowser browser = new TestingBrowser(stack.gatewayUri());
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> form = browser.get("/login");
            HttpResponse<String> wrong = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "throttled", "password", "wrong " + i));
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
        HttpResponse<String> form = browser.get("/login");
        HttpResponse<String> right = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "throttled", "password", PASSWORD));
        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(right.body()).contains("too many failed logins for throttled");
        HttpResponse<String> api = browser.send("POST", "/api/v1/tokens", "application/json",
                "{\"username\": \"throttled\", \"password\": \"" + PASSWORD + "\"}");
        assertThat(api.statusCode()).isEqualTo(429);
        assertThat(api.body()).contains("\"code\":\"THROTTLED\"");
        assertThat(stack.master().catalog().audit().latest(5)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("login");
            assertThat(entry.outcome()).isEqualTo("THROTTLED");
        });
        // other users from the same address are not affected
        new TestingBrowser(stack.gatewayUri()).login("viewer", PASSWORD);
    }

    /**
     * A refusal decided before the body arrived (no token, unknown address, expired form) reads the body before it
     * answers, so the connection stays usable for the client's next request; a body too large to read is refused with
     * {@code Connection: close}. Before, Jetty closed such a connection after the answer without saying so, and a
     * keep-alive client's next request died with "header parser received no bytes".
     */
    @Test
    void aRefusalAnsweredBeforeTheBodyArrivedLeavesTheConnectionUsable()
            throws Exception
    {
        List<String[]> refusals = List.of(
                new String[] {"/api/v1/jobs/1/cancel", "application/json", "{}", "401"},
                new String[] {"/api/v1/no-such-address", "application/json", "{\"a\": 1}", "404"},
                new String[] {"/logout", "application/x-www-form-urlencoded", "csrf=" + WRONG_TOKEN, "403"});
        URI gateway = stack.gatewayUri();
        try (java.net.Socket socket = new java.net.Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            RawHttp http = new RawHttp(socket);
            for (String[] refusal : refusals) {
                byte[] body = refusal[2].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                http.send("POST " + refusal[0] + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + refusal[1]
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n");
                // the body comes late, as from a client that sends headers and body in two writes
                Thread.sleep(300);
                http.send(refusal[2]);
                RawHttp.Reply reply = http.read();
                assertThat(reply.status()).as(refusal[0] + ": " + reply.body()).isEqualTo(Integer.parseInt(refusal[3]));
                assertThat(reply.headers()).as(refusal[0]).doesNotContainEntry("connection", "close");
                http.send("GET /login HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(http.read().status()).as("the request after " + refusal[0] + " on the same connection").isEqualTo(200);
            }
        }
        try (java.net.Socket socket = new java.net.Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            RawHttp http = new RawHttp(socket);
            http.send("POST /api/v1/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + (8L << 20) + "\r\n\r\n{");
            RawHttp.Reply reply = http.read();
            assertThat(reply.status()).as(reply.body()).isEqualTo(413);
            assertThat(reply.headers()).containsEntry("connection", "close");
            assertThat(socket.getInputStream().read()).as("the gateway closes the connection it said it would").isEqualTo(-1);
        }
    }

    /** Just enough HTTP/1.1 over a socket to see what a client library would hide: the connection's fate. */
    private record RawHttp(java.net.Socket socket)
    {
        record Reply(int status, Map<String, String> headers, String body) {}

        void send(String text)
                throws java.io.IOException
        {
            socket.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }

        Reply read()
                throws java.io.IOException
        {
            java.io.InputStream in = socket.getInputStream();
            String statusLine = line(in);
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), header.substring(colon + 1).strip());
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(line(in).split(";")[0].strip(), 16); size > 0; size = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                line(in);
            }
            else {
                body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
            }
            return new Reply(Integer.parseInt(statusLine.split(" ")[1]), headers, body.toString(java.nio.charset.StandardCharsets.UTF_8));
        }

        private static String line(java.io.InputStream in)
                throws java.io.IOException
        {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("the gateway closed the connection" + (line.isEmpty() ? "" : " after '" + line + "'"));
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    private static void assertRefusedForm(HttpResponse<String> reply, String what)
    {
        assertThat(reply.statusCode()).as(what + ": " + reply.body()).isEqualTo(403);
        assertThat(reply.body()).as(what).contains("This form has expired");
    }

    /** The path specs of every servlet WebApp installs, read from a context it fills (never started). */
    private List<String> servletPathSpecs()
    {
        GatewayConfig config = GatewayConfig.fromProperties(Map.of("master.port", Integer.toString(stack.master().port())));
        try (MasterClient master = new MasterClient(config, stack.secret())) {
            EventStreams streams = new EventStreams(master, 1, GatewayConfig.EVENTS_LONG_POLL);
            ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
            WebApp.install(context, new WebContext(config, master, new Pages(), streams));
            List<String> specs = new ArrayList<>();
            for (ServletMapping mapping : context.getServletHandler().getServletMappings()) {
                specs.addAll(List.of(mapping.getPathSpecs()));
            }
            streams.close();
            return specs;
        }
    }

    /** Every POST form reachable by links from the run page (two links deep), by action: its fields as name, value pairs, the token left out. */
    private static Map<String, List<String>> crawlPostForms(TestingBrowser browser)
            throws Exception
    {
        Map<String, List<String>> forms = new LinkedHashMap<>();
        for (Map.Entry<String, String> form : crawlFormBodies(browser).entrySet()) {
            String action = form.getKey().replaceAll("\\?.*", "");
            List<String> fields = new ArrayList<>();
            Matcher field = FIELD.matcher(form.getValue());
            while (field.find()) {
                Map<String, String> attributes = attributes(field.group(2), ATTRIBUTE);
                String name = attributes.get("name");
                if (name != null && !name.equals("csrf") && !"file".equals(attributes.get("type"))) {
                    fields.add(name);
                    fields.add(attributes.getOrDefault("value", "1003"));
                }
            }
            forms.putIfAbsent(action, fields);
        }
        return forms;
    }

    /** Action → the form's HTML, for every {@code method="post"} form on the crawled pages. */
    private static Map<String, String> crawlFormBodies(TestingBrowser browser)
            throws Exception
    {
        Map<String, String> forms = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        Deque<String[]> queue = new ArrayDeque<>();
        queue.add(new String[] {"/", "0"});
        while (!queue.isEmpty() && seen.size() < 80) {
            String[] next = queue.poll();
            String path = next[0].replace("&amp;", "&");
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> page = browser.get(path);
            if (page.statusCode() != 200 || !page.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                continue;
            }
            Matcher form = FORM.matcher(page.body());
            while (form.find()) {
                Map<String, String> attributes = attributes(form.group(1), ATTRIBUTE);
                if ("post".equalsIgnoreCase(attributes.get("method"))) {
                    forms.putIfAbsent(attributes.get("action").replace("&amp;", "&"), form.group(0));
                }
            }
            int depth = Integer.parseInt(next[1]);
            Matcher link = LINK.matcher(page.body());
            while (depth < 2 && link.find()) {
                String target = link.group(1);
                // GET links never change state; downloads and streams are not pages
                if (!target.startsWith("/static/") && !target.startsWith("/api/") && !target.contains("results.txt") && !target.contains("/events")) {
                    queue.add(new String[] {target, Integer.toString(depth + 1)});
                }
            }
        }
        return forms;
    }

    private static Map<String, String> attributes(String text, Pattern pattern)
    {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            attributes.putIfAbsent(matcher.group(1).toLowerCase(java.util.Locale.ROOT), matcher.group(2));
        }
        return attributes;
    }

    private static List<String> attributes(String setCookie)
    {
        List<String> parts = new ArrayList<>();
        for (String part : setCookie.split(";")) {
            parts.add(part.strip().toLowerCase(java.util.Locale.ROOT));
        }
        return parts.subList(1, parts.size());
    }

    private static String loginCookie(URI gateway)
            throws Exception
    {
        TestingBrowser browser = new TestingBrowser(gateway);
        HttpResponse<String> form = browser.get("/login");
        HttpResponse<String> login = browser.post("/login", List.of("csrf", TestingBrowser.csrf(form), "username", "viewer", "password", PASSWORD));
        assertThat(login.statusCode()).isEqualTo(303);
        return login.headers().allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith(GatewayServer.SESSION_COOKIE + "="))
                .reduce((first, second) -> second).orElseThrow();
    }

    private State state()
    {
        List<AuditRecord> newest = stack.master().catalog().audit().query(AuditQuery.newest(1));
        return new State(newest.isEmpty() ? 0 : newest.getFirst().id(), stack.master().catalog().users().list().toString(),
                stack.master().catalog().modules().list().toString(), stack.master().files().orElseThrow().list().toString());
    }

    private record State(long lastAuditId, String users, String modules, String files) {}
}
