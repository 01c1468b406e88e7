package org.omserver.launcher;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.SampleInventory;
import org.omserver.catalog.TestingMySql;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.user.Role;
import org.omserver.executor.ssh.TestingSshd;
import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.TestingBrowser;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.SharedSecret;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole layered path with real parts: a browser session over HTTP against the gateway, Thrift with v2
 * envelopes to the master, MariaDB for the catalog and history, and a real OpenSSH sshd on two loopback addresses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestEndToEnd
{
    private static final List<String> HOSTS = List.of("127.0.7.2", "127.0.7.3");
    private static final String PASSWORD = "correct horse battery";
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    private TestingMySql mysql;
    private TestingSshd sshd;
    private MasterServer master;
    private GatewayServer gateway;

    @BeforeAll
    void start()
            throws Exception
    {
        mysql = new TestingMySql();
        sshd = TestingSshd.start(HOSTS.toArray(String[]::new));
        SharedSecret secret = SharedSecret.generate();
        Map<String, String> masterProperties = new HashMap<>(Map.of(
                "master.port", "0",
                "agents.port", "0",
                "db.url", mysql.config().jdbcUrl(),
                "db.user", mysql.config().user(),
                "db.password", mysql.config().password()));
        sshd.executorConfig().properties().forEach((key, value) -> masterProperties.put("executor.ssh." + key, value));
        master = MasterServer.start(MasterConfig.fromProperties(masterProperties), secret, Clock.systemUTC());

        SampleInventory.seed(master.catalog().inventory());
        int appCategory = master.catalog().inventory().appCategories().getFirst().id();
        for (String host : HOSTS) {
            master.catalog().inventory().putServer(new Server(host, "web-" + host, Optional.empty(), Optional.of("Linux"), appCategory,
                    Optional.of("ssh"), sshd.port(), Optional.of(sshd.user())));
        }
        master.catalog().users().create("admin", PASSWORD.toCharArray(), Role.ADMIN);

        gateway = GatewayServer.start(GatewayConfig.fromProperties(Map.of(
                "gateway.port", "0",
                "master.port", Integer.toString(master.port()))), secret);
    }

    @AfterAll
    void stop()
    {
        Running.closeAll(Stream.of(mysql, sshd, master, gateway).filter(part -> part != null).map(AutoCloseable.class::cast).toList());
    }

    @Test
    void module1003ShowsEachHostsOsVersion()
            throws Exception
    {
        Local expected = Local.run("head", "-n", "1", "/etc/issue");
        Map<String, HostOutcome> outcomes = runThroughTheBrowser(1003, Map.of());

        assertThat(outcomes).containsOnlyKeys(HOSTS);
        for (HostOutcome outcome : outcomes.values()) {
            assertThat(outcome.stdout()).isEqualTo(expected.stdout());
            assertThat(outcome.status()).isEqualTo("SUCCESS");
            assertThat(outcome.exitCode()).isEqualTo(0);
        }
    }

    @Test
    void module1001TailsTheSystemLogWithTheGivenLineCount()
            throws Exception
    {
        // /var/log/messages may or may not exist on the machine running the tests: compare with the same command run here
        Local expected = Local.run("tail", "-n", "7", "/var/log/messages");
        Map<String, HostOutcome> outcomes = runThroughTheBrowser(1001, Map.of("sys_param_1", "7"));

        assertThat(outcomes).containsOnlyKeys(HOSTS);
        for (HostOutcome outcome : outcomes.values()) {
            assertThat(outcome.stdout()).isEqualTo(expected.stdout());
            assertThat(outcome.stderr()).isEqualTo(expected.stderr());
            assertThat(outcome.exitCode()).isEqualTo(expected.exitCode());
            assertThat(outcome.status()).isEqualTo(expected.exitCode() == 0 ? "SUCCESS" : "FAILED");
        }
    }

    @Test
    void theMasterRefusesAnOutOfRangeLineCountEvenWhenTheFormIsBypassed()
            throws Exception
    {
        TestingBrowser browser = new TestingBrowser(gateway.uri());
        String csrf = browser.login("admin", PASSWORD);
        // straight to /run, skipping the gateway's confirm checks: the master is the trust boundary
        HttpResponse<String> refused = browser.post("/run", List.of("csrf", csrf, "moduleId", "1001", "target", HOSTS.get(0),
                "param.sys_param_1", "5; rm -rf /"));
        assertThat(refused.statusCode()).isNotEqualTo(303);
        assertThat(refused.body()).contains("sys_param_1 must be a whole number from 1 to 999");
    }

    /** Logs in, posts the run form, confirms, follows the live stream to the end; per-host outcomes by LAN IP. */
    private Map<String, HostOutcome> runThroughTheBrowser(int moduleId, Map<String, String> params)
            throws IOException, InterruptedException
    {
        TestingBrowser browser = new TestingBrowser(gateway.uri());
        String csrf = browser.login("admin", PASSWORD);
        assertThat(browser.get("/").body()).contains(HOSTS.get(0), HOSTS.get(1));

        List<String> form = new ArrayList<>(List.of("csrf", csrf, "moduleId", Integer.toString(moduleId)));
        HOSTS.forEach(host -> form.addAll(List.of("target", host)));
        params.forEach((name, value) -> form.addAll(List.of("m" + moduleId + "." + name, value)));
        HttpResponse<String> confirm = browser.post("/confirm", form);
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains(HOSTS.get(0), HOSTS.get(1));

        List<String> confirmed = new ArrayList<>();
        Matcher hidden = HIDDEN.matcher(confirm.body());
        while (hidden.find()) {
            confirmed.addAll(List.of(hidden.group(1), hidden.group(2).replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")));
        }
        HttpResponse<String> run = browser.post("/run", confirmed);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(303);
        String jobPath = run.headers().firstValue("Location").orElseThrow();
        assertThat(jobPath).matches(".*/jobs/\\d+");
        long jobId = Long.parseLong(jobPath.substring(jobPath.lastIndexOf('/') + 1));
        assertThat(browser.get(jobPath).statusCode()).isEqualTo(200);

        Map<String, HostOutcome> outcomes = readStream(browser, jobPath + "/events");
        assertRecordedInTheDatabase(jobId, outcomes);
        return outcomes;
    }

    private static Map<String, HostOutcome> readStream(TestingBrowser browser, String path)
            throws IOException, InterruptedException
    {
        ObjectMapper json = new ObjectMapper();
        Map<String, StringBuilder> stdout = new LinkedHashMap<>();
        Map<String, StringBuilder> stderr = new LinkedHashMap<>();
        Map<String, HostOutcome> outcomes = new LinkedHashMap<>();
        HttpResponse<Stream<String>> stream = browser.stream(path);
        assertThat(stream.statusCode()).isEqualTo(200);
        String event = null;
        long lastSeq = 0;
        boolean done = false;
        for (String line : (Iterable<String>) stream.body()::iterator) {
            if (line.startsWith("event: ")) {
                event = line.substring("event: ".length());
                if (event.equals("done")) {
                    done = true;
                    break;
                }
            }
            else if (line.startsWith("data: ") && "host".equals(event)) {
                JsonNode node = json.readTree(line.substring("data: ".length()));
                assertThat(node.get("seq").asLong()).isEqualTo(lastSeq + 1); // in order, nothing lost or repeated
                lastSeq = node.get("seq").asLong();
                String host = node.get("lanIp").asText();
                switch (node.get("kind").asText()) {
                    case "STDOUT" -> stdout.computeIfAbsent(host, h -> new StringBuilder()).append(node.get("text").asText());
                    case "STDERR" -> stderr.computeIfAbsent(host, h -> new StringBuilder()).append(node.get("text").asText());
                    case "FINISHED" -> outcomes.put(host, new HostOutcome(
                            stdout.getOrDefault(host, new StringBuilder()).toString(),
                            stderr.getOrDefault(host, new StringBuilder()).toString(),
                            node.get("status").asText(),
                            node.has("exitCode") ? node.get("exitCode").asInt() : -1));
                    default -> { }
                }
            }
        }
        stream.body().close();
        assertThat(done).as("the stream ended with a done event").isTrue();
        return outcomes;
    }

    private void assertRecordedInTheDatabase(long jobId, Map<String, HostOutcome> outcomes)
    {
        List<HostResultRecord> stored = master.catalog().jobs().hostResults(jobId);
        assertThat(stored).extracting(HostResultRecord::lanIp).containsExactlyInAnyOrderElementsOf(outcomes.keySet());
        for (HostResultRecord record : stored) {
            HostOutcome outcome = outcomes.get(record.lanIp());
            assertThat(record.stdout()).isEqualTo(outcome.stdout());
            assertThat(record.success()).isEqualTo(outcome.status().equals("SUCCESS"));
        }
        assertThat(master.catalog().jobs().find(jobId)).hasValueSatisfying(job -> assertThat(job.username()).isEqualTo("admin"));
    }

    private record HostOutcome(String stdout, String stderr, String status, int exitCode) {}

    private record Local(String stdout, String stderr, int exitCode)
    {
        static Local run(String... command)
                throws IOException, InterruptedException
        {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), UTF_8);
            return new Local(out, err, process.waitFor());
        }
    }
}
