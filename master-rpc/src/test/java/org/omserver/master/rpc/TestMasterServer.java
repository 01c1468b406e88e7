package org.omserver.master.rpc;

import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.protocol.envelope.LegacyEnvelope;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.CatalogRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.InventoryRequest;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.LogoutReply;
import org.omserver.protocol.thrift.LogoutRequest;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.TargetHost;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestMasterServer
{
    private static final byte[] SECRET = TestingMaster.SECRET.getBytes(StandardCharsets.UTF_8);

    private TestingMaster master;
    private TestingMasterClient client;
    private String adminSession;

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of("legacy.enabled", "true", "legacy.accept-v1", "true", "run.max-parallel", "2"));
        client = master.client();
    }

    /** Some tests move the clock past the session timeout: every test starts with a fresh session. */
    @BeforeEach
    void login()
            throws TException
    {
        adminSession = client.login("admin", "pw-admin").getSession();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try (TestingMaster closing = master) {
            client.close();
        }
    }

    // ---- login ----------------------------------------------------------------------------------

    @Test
    void loginReturnsSessionAndRole()
            throws TException
    {
        LoginReply reply = client.login("viewer", "pw-viewer");
        assertThat(reply.getRole()).isEqualTo(Role.VIEWER);
        assertThat(reply.getUsername()).isEqualTo("viewer");
        assertThat(reply.getSession()).matches("[A-Za-z0-9_-]{43}");
        assertThat(reply.getExpiresAtMillis()).isGreaterThan(master.clock().millis() + Duration.ofMinutes(29).toMillis());
        assertAudit("login", "accepted");
    }

    @Test
    void wrongPasswordIsUnauthenticated()
    {
        assertRefused(() -> client.login("admin", "nope"), ErrorCode.UNAUTHENTICATED, "wrong user name or password");
        assertAudit("login", "UNAUTHENTICATED");
        assertRefused(() -> client.login("nobody", "nope"), ErrorCode.UNAUTHENTICATED, "wrong user name or password");
    }

    @Test
    void repeatedFailuresThrottleTheUserAtThatAddress()
            throws TException
    {
        LoginRequest wrong = new LoginRequest("author", "wrong").setClientAddress("198.51.100.1");
        for (int i = 0; i < 5; i++) {
            assertRefused(() -> client.call("login", wrong, new LoginReply()), ErrorCode.UNAUTHENTICATED, "wrong user name or password");
        }
        LoginRequest right = new LoginRequest("author", "pw-author").setClientAddress("198.51.100.1");
        assertRefused(() -> client.call("login", right, new LoginReply()), ErrorCode.THROTTLED, "too many failed logins for author");
        assertAudit("login", "THROTTLED");
        // another address is not affected
        assertThat(client.call("login", new LoginRequest("author", "pw-author").setClientAddress("198.51.100.2"), new LoginReply()).getRole())
                .isEqualTo(Role.AUTHOR);
        master.clock().advance(Duration.ofMinutes(16));
        assertThat(client.call("login", right, new LoginReply()).getRole()).isEqualTo(Role.AUTHOR);
    }

    @Test
    void unknownOrExpiredSessionIsUnauthenticated()
            throws TException
    {
        assertRefused(() -> client.call("catalog", new CatalogRequest("no-such-session"), new CatalogReply()),
                ErrorCode.UNAUTHENTICATED, "no such session, or it expired; log in again");
        assertAudit("catalog", "UNAUTHENTICATED");

        String session = client.login("viewer", "pw-viewer").getSession();
        master.clock().advance(Duration.ofMinutes(20));
        client.call("catalog", new CatalogRequest(session), new CatalogReply());
        master.clock().advance(Duration.ofMinutes(20));
        // sliding: 40 minutes after login, but only 20 after the last use
        client.call("catalog", new CatalogRequest(session), new CatalogReply());
        master.clock().advance(Duration.ofMinutes(31));
        assertRefused(() -> client.call("catalog", new CatalogRequest(session), new CatalogReply()),
                ErrorCode.UNAUTHENTICATED, "no such session, or it expired");
    }

    @Test
    void logoutEndsTheSession()
            throws TException
    {
        String session = client.login("viewer", "pw-viewer").getSession();
        assertThat(client.call("logout", new LogoutRequest(session), new LogoutReply()).isLoggedOut()).isTrue();
        assertRefused(() -> client.call("catalog", new CatalogRequest(session), new CatalogReply()), ErrorCode.UNAUTHENTICATED, "log in again");
        assertThat(client.call("logout", new LogoutRequest(session), new LogoutReply()).isLoggedOut()).isFalse();
    }

    // ---- catalog and inventory ------------------------------------------------------------------

    @Test
    void catalogListsEveryModule()
            throws TException
    {
        List<ModuleInfo> modules = client.call("catalog", new CatalogRequest(adminSession), new CatalogReply()).getModules();
        // OMServer's seven modules first, then the IOMS host commands (2001-2009) downloads (2010) and updateself (2050)
        assertThat(modules).extracting(ModuleInfo::getId).startsWith(1001, 1002, 1003, 1004, 1005, 1006, 1007).contains(2001, 2002, 2010, 2050);
        ModuleInfo tail = modules.get(0);
        assertThat(tail.getName()).isEqualTo("view system log");
        assertThat(tail.isRunnable()).isTrue();
        assertThat(tail.getParams()).singleElement().satisfies(param -> {
            assertThat(param.getName()).isEqualTo("sys_param_1");
            assertThat(param.getMin()).isEqualTo(1);
            assertThat(param.getMax()).isEqualTo(999);
            assertThat(param.getDefaultValue()).isEqualTo("50");
        });
        // 1005 (sync application file) works since V19, on agent hosts
        assertThat(modules.get(4).isRunnable()).isTrue();
        assertThat(modules.get(5).getParams().get(0).getChoices()).contains("nginx", "limits");
    }

    @Test
    void inventoryListsCategoriesAndServersWithTheirBackend()
            throws TException
    {
        InventoryReply reply = client.call("inventory", new InventoryRequest(adminSession), new InventoryReply());
        assertThat(reply.getFunctionCategories()).extracting(c -> c.getName()).contains("Linux.Web");
        assertThat(reply.getAppCategories()).extracting(c -> c.getName()).contains("www.domain.com");
        assertThat(reply.getServers()).extracting(ServerInfo::getLanIp, ServerInfo::getName, ServerInfo::getBackend)
                .contains(org.assertj.core.groups.Tuple.tuple("127.0.0.2", "web01", "ssh"), org.assertj.core.groups.Tuple.tuple("127.0.0.3", "web02", "ssh"));
    }

    // ---- submit and events ----------------------------------------------------------------------

    @Test
    void submitRunsOnEveryHostAndEventsArriveInOrderWithoutLossOrDuplicates()
            throws Exception
    {
        SubmitReply reply = client.submit(adminSession, 1003, List.of("127.0.0.2", "127.0.0.3", "127.0.0.2"), Map.of());
        assertThat(reply.getModuleName()).isEqualTo("view OS version");
        assertThat(reply.getHosts()).extracting(TargetHost::getLanIp, TargetHost::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.2", "web01"), org.assertj.core.groups.Tuple.tuple("127.0.0.3", "web02"));
        assertAudit("submit", "accepted");

        List<HostEvent> events = readAll(reply.getJobId(), 2);
        Commands local = Commands.run("head", "-n", "1", "/etc/issue");
        for (String host : List.of("127.0.0.2", "127.0.0.3")) {
            assertThat(output(events, host, EventKind.STDOUT)).isEqualTo(local.stdout());
            assertThat(finished(events, host).getStatus()).isEqualTo(HostStatus.SUCCESS);
            assertThat(finished(events, host).getExitCode()).isZero();
            assertThat(events).filteredOn(e -> e.getLanIp().equals(host)).first().extracting(HostEvent::getKind).isEqualTo(EventKind.QUEUED);
        }
        assertThat(master.catalog().jobs().find(reply.getJobId()).orElseThrow().status().name()).isEqualTo("FINISHED");
        assertThat(master.catalog().jobs().hostResults(reply.getJobId())).hasSize(2)
                .allSatisfy(result -> assertThat(result.stdout()).isEqualTo(local.stdout()));
    }

    @Test
    void moduleWithParametersRunsTheRenderedCommand()
            throws Exception
    {
        SubmitReply reply = client.submit(adminSession, 1001, List.of("127.0.0.2", "127.0.0.3"), Map.of("sys_param_1", "5"));
        List<HostEvent> events = readAll(reply.getJobId(), 3);
        Commands local = Commands.run("tail", "-n", "5", "/var/log/messages");
        for (String host : List.of("127.0.0.2", "127.0.0.3")) {
            HostEvent end = finished(events, host);
            assertThat(output(events, host, EventKind.STDOUT)).isEqualTo(local.stdout());
            assertThat(end.getExitCode()).isEqualTo(local.exitCode());
            assertThat(end.getStatus()).isEqualTo(local.exitCode() == 0 ? HostStatus.SUCCESS : HostStatus.FAILED);
        }
        assertThat(master.catalog().jobs().find(reply.getJobId()).orElseThrow().params()).isEqualTo(Map.of("sys_param_1", "5"));
    }

    @Test
    void unreachableHostFailsAloneWhileTheOtherSucceeds()
            throws Exception
    {
        SubmitReply reply = client.submit(adminSession, 1003, List.of("127.0.0.4", "127.0.0.2"), Map.of());
        List<HostEvent> events = readAll(reply.getJobId(), 500);
        assertThat(finished(events, "127.0.0.4").getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(finished(events, "127.0.0.4").getFailureReason()).isEqualTo("UNREACHABLE");
        assertThat(finished(events, "127.0.0.2").getStatus()).isEqualTo(HostStatus.SUCCESS);
    }

    @Test
    void eventsOfAnUnknownJobAreNotFound()
    {
        assertRefused(() -> client.events(adminSession, 987654321L, 0, 0, 10), ErrorCode.NOT_FOUND, "job 987654321 does not exist");
    }

    @Test
    void unknownModuleIsNotFound()
    {
        assertRefused(() -> client.submit(adminSession, 4242, List.of("127.0.0.2"), Map.of()), ErrorCode.NOT_FOUND,
                "module 4242 does not exist; pick a module from the catalog");
        assertAudit("submit", "NOT_FOUND");
    }

    @Test
    void moduleThatCannotRunIsRefusedWithItsReason()
            throws Exception
    {
        // a module without a command (an existing database's row, as 1005 was before V19)
        master.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend) VALUES (9105, 'no command yet', "
                + "'Not available yet: nothing to run.', NULL)");
        assertRefused(() -> client.submit(adminSession, 9105, List.of("127.0.0.2"), Map.of()), ErrorCode.INVALID_REQUEST,
                "module 9105 (no command yet) cannot run: ");
        assertRefused(() -> client.submit(adminSession, 9105, List.of("127.0.0.2"), Map.of()), ErrorCode.INVALID_REQUEST,
                "Not available yet");
        master.execute("DELETE FROM module_list WHERE ID = 9105");
        assertAudit("submit", "INVALID_REQUEST");
    }

    @Test
    void badParametersAreRefusedAndNamed()
    {
        for (String bad : List.of("abc", "1000", "; rm -rf /")) {
            assertRefused(() -> client.submit(adminSession, 1001, List.of("127.0.0.2"), Map.of("sys_param_1", bad)), ErrorCode.INVALID_REQUEST,
                    "invalid parameters for module 1001 (view system log): ");
            assertRefused(() -> client.submit(adminSession, 1001, List.of("127.0.0.2"), Map.of("sys_param_1", bad)), ErrorCode.INVALID_REQUEST,
                    "sys_param_1");
            AuditEntry entry = assertAudit("submit", "INVALID_REQUEST");
            assertThat(entry.params()).startsWith("sys_param_1=");
            assertThat(entry.moduleId()).hasValue(1001);
        }
    }

    @Test
    void unknownHostsAreListedAndNothingRuns()
    {
        assertRefused(() -> client.submit(adminSession, 1003, List.of("127.0.0.2", "10.0.0.9", "127.0.0.22"), Map.of()), ErrorCode.INVALID_REQUEST,
                "unknown hosts: 10.0.0.9, 127.0.0.22; add them to the inventory first");
        AuditEntry entry = assertAudit("submit", "INVALID_REQUEST");
        assertThat(entry.targets()).isEqualTo("127.0.0.2,10.0.0.9,127.0.0.22");
        assertRefused(() -> client.submit(adminSession, 1003, List.of(), Map.of()), ErrorCode.INVALID_REQUEST, "no hosts found");
    }

    @Test
    void viewerMayNotSubmit()
            throws TException
    {
        String viewer = client.login("viewer", "pw-viewer").getSession();
        assertRefused(() -> client.submit(viewer, 1003, List.of("127.0.0.2"), Map.of()), ErrorCode.FORBIDDEN,
                "your role viewer may not run modules; ask an admin for one of: admin, operator");
        AuditEntry entry = assertAudit("submit", "FORBIDDEN");
        assertThat(entry.actor()).isEqualTo("viewer");
        assertThat(entry.clientAddress()).isEqualTo("192.0.2.7 via 127.0.0.1");
    }

    // ---- envelopes ------------------------------------------------------------------------------

    @Test
    void envelopeWithAnotherSecretIsBadEnvelope()
    {
        SealedEnvelope other = new SealedEnvelope("another secret, also sixteen+ bytes".getBytes(StandardCharsets.UTF_8), Clock.systemUTC(),
                Duration.ofMinutes(2), 1 << 20, new ReplayCache(Clock.systemUTC(), 100));
        String sealed = new org.omserver.protocol.SealedMessages(other, 1 << 20).sealRequest("catalog", new CatalogRequest(adminSession));
        assertRefused(() -> client.raw().catalog(sealed), ErrorCode.BAD_ENVELOPE, "envelope does not verify");
        assertAudit("catalog", "BAD_ENVELOPE");
        assertRefused(() -> client.raw().catalog("not base64 at all!"), ErrorCode.BAD_ENVELOPE, "");
        // sealed for another method
        String forCatalog = client.messages().sealRequest("catalog", new CatalogRequest(adminSession));
        assertRefused(() -> client.raw().inventory(forCatalog), ErrorCode.BAD_ENVELOPE, "envelope does not verify");
    }

    @Test
    void replayedEnvelopeIsRefused()
            throws TException
    {
        String sealed = client.messages().sealRequest("catalog", new CatalogRequest(adminSession));
        client.raw().catalog(sealed);
        assertRefused(() -> client.raw().catalog(sealed), ErrorCode.STALE_OR_REPLAYED, "envelope was already received once");
        assertAudit("catalog", "STALE_OR_REPLAYED");
    }

    @Test
    void staleEnvelopeIsRefused()
    {
        Clock behind = Clock.offset(master.clock(), Duration.ofMinutes(-10));
        SealedEnvelope old = new SealedEnvelope(SECRET, behind, Duration.ofMinutes(2), 1 << 20, new ReplayCache(behind, 100));
        String sealed = new org.omserver.protocol.SealedMessages(old, 1 << 20).sealRequest("catalog", new CatalogRequest(adminSession));
        assertRefused(() -> client.raw().catalog(sealed), ErrorCode.STALE_OR_REPLAYED, "check both clocks");
    }

    // ---- the legacy call ------------------------------------------------------------------------

    @Test
    void legacyCallInEnvelopeV2()
            throws Exception
    {
        SealedEnvelope envelope = new SealedEnvelope(SECRET, master.clock(), Duration.ofMinutes(2), 1 << 20, new ReplayCache(master.clock(), 100));
        String token = envelope.seal("runCommands", "1003@@127.0.0.2*h1,127.0.0.3*h2@@".getBytes(StandardCharsets.UTF_8));
        String reply = new String(envelope.open("runCommands.reply", client.raw().runCommands(token)), StandardCharsets.UTF_8);
        String issue = Commands.run("head", "-n", "1", "/etc/issue").stdout();
        assertThat(reply).isEqualTo("[127.0.0.2 web01] success\n" + issue + "[127.0.0.3 web02] success\n" + issue);
        assertAudit("runCommands", "accepted");
        assertThat(master.catalog().audit().latest(1).get(0).actor()).isEqualTo("legacy");
    }

    @Test
    void legacyCallInEnvelopeV1GetsAV1Reply()
            throws Exception
    {
        LegacyEnvelope v1 = new LegacyEnvelope(SECRET);
        String reply = v1.decrypt(client.raw().runCommands(v1.encrypt("1001@@127.0.0.4*dead,127.0.0.2*web@@3@@")));
        Commands local = Commands.run("tail", "-n", "3", "/var/log/messages");
        assertThat(reply).startsWith("[127.0.0.4 dead01] failure: UNREACHABLE: ");
        assertThat(reply).contains("[127.0.0.2 web01] " + (local.exitCode() == 0 ? "success" : "failure: NON_ZERO_EXIT: exit code " + local.exitCode()));
    }

    @Test
    void legacyErrorsComeBackAsReplyText()
            throws Exception
    {
        LegacyEnvelope v1 = new LegacyEnvelope(SECRET);
        assertThat(v1.decrypt(client.raw().runCommands(v1.encrypt("exec('rm')@@127.0.0.2*h1@@"))))
                .isEqualTo("error: malformed request: the module id must be digits, was 'exec('rm')'");
        assertAudit("runCommands", "INVALID_REQUEST");
        assertThat(v1.decrypt(client.raw().runCommands(v1.encrypt("1003@@127.0.0.2*h1,10.9.9.9*x@@"))))
                .isEqualTo("error: unknown hosts: 10.9.9.9; add them to the inventory first");
        assertThat(v1.decrypt(client.raw().runCommands(v1.encrypt("1003@@@@"))))
                .isEqualTo("error: no hosts found: choose at least one server");
        assertThat(v1.decrypt(client.raw().runCommands(v1.encrypt("1001@@127.0.0.2*h1@@; rm -rf /@@"))))
                .startsWith("error: invalid parameters for module 1001 (view system log): ");
        // garbage that is neither envelope: refused in a v2 reply
        SealedEnvelope envelope = new SealedEnvelope(SECRET, master.clock(), Duration.ofMinutes(2), 1 << 20, new ReplayCache(master.clock(), 100));
        assertThat(new String(envelope.open("runCommands.reply", client.raw().runCommands("%%%")), StandardCharsets.UTF_8)).startsWith("error: ");
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Reads every event of the job by cursor, {@code pageSize} at a time, checking that seq runs 1..n without gaps. */
    private List<HostEvent> readAll(long jobId, int pageSize)
            throws TException
    {
        List<HostEvent> all = new ArrayList<>();
        long cursor = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            EventsReply page = client.events(adminSession, jobId, cursor, 5000, pageSize);
            assertThat(page.getEvents().size()).isLessThanOrEqualTo(pageSize);
            for (HostEvent event : page.getEvents()) {
                assertThat(event.getSeq()).isEqualTo(all.size() + 1);
                all.add(event);
            }
            cursor = page.getNextCursor();
            assertThat(cursor).isEqualTo(all.size());
            if (page.isComplete()) {
                assertThat(page.getHostsDone()).isEqualTo(page.getHostsTotal());
                return all;
            }
            assertThat(System.nanoTime()).as("job %s did not complete in 60 s; events so far: %s", jobId, all).isLessThan(deadline);
        }
    }

    private static String output(List<HostEvent> events, String host, EventKind kind)
    {
        return events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == kind).map(HostEvent::getText).collect(Collectors.joining());
    }

    private static HostEvent finished(List<HostEvent> events, String host)
    {
        List<HostEvent> ends = events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == EventKind.FINISHED).toList();
        assertThat(ends).as("FINISHED events of %s", host).hasSize(1);
        return ends.get(0);
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode code, String messagePart)
    {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(OmsError.class, error -> assertThat(error.getCode()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }

    private AuditEntry assertAudit(String action, String outcome)
    {
        AuditEntry entry = master.catalog().audit().latest(1).get(0);
        assertThat(entry.action()).isEqualTo(action);
        assertThat(entry.outcome()).isEqualTo(outcome);
        return entry;
    }
}
