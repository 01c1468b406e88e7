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
            String path = route.path().replace("{id}", "1003").replace("{name}", "admin").replace("{ip}", "127.0.0.1");
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
