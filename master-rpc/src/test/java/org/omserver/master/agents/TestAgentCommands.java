package org.omserver.master.agents;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.master.rpc.Commands;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.OmsError;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The IOMS command set (modules 2001-2009) through a real master (MariaDB) on real agent processes on 127.0.22.x:
 * 127.0.22.1 enables every built-in, 127.0.22.2 only the default probes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestAgentCommands
{
    private static final String FULL = "127.0.22.1";
    private static final String PROBES = "127.0.22.2";

    private TestingMaster master;
    private TestingMasterClient client;
    private String session;
    private Path dir;
    private Path roots;
    private final List<TestingAgent> started = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        this.dir = dir;
        roots = Files.createDirectories(dir.resolve("roots"));
        master = new TestingMaster(Map.of());
        agent(FULL, token());
        agent(PROBES, token());
        client = master.client();
        session = client.login("admin", "pw-admin").getSession();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        client.close();
        for (TestingAgent agent : started) {
            agent.close();
        }
        master.close();
    }

    @Test
    void agentlistAndVersionAnswerOnEveryAgent()
            throws Exception
    {
        Map<String, Outcome> alive = run(2001, List.of(FULL, PROBES), Map.of());
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        assertThat(alive.get(FULL).stdout()).isEqualTo("alive " + hostname + " 0.1.0\n");
        assertThat(alive.get(PROBES).status()).isEqualTo(HostStatus.SUCCESS);
        assertThat(run(2002, List.of(FULL, PROBES), Map.of()).get(PROBES).stdout()).isEqualTo("0.1.0\n");
    }

    @Test
    void aFreeCommandRunsOnlyWhenBothAllowListsHoldIt()
            throws Exception
    {
        Outcome uptime = run(2003, List.of(FULL), Map.of("command", "uptime")).get(FULL);
        assertThat(uptime.status()).as(uptime.toString()).isEqualTo(HostStatus.SUCCESS);
        assertThat(uptime.stdout()).contains("load average");

        // not on the master's list, or shell characters: refused by the master, audited, nothing sent
        assertThatThrownBy(() -> client.submit(session, 2003, List.of(FULL), Map.of("command", "cat /etc/shadow")))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getMessage())
                        .startsWith("Command not executive: program 'cat' is not on the master's allow-list"));
        assertThatThrownBy(() -> client.submit(session, 2003, List.of(FULL), Map.of("command", "uptime; rm -rf /")))
                .hasMessageContaining("Command not executive: the command contains the shell character ';'");
        assertThat(master.catalog().audit().latest(50)).filteredOn(entry -> entry.action().equals("submit") && entry.outcome().equals("FORBIDDEN"))
                .extracting(AuditEntry::params).contains("command=cat /etc/shadow", "command=uptime; rm -rf /");

        // on the master's list (seeded df) but not on the agent's: the agent refuses
        Outcome df = run(2003, List.of(FULL), Map.of("command", "df -h")).get(FULL);
        assertThat(df.status()).isEqualTo(HostStatus.FAILED);
        assertThat(df.reason()).isEqualTo("REFUSED");
        assertThat(df.message()).contains("Command not executive: program 'df' is not on this agent's allow-list");

        // an admin's change to the master's list applies at once
        int echo = master.catalog().commandAllowList().add("echo", "[a-z]+ ...", "test", "admin", Instant.now());
        Outcome hello = run(2003, List.of(FULL), Map.of("command", "echo hello there")).get(FULL);
        assertThat(hello.stdout()).isEqualTo("hello there\n");
        master.catalog().commandAllowList().remove(echo);
        assertThatThrownBy(() -> client.submit(session, 2003, List.of(FULL), Map.of("command", "echo hello"))).hasMessageContaining("Command not executive");
    }

    @Test
    void aBuiltinDisabledOnTheAgentIsRefusedEvenWhenTheMasterSendsIt()
            throws Exception
    {
        Outcome refused = run(2004, List.of(PROBES), Map.of()).get(PROBES);
        assertThat(refused.status()).isEqualTo(HostStatus.FAILED);
        assertThat(refused.reason()).isEqualTo("REFUSED");
        assertThat(refused.message()).contains("the built-in command 'cronlist' is not enabled on this agent (allow.builtins in its configuration)");
        assertThat(started.get(1).log()).contains("refused run of job");
    }

    @Test
    void cronEntriesAreListedPerHostAndKeptAcrossAnAgentRestart()
            throws Exception
    {
        TestingAgent cronAgent = agent("127.0.22.3", token());
        Path marker = dir.resolve("cron-marker");
        master.catalog().commandAllowList().add("/usr/bin/touch", "/[A-Za-z0-9/._-]+", "test", "admin", Instant.now());

        assertThatThrownBy(() -> client.submit(session, 2005, List.of("127.0.22.3"), Map.of("schedule", "61 * * * *", "command", "/usr/bin/touch " + marker)))
                .hasMessageContaining("invalid cron expression '61 * * * *'");
        Outcome added = run(2005, List.of("127.0.22.3"), Map.of("schedule", "0 4 * * 1-5", "command", "/usr/bin/touch " + marker, "process", "touch")).get("127.0.22.3");
        assertThat(added.status()).as(added.toString()).isEqualTo(HostStatus.SUCCESS);
        String id = added.stdout().replaceAll("(?s)^added cron entry ([0-9a-f]{8}) .*", "$1");
        assertThat(id).matches("[0-9a-f]{8}");

        int port = master.catalog().agents().findActiveAt("127.0.22.3").orElseThrow().port();
        cronAgent.close();
        TestingAgent again = TestingAgent.start("127.0.22.3", master.server().agentPort().orElseThrow(), dir.resolve("127.0.22.3"), "used-up",
                Map.of("agent.port", Integer.toString(port), "allow.builtins", "all", "allow.touch.program", "/usr/bin/touch", "allow.touch.args", "/[A-Za-z0-9/._-]+"));
        started.add(again);
        assertThat(again.log()).contains("cron: 1 entries loaded");
        Outcome listed = run(2004, List.of("127.0.22.3"), Map.of()).get("127.0.22.3");
        assertThat(listed.stdout()).startsWith(id + "  0 4 * * 1-5  /usr/bin/touch " + marker + "  keep-alive touch  next ");

        Outcome removed = run(2006, List.of("127.0.22.3"), Map.of("entry", "0;4;*;*;1-5;/usr/bin/touch " + marker + ";touch")).get("127.0.22.3");
        assertThat(removed.stdout()).startsWith("removed cron entry " + id);
        assertThat(run(2004, List.of("127.0.22.3"), Map.of()).get("127.0.22.3").stdout()).isEqualTo("no cron entries\n");
    }

    @Test
    void passwordChangesARealAccountAndTheSecretIsNowhere()
            throws Exception
    {
        assertThat(Commands.run("id", "-u").stdout().strip()).as("this test needs root, as CI runs it").isEqualTo("0");
        String user = "omst" + HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
        String secret = "S3cret-" + HexFormat.of().formatHex(java.security.SecureRandom.getSeed(6));
        assertThat(Commands.run("useradd", "--no-create-home", user).exitCode()).isZero();
        try {
            String before = shadowHash(user);
            Map<String, Outcome> result = run(2007, List.of(FULL), Map.of("account", user, "password", secret));
            assertThat(result.get(FULL).status()).as(result.toString()).isEqualTo(HostStatus.SUCCESS);
            assertThat(result.get(FULL).stdout()).contains("the password of " + user + " was changed");
            String after = shadowHash(user);
            assertThat(after).isNotEqualTo(before).startsWith("$");

            Outcome root = run(2007, List.of(FULL), Map.of("account", "root", "password", secret)).get(FULL);
            assertThat(root.reason()).isEqualTo("REFUSED");
            assertThat(root.message()).contains("'root' is root or a system account").doesNotContain(secret);

            // nowhere: not in the events, the job rows, the audit, nor the agent's log
            assertThat(result.toString()).doesNotContain(secret);
            for (long job : List.of(result.get(FULL).jobId(), root.jobId())) {
                assertThat(master.catalog().jobs().find(job).orElseThrow().params()).containsEntry("password", "******");
                for (HostResultRecord host : master.catalog().jobs().hostResults(job)) {
                    assertThat(host.stdout() + host.stderr() + host.message()).doesNotContain(secret);
                }
            }
            assertThat(master.catalog().audit().latest(100).stream().map(AuditEntry::toString).collect(Collectors.joining("\n"))).doesNotContain(secret);
            assertThat(started.getFirst().log()).doesNotContain(secret);
            // and never retried from the masked history
            assertThatThrownBy(() -> client.call("retryJob", new org.omserver.protocol.thrift.RetryRequest(session, result.get(FULL).jobId()),
                    new org.omserver.protocol.thrift.RetryReply())).hasMessageContaining("has a secret parameter, which is never stored");
        }
        finally {
            Commands.run("userdel", user);
        }
    }

    @Test
    void unzipExtractsUnderItsRootsAndRefusesAHostileArchive()
            throws Exception
    {
        Path good = zip(roots.resolve("good.zip"), Map.of("www/index.html", "<h1>hi</h1>\n"));
        Outcome done = run(2008, List.of(FULL), Map.of("unzipfile", good.toString(), "path", roots.resolve("site").toString())).get(FULL);
        assertThat(done.status()).as(done.toString()).isEqualTo(HostStatus.SUCCESS);
        assertThat(done.stdout()).contains("checked " + good + ": 1 entries").contains("extracted 1 entries");
        assertThat(Files.readString(roots.resolve("site/www/index.html"))).isEqualTo("<h1>hi</h1>\n");

        Path slip = zip(roots.resolve("slip.zip"), Map.of("../../escaped.txt", "pwned"));
        Outcome refused = run(2008, List.of(FULL), Map.of("unzipfile", slip.toString(), "path", roots.resolve("site").toString())).get(FULL);
        assertThat(refused.status()).isEqualTo(HostStatus.FAILED);
        assertThat(refused.stderr()).contains("unzip refused: the entry '../../escaped.txt' climbs out with '..' (zip-slip)");
        assertThat(Files.exists(dir.resolve("escaped.txt"))).isFalse();

        Outcome outside = run(2008, List.of(FULL), Map.of("unzipfile", good.toString(), "path", "/etc/omserver-test")).get(FULL);
        assertThat(outside.reason()).isEqualTo("REFUSED");
        assertThat(outside.message()).contains("outside the directories this agent unzips in");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    record Outcome(long jobId, HostStatus status, String reason, String message, String stdout, String stderr) {}

    private Map<String, Outcome> run(int module, List<String> hosts, Map<String, String> params)
            throws Exception
    {
        long job = client.submit(session, module, hosts, params).getJobId();
        List<HostEvent> events = client.allEvents(session, job, 500);
        Map<String, Outcome> out = new java.util.LinkedHashMap<>();
        for (String host : hosts) {
            HostEvent end = events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == EventKind.FINISHED).findFirst().orElseThrow();
            out.put(host, new Outcome(job, end.getStatus(), String.valueOf(end.getFailureReason()), String.valueOf(end.getFailureMessage()),
                    text(events, host, EventKind.STDOUT), text(events, host, EventKind.STDERR)));
        }
        return out;
    }

    private static String text(List<HostEvent> events, String host, EventKind kind)
    {
        return events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == kind).map(HostEvent::getText).collect(Collectors.joining());
    }

    private static String shadowHash(String user)
            throws Exception
    {
        return Files.readAllLines(Path.of("/etc/shadow")).stream().filter(line -> line.startsWith(user + ":")).findFirst().orElseThrow().split(":")[1];
    }

    private EnrollmentToken token()
    {
        return EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofHours(1), "test");
    }

    private TestingAgent agent(String address, EnrollmentToken token)
            throws Exception
    {
        Map<String, String> config = address.equals(PROBES) ? Map.of() : Map.of("allow.builtins", "all", "allow.uptime.program", "uptime",
                "allow.touch.program", "/usr/bin/touch", "allow.touch.args", "/[A-Za-z0-9/._-]+", "allow.unzip-roots", roots.toString());
        TestingAgent agent = TestingAgent.start(address, master.server().agentPort().orElseThrow(), dir.resolve(address), token.reveal(), config);
        started.add(agent);
        assertThat(agent.isAlive()).as(agent.log()).isTrue();
        return agent;
    }

    private static Path zip(Path file, Map<String, String> entries)
            throws Exception
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(UTF_8));
                zip.closeEntry();
            }
        }
        Files.write(file, bytes.toByteArray());
        return file;
    }
}
