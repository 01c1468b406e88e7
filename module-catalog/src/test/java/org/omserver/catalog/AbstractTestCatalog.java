package org.omserver.catalog;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.agent.AgentMetric;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.agent.EnrollmentTokenRecord;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.HostCounts;
import org.omserver.catalog.job.HostSummaryRecord;
import org.omserver.catalog.job.JobQuery;
import org.omserver.catalog.job.JobHostResult;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.job.JobSummaryRecord;
import org.omserver.catalog.schedule.ScheduleRecord;
import org.omserver.catalog.job.JobStatus;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ParamSpec;
import org.omserver.catalog.module.ParamType;
import org.omserver.catalog.user.Passwords;
import org.omserver.catalog.user.Role;
import org.omserver.catalog.user.User;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema and every repository, run against a real database by each subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTestCatalog
{
    private Catalog catalog;

    /** A new, empty database. */
    protected abstract DatabaseConfig config();

    @BeforeAll
    void open()
    {
        catalog = Catalog.open(config());
    }

    @AfterAll
    void closeCatalog()
    {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void migratingAgainChangesNothing()
    {
        MigrationResult again = Catalog.migrate(config());
        assertThat(again.applied()).isEmpty();
        assertThat(Integer.parseInt(again.schemaVersion())).isGreaterThanOrEqualTo(10);
        assertThat(catalog.modules().list()).extracting(ModuleDefinition::id).startsWith(1001, 1002, 1003, 1004, 1005, 1006, 1007);
    }

    @Test
    void enrollmentTokensAreUsedOnceAndOnlyBeforeTheyExpire()
    {
        Instant now = Instant.parse("2026-01-02T03:04:05.678Z");
        String digest = "ab".repeat(32);
        catalog.agents().addToken(new EnrollmentTokenRecord("0123456789abcdef", digest, now, "admin", now.plus(Duration.ofHours(1)), Optional.empty(), Optional.empty()));
        catalog.agents().addToken(new EnrollmentTokenRecord("fedcba9876543210", digest, now, "admin", now.plusSeconds(1), Optional.empty(), Optional.empty()));
        assertThat(catalog.agents().findToken("0123456789ABCDEF")).isEmpty();
        assertThat(catalog.agents().findToken("0123456789abcdef").orElseThrow().sha256Hex()).isEqualTo(digest);

        assertThat(catalog.agents().useToken("0123456789abcdef", now.plusSeconds(10), "agt-1")).isTrue();
        assertThat(catalog.agents().useToken("0123456789abcdef", now.plusSeconds(20), "agt-2")).isFalse();
        assertThat(catalog.agents().findToken("0123456789abcdef").orElseThrow().usedBy()).contains("agt-1");
        assertThat(catalog.agents().useToken("fedcba9876543210", now.plusSeconds(1), "agt-3")).isFalse();
        assertThatThrownBy(() -> new EnrollmentTokenRecord("x", "not hex", now, "a", now, Optional.empty(), Optional.empty()))
                .hasMessageContaining("token digest must be 64 lower-case hex digits");
    }

    @Test
    void agentsAreFoundByAddressHeartbeatAndAreRevokedOnce()
    {
        Instant now = Instant.parse("2026-01-02T03:04:05.678Z");
        byte[] key = new byte[32];
        key[0] = 7;
        AgentRecord agent = new AgentRecord("agt-catalog", key, "10.9.9.9", 11520, false, "host-a", List.of("10.9.9.9"), List.of(), List.of("aa:bb:cc:dd:ee:ff"),
                "Debian GNU/Linux 12", 8, 1L << 34, "0.1.0", now, Optional.empty(), Optional.empty());
        catalog.agents().addAgent(agent);
        AgentRecord found = catalog.agents().findActiveAt("10.9.9.9").orElseThrow();
        assertThat(found.key()).isEqualTo(key);
        assertThat(found.macs()).containsExactly("aa:bb:cc:dd:ee:ff");
        assertThat(found.toString()).doesNotContain("key=[");
        assertThat(found.online(now, Duration.ofMinutes(3))).isFalse();

        catalog.agents().updateFacts(new AgentRecord("agt-catalog", key, "10.9.9.9", 11521, false, "host-b", List.of(), List.of("203.0.113.9"), List.of(),
                "Debian", 4, 1024, "0.1.1", now, Optional.empty(), Optional.empty()), now);
        catalog.agents().heartbeat(new AgentMetric("agt-catalog", now.plusSeconds(60), 12.5, 0.25, 100, 200, 300, 400));
        catalog.agents().heartbeat(new AgentMetric("agt-catalog", now.plusSeconds(120), 50, 1.5, 150, 200, 300, 400));
        AgentRecord updated = catalog.agents().findAgent("agt-catalog").orElseThrow();
        assertThat(updated.port()).isEqualTo(11521);
        assertThat(updated.hostname()).isEqualTo("host-b");
        assertThat(updated.wanIps()).containsExactly("203.0.113.9");
        assertThat(updated.lastHeartbeat()).contains(now.plusSeconds(120));
        assertThat(updated.online(now.plusSeconds(120 + 179), Duration.ofMinutes(3))).isTrue();
        assertThat(updated.online(now.plusSeconds(120 + 180), Duration.ofMinutes(3))).isFalse();
        assertThat(catalog.agents().metrics("agt-catalog", now)).extracting(AgentMetric::cpuPercent).containsExactly(12.5, 50.0);
        assertThat(catalog.agents().deleteMetricsBefore(now.plusSeconds(90))).isEqualTo(1);
        assertThat(catalog.agents().metrics("agt-catalog", now)).extracting(AgentMetric::cpuPercent).containsExactly(50.0);

        // the last self-update an agent reported, with the version and time of its announcement
        assertThat(catalog.agents().updateStatus("agt-catalog").orElseThrow().lastUpdate()).isEmpty();
        org.omserver.catalog.agent.AgentUpdate update = new org.omserver.catalog.agent.AgentUpdate("ROLLED_BACK", "0.1.1", "0.2.0", "agent-0.2.0.zip",
                now.plusSeconds(10), "version 0.2.0 exited with code 1 before it announced itself; rolled back to 0.1.1");
        catalog.agents().recordUpdate("agt-catalog", update);
        org.omserver.catalog.agent.AgentUpdateStatus status = catalog.agents().updateStatus("agt-catalog").orElseThrow();
        assertThat(status.agentVersion()).isEqualTo("0.1.1");
        assertThat(status.announcedAt()).contains(now);
        assertThat(status.lastUpdate()).contains(update);
        assertThat(status.lastUpdate().orElseThrow().rolledBack()).isTrue();
        assertThat(catalog.agents().updateStatus("agt-CATALOG")).isEmpty();

        assertThat(catalog.agents().revoke("agt-catalog", now.plusSeconds(200))).isTrue();
        assertThat(catalog.agents().revoke("agt-catalog", now.plusSeconds(300))).isFalse();
        assertThat(catalog.agents().findActiveAt("10.9.9.9")).isEmpty();
        AgentRecord revoked = catalog.agents().findAgent("agt-catalog").orElseThrow();
        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.revokedAt()).contains(now.plusSeconds(200));
        assertThat(revoked.online(now.plusSeconds(121), Duration.ofMinutes(3))).isFalse();
    }

    @Test
    void builtInModulesHaveTypedParametersAndArgumentVectors()
            throws Exception
    {
        ModuleDefinition log = catalog.modules().find(1001).orElseThrow();
        assertThat(log.runnable()).isTrue();
        assertThat(log.params()).hasSize(1);
        ParamSpec lines = log.params().getFirst();
        assertThat(lines.type()).isEqualTo(ParamType.INT);
        assertThat(lines.min().getAsLong()).isEqualTo(1);
        assertThat(lines.max().getAsLong()).isEqualTo(999);
        assertThat(lines.defaultValue()).contains("50");
        assertThat(log.render(log.validate(Map.of()))).containsExactly("tail", "-n", "50", "/var/log/messages");
        assertThat(log.render(log.validate(Map.of("sys_param_1", "200")))).containsExactly("tail", "-n", "200", "/var/log/messages");

        ModuleDefinition secure = catalog.modules().find(1002).orElseThrow();
        assertThat(secure.render(secure.validate(Map.of()))).containsExactly("tail", "-n", "50", "/var/log/secure");
        ModuleDefinition issue = catalog.modules().find(1003).orElseThrow();
        assertThat(issue.render(issue.validate(Map.of()))).containsExactly("head", "-n", "1", "/etc/issue");
        assertThat(catalog.modules().find(1004).orElseThrow().argvTemplate()).containsExactly("lsmod");

        ModuleDefinition sync = catalog.modules().find(1005).orElseThrow();
        assertThat(sync.runnable()).isTrue();
        assertThat(sync.backend()).isEqualTo("agent");
        assertThat(sync.caption()).contains("file store");
        assertThat(sync.render(sync.validate(Map.of("sys_param_1", "sysctl")))).containsExactly("omserver:sync", "sysctl");
        assertThat(sync.params().getFirst().choices().keySet())
                .containsExactly("nginx", "nginx_config", "haproxy", "syslog", "sysctl", "resin", "resinhttpd", "resinjar");

        ModuleDefinition config = catalog.modules().find(1006).orElseThrow();
        assertThat(config.params().getFirst().choices()).hasSize(10);
        assertThat(config.render(config.validate(Map.of("sys_param_1", "nginx")))).containsExactly("cat", "/usr/local/nginx/conf/nginx.conf");
        assertThat(config.render(config.validate(Map.of("sys_param_1", "limits")))).containsExactly("cat", "/etc/security/limits.conf");
        assertThat(config.validate(Map.of("sys_param_1", "apache")).shown()).containsEntry("sys_param_1", "apache");
        assertThat(config.caption()).contains("ulimit -n").doesNotContain("<");

        ModuleDefinition restart = catalog.modules().find(1007).orElseThrow();
        assertThat(restart.needsRoot()).isTrue();
        assertThat(restart.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(restart.render(restart.validate(Map.of("sys_param_1", "apache")))).containsExactly("/etc/init.d/httpd", "restart");
        assertThat(restart.render(restart.validate(Map.of("sys_param_1", "mysql")))).containsExactly("/etc/init.d/mysqld", "restart");
        assertThat(restart.render(restart.validate(Map.of("sys_param_1", "snmp")))).containsExactly("/etc/init.d/snmpd", "restart");

        assertThat(catalog.modules().find(4242)).isEmpty();
    }

    @Test
    void rowsOfAnOriginalOmserverDatabaseLoadUnchanged()
            throws SQLException
    {
        execute("INSERT INTO server_fun_categ (ID, server_categ_name) VALUES (501, 'Legacy.Web')",
                "INSERT INTO server_app_categ (ID, server_categ_id, app_categ_name) VALUES (601, 501, 'legacy.domain.com')",
                "INSERT INTO server_list (server_name, server_wip, server_lip, server_op, server_app_id) "
                        + "VALUES ('legacy01', '203.0.113.7', '192.168.100.200', 'CentOS', 601)",
                "INSERT INTO module_list (ID, module_name, module_caption, module_extend) "
                        + "VALUES (1008, 'x', '<b>cap</b> &amp; more', '<input name=\"sys_param_1\">')",
                "INSERT INTO server_history (ID, history_id, history_ip, history_user, history_datetime, db_datetime, history_command) "
                        + "VALUES (1, '12', '192.168.100.200', 'root', '2013-04-01 10:00:00', '2013-04-01 10:00:05', 'ls -l /tmp')");

        ModuleDefinition legacy = catalog.modules().find(1008).orElseThrow();
        assertThat(legacy.runnable()).isFalse();
        assertThat(legacy.caption()).startsWith("cap & more").contains("legacy").doesNotContain("<b>");
        assertThat(legacy.legacyExtend()).contains("<input name=\"sys_param_1\">");
        assertThat(legacy.backend()).isEqualTo("any");
        assertThat(legacy.params()).extracting(ParamSpec::name).containsExactly("sys_param_1");
        assertThat(catalog.modules().list()).extracting(ModuleDefinition::id).contains(1008);

        assertThat(catalog.inventory().functionCategories()).contains(new FunctionCategory(501, "Legacy.Web"));
        assertThat(catalog.inventory().appCategories()).contains(new AppCategory(601, 501, "legacy.domain.com"));
        assertThat(catalog.inventory().findByLanIps(List.of("192.168.100.200"))).containsExactly(new Server("192.168.100.200", "legacy01",
                Optional.of("203.0.113.7"), Optional.of("CentOS"), 601, Optional.empty(), 22, Optional.empty()));
        assertThat(queryString("SELECT history_command FROM server_history WHERE ID = 1")).isEqualTo("ls -l /tmp");
    }

    @Test
    void brokenModuleRowsLoadAsNotRunnableAndSayWhy()
            throws SQLException
    {
        execute("INSERT INTO module_list (ID, module_name, module_caption, param_schema, command_template) VALUES "
                        + "(9001, 'unknown ref', 'u', '[]', '[\"cat\",\"${nope}\"]')",
                "INSERT INTO module_list (ID, module_name, module_caption, param_schema, command_template) VALUES "
                        + "(9002, 'glued', 'g', '[{\"name\":\"p\",\"type\":\"STRING\"}]', '[\"--file=${p}\"]')",
                "INSERT INTO module_list (ID, module_name, module_caption, param_schema, command_template) VALUES "
                        + "(9003, 'bad json', 'j', '[{', '[\"ls\"]')",
                "INSERT INTO module_list (ID, module_name, module_caption, param_schema, command_template) VALUES "
                        + "(9004, 'unknown key', 'k', '[{\"name\":\"p\",\"type\":\"INT\",\"shell\":true}]', '[\"ls\"]')",
                "INSERT INTO module_list (ID, module_name, module_caption, param_schema, command_template) VALUES "
                        + "(9005, 'optional used', 'o', '[{\"name\":\"p\",\"type\":\"STRING\",\"required\":false}]', '[\"ls\",\"${p}\"]')");

        assertThat(catalog.modules().find(9001).orElseThrow()).satisfies(module -> {
            assertThat(module.runnable()).isFalse();
            assertThat(module.caption()).contains("broken").contains("${nope}");
        });
        assertThat(catalog.modules().find(9002).orElseThrow().caption()).contains("--file=${p}").contains("whole element");
        assertThat(catalog.modules().find(9003).orElseThrow().caption()).contains("invalid JSON");
        assertThat(catalog.modules().find(9004).orElseThrow().caption()).contains("unknown key 'shell'");
        assertThat(catalog.modules().find(9005).orElseThrow().caption()).contains("${p}").contains("required or with a default");
        assertThat(catalog.modules().list()).filteredOn(module -> module.id() >= 9001 && module.id() <= 9005)
                .hasSize(5)
                .noneMatch(ModuleDefinition::runnable);
    }

    @Test
    void inventoryMatchesLanIpsExactly()
    {
        int web = catalog.inventory().addFunctionCategory("Test.Web");
        int www = catalog.inventory().addAppCategory(web, "www.test.example");
        assertThat(catalog.inventory().functionCategories()).contains(new FunctionCategory(web, "Test.Web"));
        assertThat(catalog.inventory().appCategories()).contains(new AppCategory(www, web, "www.test.example"));

        Server one = new Server("10.0.0.1", "web1", Optional.of("198.51.100.1"), Optional.of("Debian"), www, Optional.empty(), 22, Optional.empty());
        Server ten = new Server("10.0.0.10", "web10", Optional.empty(), Optional.empty(), www, Optional.of("ssh"), 2222, Optional.of("ops"));
        catalog.inventory().putServer(one);
        catalog.inventory().putServer(ten);

        assertThat(catalog.inventory().findByLanIps(List.of("10.0.0.1"))).containsExactly(one);
        assertThat(catalog.inventory().findByLanIps(List.of("10.0.0.10"))).containsExactly(ten);
        assertThat(catalog.inventory().findByLanIps(List.of("10.0.0.1 ", "10.0.0", "10.0.0.%", "10.0.0.1' OR '1'='1"))).isEmpty();
        assertThat(catalog.inventory().findByLanIps(List.of())).isEmpty();
        assertThat(catalog.inventory().findByLanIps(List.of("10.0.0.1", "10.0.0.10"))).containsExactlyInAnyOrder(one, ten);

        Server renamed = new Server("10.0.0.1", "web1-new", Optional.empty(), Optional.of("Debian"), www, Optional.of("agent"), 22, Optional.of("root"));
        catalog.inventory().putServer(renamed);
        assertThat(catalog.inventory().findByLanIps(List.of("10.0.0.1"))).containsExactly(renamed);
        assertThat(catalog.inventory().servers()).contains(renamed, ten).doesNotContain(one);

        assertThatThrownBy(() -> catalog.inventory().addAppCategory(987654, "nowhere.example"))
                .hasMessageContaining("no function category with id 987654");
        assertThatThrownBy(() -> catalog.inventory().putServer(new Server("10.0.0.2", "x", Optional.empty(), Optional.empty(), www, Optional.empty(), 70000, Optional.empty())))
                .hasMessageContaining("SSH port of 10.0.0.2 must be 1 to 65535");
        assertThatThrownBy(() -> catalog.inventory().putServer(new Server("", "x", Optional.empty(), Optional.empty(), www, Optional.empty(), 22, Optional.empty())))
                .hasMessageContaining("LAN IP must be 1 to 45 characters");
    }

    @Test
    void sampleInventorySeedsCategoriesOnce()
    {
        SampleInventory.seed(catalog.inventory());
        SampleInventory.seed(catalog.inventory());
        assertThat(catalog.inventory().functionCategories()).extracting(FunctionCategory::name)
                .containsOnlyOnce("Linux.Web", "Linux.Mysql", "Windows.Web");
        assertThat(catalog.inventory().appCategories()).extracting(AppCategory::name)
                .containsOnlyOnce("www.domain.com", "bbs.domain.com", "db.domain.com");
    }

    @Test
    void usersAreCreatedFoundAndRefusedWhenTheNameIsTaken()
    {
        User alice = catalog.users().create("alice", "s3cret".toCharArray(), Role.OPERATOR);
        assertThat(alice.id()).isPositive();
        User found = catalog.users().find("alice").orElseThrow();
        assertThat(found).isEqualTo(alice);
        assertThat(found.role()).isEqualTo(Role.OPERATOR);
        assertThat(found.enabled()).isTrue();
        assertThat(Passwords.verify("s3cret".toCharArray(), found.passwordHash())).isTrue();
        assertThat(found.toString()).doesNotContain(found.passwordHash());
        assertThat(catalog.users().find("ALICE")).isEmpty();
        assertThat(catalog.users().find("nobody")).isEmpty();

        assertThatThrownBy(() -> catalog.users().create("alice", "other".toCharArray(), Role.ADMIN))
                .hasMessageContaining("user 'alice' already exists");
        assertThatThrownBy(() -> catalog.users().create("Alice", "other".toCharArray(), Role.ADMIN))
                .hasMessageContaining("user 'Alice' already exists");
        assertThatThrownBy(() -> catalog.users().create("bob; drop", "pw".toCharArray(), Role.ADMIN))
                .hasMessageContaining("user name must be 1 to 64 letters");

        assertThat(catalog.users().setPassword("alice", "n3w".toCharArray())).isTrue();
        String newHash = catalog.users().find("alice").orElseThrow().passwordHash();
        assertThat(Passwords.verify("n3w".toCharArray(), newHash)).isTrue();
        assertThat(Passwords.verify("s3cret".toCharArray(), newHash)).isFalse();
        assertThat(catalog.users().setPassword("nobody", "x".toCharArray())).isFalse();
    }

    @Test
    void jobsStoreHostResultsWithCappedOutput()
    {
        Instant created = Instant.parse("2025-01-02T03:04:05.678912Z");
        long id = catalog.jobs().create(new JobRecord(0, created, "alice", 1001, Map.of("sys_param_1", "50"),
                List.of("10.0.0.1", "10.0.0.10"), JobStatus.FINISHED));
        JobRecord job = catalog.jobs().find(id).orElseThrow();
        assertThat(job.id()).isEqualTo(id);
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.createdAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z"));
        assertThat(job.params()).isEqualTo(Map.of("sys_param_1", "50"));
        assertThat(job.targets()).containsExactly("10.0.0.1", "10.0.0.10");

        HostResultRecord ok = new HostResultRecord("10.0.0.1", "web1", true, OptionalInt.of(0), Optional.empty(), "ok",
                Duration.ofMillis(1234), "line 1\nline 2\n", "", false);
        String huge = "é".repeat(140_000) + "end";
        HostResultRecord big = new HostResultRecord("10.0.0.10", "web10", false, OptionalInt.empty(), Optional.of("TIMEOUT"),
                "timed out after 60 s", Duration.ofSeconds(60), huge, "x".repeat(100), false);
        catalog.jobs().addHostResult(id, ok);
        catalog.jobs().addHostResult(id, big);

        List<HostResultRecord> results = catalog.jobs().hostResults(id);
        assertThat(results).hasSize(2);
        assertThat(results.get(0)).isEqualTo(ok);
        HostResultRecord stored = results.get(1);
        assertThat(stored.truncated()).isTrue();
        assertThat(stored.stdout().getBytes(StandardCharsets.UTF_8)).hasSize(JobRepository.OUTPUT_CAP_BYTES);
        assertThat(huge).startsWith(stored.stdout());
        assertThat(stored.stderr()).isEqualTo("x".repeat(100));
        assertThat(stored.exitCode()).isEmpty();
        assertThat(stored.failureReason()).contains("TIMEOUT");
        assertThat(stored.duration()).isEqualTo(Duration.ofSeconds(60));

        assertThatThrownBy(() -> catalog.jobs().addHostResult(id, ok)).isInstanceOf(RuntimeException.class);

        catalog.jobs().setStatus(id, JobStatus.FINISHED);
        assertThat(catalog.jobs().find(id).orElseThrow().status()).isEqualTo(JobStatus.FINISHED);
        assertThatThrownBy(() -> catalog.jobs().setStatus(987654321L, JobStatus.FINISHED)).hasMessageContaining("no job 987654321");
        assertThat(catalog.jobs().find(987654321L)).isEmpty();
    }

    @Test
    void hostResultsOfSeveralJobsAreStoredInOneTransactionAllOrNone()
    {
        JobRecord template = new JobRecord(0, Instant.now(), "alice", 1001, Map.of(), List.of("10.0.0.1", "10.0.0.2"), JobStatus.RUNNING);
        long first = catalog.jobs().create(template);
        long second = catalog.jobs().create(template);
        HostResultRecord one = new HostResultRecord("10.0.0.1", "web1", true, OptionalInt.of(0), Optional.empty(), "", Duration.ofMillis(3),
                "web1\n", "", false);
        HostResultRecord two = new HostResultRecord("10.0.0.2", "web2", false, OptionalInt.of(1), Optional.of("EXIT_CODE"), "", Duration.ofMillis(4),
                "", "no such file\n", false);
        catalog.jobs().addHostResults(List.of(new JobHostResult(first, one), new JobHostResult(first, two), new JobHostResult(second, one)));
        assertThat(catalog.jobs().hostResults(first)).containsExactly(one, two);
        assertThat(catalog.jobs().hostResults(second)).containsExactly(one);

        // a batch with one row breaking the key stores nothing of it
        assertThatThrownBy(() -> catalog.jobs().addHostResults(List.of(new JobHostResult(second, two), new JobHostResult(second, one))))
                .isInstanceOf(RuntimeException.class);
        assertThat(catalog.jobs().hostResults(second)).containsExactly(one);
    }

    @Test
    void interruptRunningMarksOnlyRunningJobs()
    {
        JobRecord template = new JobRecord(0, Instant.now(), "bob", 1003, Map.of(), List.of("10.0.0.1"), JobStatus.RUNNING);
        long running1 = catalog.jobs().create(template);
        long running2 = catalog.jobs().create(template);
        long finished = catalog.jobs().create(template);
        catalog.jobs().setStatus(finished, JobStatus.FINISHED);

        assertThat(catalog.jobs().interruptRunning()).isGreaterThanOrEqualTo(2);
        assertThat(catalog.jobs().find(running1).orElseThrow().status()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(catalog.jobs().find(running2).orElseThrow().status()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(catalog.jobs().find(finished).orElseThrow().status()).isEqualTo(JobStatus.FINISHED);
        assertThat(catalog.jobs().interruptRunning()).isZero();
    }

    @Test
    void historyPagesNewestFirstByKeysetWithFilters()
    {
        Instant start = Instant.parse("2025-03-01T00:00:00Z");
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            JobRecord job = new JobRecord(0, start.plusSeconds(i * 60L), i % 2 == 0 ? "carol" : "dave", i < 4 ? 1001 : 1003, Map.of(),
                    List.of("10.0.0.1", "10.0.0.2"), JobStatus.RUNNING, i == 6 ? OptionalLong.of(99) : OptionalLong.empty(), OptionalLong.empty(),
                    Map.of("batchSize", "50%"), Optional.empty());
            ids.add(catalog.jobs().create(job));
        }
        catalog.jobs().finish(ids.get(6), JobStatus.STOPPED, new HostCounts(2, 0, 1, 1), Optional.of("stopped: 1 failures exceeded the threshold of 0"));

        JobQuery mine = new JobQuery(OptionalLong.empty(), 2, Optional.of("carol"), OptionalInt.empty(), Optional.empty(),
                Optional.of(start), Optional.of(start.plusSeconds(3600)));
        List<JobSummaryRecord> first = catalog.jobs().page(mine);
        assertThat(first).extracting(JobSummaryRecord::id).containsExactly(ids.get(6), ids.get(4));
        assertThat(first.get(0).status()).isEqualTo(JobStatus.STOPPED);
        assertThat(first.get(0).counts()).isEqualTo(new HostCounts(2, 0, 1, 1));
        assertThat(first.get(0).parentJobId()).hasValue(99);
        assertThat(first.get(0).moduleName()).isEqualTo("view OS version");
        assertThat(first.get(0).finishedAt()).isPresent();
        List<JobSummaryRecord> second = catalog.jobs().page(mine.before(ids.get(4)));
        assertThat(second).extracting(JobSummaryRecord::id).containsExactly(ids.get(2), ids.get(0));
        assertThat(catalog.jobs().page(mine.before(ids.get(0)))).isEmpty();

        JobQuery module = new JobQuery(OptionalLong.empty(), 200, Optional.empty(), OptionalInt.of(1003), Optional.of(JobStatus.RUNNING),
                Optional.empty(), Optional.of(start.plusSeconds(6 * 60)));
        assertThat(catalog.jobs().page(module)).extracting(JobSummaryRecord::id).containsExactly(ids.get(5), ids.get(4));

        JobRecord stopped = catalog.jobs().find(ids.get(6)).orElseThrow();
        assertThat(stopped.rolling()).isEqualTo(Map.of("batchSize", "50%"));
        assertThat(stopped.stopReason()).hasValue("stopped: 1 failures exceeded the threshold of 0");
        assertThatThrownBy(() -> JobQuery.newest(201)).hasMessageContaining("limit must be 1 to 200, was 201");
    }

    @Test
    void hostSummariesCarryOutputSizesHashesAndFindText()
    {
        long id = catalog.jobs().create(new JobRecord(0, Instant.now(), "erin", 1003, Map.of(), List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"),
                JobStatus.RUNNING));
        catalog.jobs().addHostResult(id, new HostResultRecord("10.0.0.1", "a", true, OptionalInt.of(0), Optional.empty(), "", Duration.ZERO,
                "Debian 12\n", "", false));
        catalog.jobs().addHostResult(id, new HostResultRecord("10.0.0.2", "b", true, OptionalInt.of(0), Optional.empty(), "", Duration.ZERO,
                "Debian 12\n", "", false));
        catalog.jobs().addHostResult(id, new HostResultRecord("10.0.0.3", "c", false, OptionalInt.of(2), Optional.of("NON_ZERO_EXIT"), "exit code 2",
                Duration.ZERO, "", "no such file\n", false));
        List<HostSummaryRecord> hosts = catalog.jobs().hostSummaries(id, Optional.empty());
        assertThat(hosts).extracting(HostSummaryRecord::stdoutChars).containsExactly(10, 10, 0);
        assertThat(hosts.get(0).outputHash()).isEqualTo(hosts.get(1).outputHash()).hasSize(64).isNotEqualTo(hosts.get(2).outputHash());
        assertThat(catalog.jobs().hostSummaries(id, Optional.of("such FILE"))).extracting(HostSummaryRecord::lanIp).containsExactly("10.0.0.3");
        assertThat(catalog.jobs().hostResult(id, "10.0.0.3")).hasValueSatisfying(r -> assertThat(r.stderr()).isEqualTo("no such file\n"));
        assertThat(catalog.jobs().hostResult(id, "10.0.0.9")).isEmpty();
    }

    @Test
    void retentionDeletesEndedJobsInBatchesButNeverRunningOnes()
    {
        Instant old = Instant.parse("2020-01-01T00:00:00Z");
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long id = catalog.jobs().create(new JobRecord(0, old.plusSeconds(i), "frank", 1003, Map.of(), List.of("10.0.0.1"), JobStatus.RUNNING));
            catalog.jobs().addHostResult(id, new HostResultRecord("10.0.0.1", "a", true, OptionalInt.of(0), Optional.empty(), "", Duration.ZERO,
                    "x", "", false));
            if (i != 1) {
                catalog.jobs().finish(id, JobStatus.FINISHED, new HostCounts(1, 1, 0, 0), Optional.empty());
            }
            ids.add(id);
        }
        assertThat(catalog.jobs().deleteCreatedBefore(old.plusSeconds(3), 1)).isEqualTo(1);
        assertThat(catalog.jobs().find(ids.get(0))).isEmpty();
        assertThat(catalog.jobs().hostResults(ids.get(0))).isEmpty();
        assertThat(catalog.jobs().deleteCreatedBefore(old.plusSeconds(3), 100)).isEqualTo(1);
        assertThat(catalog.jobs().find(ids.get(1))).as("running jobs stay").isPresent();
        assertThat(catalog.jobs().find(ids.get(2))).isEmpty();
        assertThat(catalog.jobs().find(ids.get(3))).isPresent();
    }

    @Test
    void schedulesAreStoredPausedResumedAndDue()
    {
        Instant now = Instant.parse("2025-05-05T10:00:00Z");
        long id = catalog.schedules().create(new ScheduleRecord(0, "nightly", "admin", "0 3 * * *", 1003, List.of("10.0.0.1"),
                Map.of("sys_param_1", "5"), Map.of("maxInFlight", "2"), "QUEUE", false, now, Optional.of(now.plusSeconds(60)), Optional.empty(),
                OptionalLong.empty(), Optional.empty(), false));
        ScheduleRecord stored = catalog.schedules().find(id).orElseThrow();
        assertThat(stored.name()).isEqualTo("nightly");
        assertThat(stored.rolling()).isEqualTo(Map.of("maxInFlight", "2"));
        assertThat(catalog.schedules().due(now)).isEmpty();
        assertThat(catalog.schedules().due(now.plusSeconds(60))).extracting(ScheduleRecord::id).containsExactly(id);
        catalog.schedules().recordRun(id, Optional.of(now.plusSeconds(120)), now.plusSeconds(60), OptionalLong.of(7), "started job 7", true);
        assertThat(catalog.schedules().due(now.plusSeconds(61))).as("a queued run is due").hasSize(1);
        assertThat(catalog.schedules().setPaused(id, true, Optional.empty())).isTrue();
        assertThat(catalog.schedules().due(now.plusSeconds(600))).isEmpty();
        ScheduleRecord paused = catalog.schedules().find(id).orElseThrow();
        assertThat(paused.paused()).isTrue();
        assertThat(paused.nextRunAt()).isEmpty();
        assertThat(paused.lastJobId()).hasValue(7);
        assertThat(catalog.schedules().delete(id)).isTrue();
        assertThat(catalog.schedules().delete(id)).isFalse();
        assertThat(catalog.schedules().setPaused(id, false, Optional.empty())).isFalse();
    }

    @Test
    void auditKeepsEntriesNewestFirst()
    {
        String actor = "audit-" + UUID.randomUUID();
        Instant base = Instant.parse("2030-01-01T00:00:00Z");
        AuditEntry first = new AuditEntry(base, actor, "127.0.0.1", "login", OptionalInt.empty(), "", "", "accepted", Optional.empty());
        AuditEntry second = new AuditEntry(base.plusSeconds(1), actor, "127.0.0.1", "submit", OptionalInt.of(1006),
                "sys_param_1=nginx ✓ 😀", "10.0.0.1,10.0.0.10", "accepted", Optional.of("job 7"));
        AuditEntry third = new AuditEntry(base.plusSeconds(2), "x".repeat(500), "::1", "login", OptionalInt.empty(), "", "", "AUTH_FAILED",
                Optional.of("bad password"));
        catalog.audit().record(first);
        catalog.audit().record(second);
        catalog.audit().record(third);

        List<AuditEntry> latest = catalog.audit().latest(3);
        assertThat(latest).hasSize(3);
        assertThat(latest.get(0).actor()).isEqualTo("x".repeat(128));
        assertThat(latest.get(0).outcome()).isEqualTo("AUTH_FAILED");
        assertThat(latest.get(1)).isEqualTo(second);
        assertThat(latest.get(2)).isEqualTo(first);
        assertThat(catalog.audit().latest(1)).hasSize(1);
        assertThatThrownBy(() -> catalog.audit().latest(0)).hasMessageContaining("limit must be 1 to 10000, was 0");
    }

    protected void execute(String... statements)
            throws SQLException
    {
        DatabaseConfig config = config();
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private String queryString(String sql)
            throws SQLException
    {
        DatabaseConfig config = config();
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            assertThat(resultSet.next()).isTrue();
            return resultSet.getString(1);
        }
    }
}
