package org.omserver.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real headless Chromium driven through ChromeDriver's W3C WebDriver HTTP API (Debian's {@code chromium} and
 * {@code chromium-driver}). Speaking the protocol directly keeps tests free of driver downloads: nothing leaves the
 * machine. Fails, never skips, when the packages are missing.
 */
final class TestingChromium
        implements AutoCloseable
{
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process driver;
    private final Path profile;
    private final URI base;
    private final String session;

    private TestingChromium(Process driver, Path profile, URI base, String session)
    {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
        this.session = session;
    }

    static TestingChromium start()
            throws IOException, InterruptedException
    {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException(CHROMIUM + " or " + CHROMEDRIVER + " is missing: run scripts/test-prereqs.sh "
                    + "(or apt-get install chromium chromium-driver)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path profile = Files.createTempDirectory("omserver-chromium");
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromedriver.log").toFile())
                .start();
        URI base = URI.create("http://127.0.0.1:" + port);
        TestingChromium unstarted = new TestingChromium(driver, profile, base, null);
        try {
            unstarted.awaitReady();
            Map<String, Object> capabilities = Map.of("capabilities", Map.of("alwaysMatch", Map.of("goog:chromeOptions", Map.of(
                    "binary", CHROMIUM.toString(),
                    "args", List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                            "--no-first-run", "--window-size=1280,1000", "--user-data-dir=" + profile.resolve("profile"))))));
            String session = unstarted.call("POST", "/session", capabilities).get("sessionId").asText();
            return new TestingChromium(driver, profile, base, session);
        }
        catch (IOException | RuntimeException | InterruptedException e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    void navigate(URI url)
            throws IOException, InterruptedException
    {
        call("POST", "/session/" + session + "/url", Map.of("url", url.toString()));
    }

    /** Runs {@code script} in the page (a function body; {@code arguments} holds {@code args}) and returns its result. */
    JsonNode script(String script, Object... args)
            throws IOException, InterruptedException
    {
        return call("POST", "/session/" + session + "/execute/sync", Map.of("script", script, "args", List.of(args)));
    }

    /** Polls {@code script} until its result satisfies {@code condition}; fails after {@code timeout}. */
    JsonNode await(String what, Duration timeout, String script, Predicate<JsonNode> condition)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = script(script);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page did not show " + what + " within " + timeout + "; last seen: " + last);
    }

    /** A Chrome DevTools Protocol command through ChromeDriver (e.g. {@code Performance.getMetrics}); returns its result. */
    JsonNode cdp(String command, Map<String, Object> params)
            throws IOException, InterruptedException
    {
        return call("POST", "/session/" + session + "/goog/cdp/execute", Map.of("cmd", command, "params", params));
    }

    void screenshot(Path file)
            throws IOException, InterruptedException
    {
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(call("GET", "/session/" + session + "/screenshot", null).asText()));
    }

    @Override
    public void close()
            throws InterruptedException
    {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        }
        catch (IOException | RuntimeException e) {
            // the driver is killed below anyway
        }
        finally {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
            driver.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void awaitReady()
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive()) {
                throw new IllegalStateException("chromedriver exited: " + Files.readString(profile.resolve("chromedriver.log")));
            }
            try {
                if (call("GET", "/status", null).path("ready").asBoolean()) {
                    return;
                }
            }
            catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("chromedriver did not become ready in 20 s: " + Files.readString(profile.resolve("chromedriver.log")));
    }

    private JsonNode call(String method, String path, Object body)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode value = json.readTree(response.body()).path("value");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + path + " failed (" + response.statusCode() + "): "
                    + value.path("error").asText() + ": " + value.path("message").asText());
        }
        return value;
    }
}
