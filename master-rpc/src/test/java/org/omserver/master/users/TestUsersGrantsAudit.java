package org.omserver.master.users;

import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.user.Role;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.AuditQueryReply;
import org.omserver.protocol.thrift.AuditQueryRequest;
import org.omserver.protocol.thrift.AuditRecord;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.CatalogRequest;
import org.omserver.protocol.thrift.ChangePasswordReply;
import org.omserver.protocol.thrift.ChangePasswordRequest;
import org.omserver.protocol.thrift.CreateScheduleRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.JobsReply;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.protocol.thrift.LogoutEverywhereReply;
import org.omserver.protocol.thrift.LogoutEverywhereRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.RetryReply;
import org.omserver.protocol.thrift.ScheduleReply;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.UserAction;
import org.omserver.protocol.thrift.UserChangeReply;
import org.omserver.protocol.thrift.UserChangeRequest;
import org.omserver.protocol.thrift.UsersReply;
import org.omserver.protocol.thrift.UsersRequest;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Users, grants, logout everywhere and the audit viewer on a real master (MariaDB, OpenSSH on loopback).
 * Inventory: Linux.Web (127.0.0.2-4, from TestingMaster) and Linux.DB with db01 = 127.0.26.5 (a closed port).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestUsersGrantsAudit
{
    private TestingMaster master;
    private TestingMasterClient client;
    private String admin;
    private int web;
    private int db;

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of("schedule.poll-interval", "0s"));
        web = master.catalog().inventory().functionCategories().getFirst().id();
        db = master.catalog().inventory().addFunctionCategory("Linux.DB");
        int dbApp = master.catalog().inventory().addAppCategory(db, "db.domain.com");
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.26.5"))) {
            closed = socket.getLocalPort();
        }
        master.catalog().inventory().putServer(new Server("127.0.26.5", "db01", Optional.empty(), Optional.empty(), dbApp, Optional.empty(),
                closed, Optional.of(master.sshd().user())));
        client = master.client();
        admin = client.login("admin", "pw-admin").getSession();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try (TestingMaster closing = master) {
            client.close();
        }
    }

    @Test
    void adminCreatesAUserWhoLogsInWithTheGeneratedPasswordShownOnce()
            throws Exception
    {
        UserChangeReply created = change(new UserChangeRequest(admin, "carol", UserAction.CREATE).setRole(org.omserver.protocol.thrift.Role.AUTHOR));
        assertThat(created.getGeneratedPassword()).hasSize(20);
        assertThat(created.getUser().getRole()).isEqualTo(org.omserver.protocol.thrift.Role.AUTHOR);
        assertThat(client.login("carol", created.getGeneratedPassword()).getRole()).isEqualTo(org.omserver.protocol.thrift.Role.AUTHOR);
        AuditEntry audit = lastAudit("userChange");
        assertThat(audit.outcome()).isEqualTo("accepted");
        assertThat(audit.detail()).hasValue("create carol as author");
        assertThat(audit.toString()).doesNotContain(created.getGeneratedPassword());

        assertRefused(() -> change(new UserChangeRequest(admin, "CAROL", UserAction.CREATE)), ErrorCode.INVALID_REQUEST, "already exists");
        assertRefused(() -> change(new UserChangeRequest(admin, "bad name;rm", UserAction.CREATE)), ErrorCode.INVALID_REQUEST,
                "user name must be 1 to 64 letters");
        assertThat(lastAudit("userChange").outcome()).isEqualTo("INVALID_REQUEST");

        UsersReply users = call("users", new UsersRequest(admin), new UsersReply());
        assertThat(users.getUsers()).extracting(u -> u.getUsername()).contains("admin", "author", "carol", "viewer");
        assertThat(users.getUsers().stream().filter(u -> u.getUsername().equals("carol")).findFirst().orElseThrow().getOpenSessions()).isEqualTo(1);

        UserChangeReply reset = change(new UserChangeRequest(admin, "carol", UserAction.RESET_PASSWORD));
        assertThat(reset.getSessionsEnded()).isEqualTo(1);
        assertRefused(() -> client.login("carol", created.getGeneratedPassword()), ErrorCode.UNAUTHENTICATED, "wrong user name or password");
        client.login("carol", reset.getGeneratedPassword());

        change(new UserChangeRequest(admin, "carol", UserAction.DELETE));
        assertRefused(() -> client.login("carol", reset.getGeneratedPassword()), ErrorCode.UNAUTHENTICATED, "wrong user name or password");
        assertRefused(() -> change(new UserChangeRequest(admin, "carol", UserAction.ENABLE)), ErrorCode.NOT_FOUND, "user 'carol' does not exist");
    }

    @Test
    void anAdminMayChooseThePasswordWhichMeetsThePolicyIsNeverAuditedAndTheLastLoginIsListed()
            throws Exception
    {
        assertRefused(() -> change(new UserChangeRequest(admin, "irene", UserAction.CREATE).setPassword("short")), ErrorCode.INVALID_REQUEST,
                "the chosen password is not allowed");
        assertThat(master.catalog().users().find("irene")).isEmpty();
        UserChangeReply created = change(new UserChangeRequest(admin, "irene", UserAction.CREATE).setPassword("irene-chosen-password"));
        assertThat(created.isSetGeneratedPassword()).isFalse();
        assertThat(created.getUser().isSetLastLoginMillis()).isFalse();
        assertThat(lastAudit("userChange").detail()).hasValue("create irene as viewer, password chosen by the admin");

        long before = master.clock().millis();
        client.login("irene", "irene-chosen-password");
        UsersReply users = call("users", new UsersRequest(admin), new UsersReply());
        assertThat(users.getUsers().stream().filter(u -> u.getUsername().equals("irene")).findFirst().orElseThrow().getLastLoginMillis())
                .isGreaterThanOrEqualTo(before - 1000);

        UserChangeReply reset = change(new UserChangeRequest(admin, "irene", UserAction.RESET_PASSWORD).setPassword("irene-second-password"));
        assertThat(reset.isSetGeneratedPassword()).isFalse();
        assertThat(reset.getSessionsEnded()).isEqualTo(1);
        client.login("irene", "irene-second-password");
        assertRefused(() -> change(new UserChangeRequest(admin, "irene", UserAction.ENABLE).setPassword("irene-third-password")),
                ErrorCode.INVALID_REQUEST, "a password goes only with create or reset_password");
        assertThat(master.catalog().audit().latest(50).toString()).doesNotContain("irene-chosen-password").doesNotContain("irene-second-password")
                .doesNotContain("irene-third-password");
        change(new UserChangeRequest(admin, "irene", UserAction.DELETE));
    }

    @Test
    void disablingEndsSessionsARoleChangeAppliesAtOnceAndAdminsCannotLockThemselvesOut()
            throws Exception
    {
        master.catalog().users().create("dave", "pw-dave-long-enough".toCharArray(), Role.VIEWER);
        String dave = client.login("dave", "pw-dave-long-enough").getSession();
        assertThat(change(new UserChangeRequest(admin, "dave", UserAction.DISABLE)).getSessionsEnded()).isEqualTo(1);
        assertRefused(() -> call("catalog", new CatalogRequest(dave), new CatalogReply()), ErrorCode.UNAUTHENTICATED, "no such session");
        assertRefused(() -> client.login("dave", "pw-dave-long-enough"), ErrorCode.UNAUTHENTICATED, "disabled");
        change(new UserChangeRequest(admin, "dave", UserAction.ENABLE));
        client.login("dave", "pw-dave-long-enough");

        assertRefused(() -> change(new UserChangeRequest(admin, "admin", UserAction.DISABLE)), ErrorCode.INVALID_REQUEST, "your own account");
        assertRefused(() -> change(new UserChangeRequest(admin, "admin", UserAction.SET_ROLE).setRole(org.omserver.protocol.thrift.Role.VIEWER)),
                ErrorCode.INVALID_REQUEST, "cannot take the admin role from yourself");
        // a role change applies to open sessions at once
        change(new UserChangeRequest(admin, "dave", UserAction.SET_ROLE).setRole(org.omserver.protocol.thrift.Role.ADMIN));
        String daveAdmin = client.login("dave", "pw-dave-long-enough").getSession();
        call("users", new UsersRequest(daveAdmin), new UsersReply());
        change(new UserChangeRequest(admin, "dave", UserAction.SET_ROLE).setRole(org.omserver.protocol.thrift.Role.VIEWER));
        assertRefused(() -> call("users", new UsersRequest(daveAdmin), new UsersReply()), ErrorCode.FORBIDDEN, "may not manage users");
        assertThat(lastAudit("users").outcome()).isEqualTo("FORBIDDEN");
        assertRefused(() -> change(new UserChangeRequest(admin, "nobody", UserAction.SET_GRANTS).setFunctionCategoryIds(List.of(web))),
                ErrorCode.NOT_FOUND, "does not exist");
        assertRefused(() -> change(new UserChangeRequest(admin, "dave", UserAction.SET_GRANTS).setFunctionCategoryIds(List.of(99_999))),
                ErrorCode.INVALID_REQUEST, "unknown function categories: 99999");
    }

    @Test
    void changingOnesOwnPasswordNeedsTheOldOneMeetsThePolicyAndEndsTheOtherSessions()
            throws Exception
    {
        master.catalog().users().create("erin", "pw-erin-long-enough".toCharArray(), Role.OPERATOR);
        String first = client.login("erin", "pw-erin-long-enough").getSession();
        String second = client.login("erin", "pw-erin-long-enough").getSession();
        assertRefused(() -> call("changePassword", new ChangePasswordRequest(first, "wrong", "a brand new password"), new ChangePasswordReply()),
                ErrorCode.INVALID_REQUEST, "the current password is wrong");
        assertRefused(() -> call("changePassword", new ChangePasswordRequest(first, "pw-erin-long-enough", "short"), new ChangePasswordReply()),
                ErrorCode.INVALID_REQUEST, "the new password has 5 characters; choose at least 12");
        assertRefused(() -> call("changePassword", new ChangePasswordRequest(first, "pw-erin-long-enough", "new password\nwith newline"),
                new ChangePasswordReply()), ErrorCode.INVALID_REQUEST, "control character");
        ChangePasswordReply changed = call("changePassword", new ChangePasswordRequest(first, "pw-erin-long-enough", "a brand new password"),
                new ChangePasswordReply());
        assertThat(changed.getSessionsEnded()).isEqualTo(1);
        call("catalog", new CatalogRequest(first), new CatalogReply());
        assertRefused(() -> call("catalog", new CatalogRequest(second), new CatalogReply()), ErrorCode.UNAUTHENTICATED, "no such session");
        client.login("erin", "a brand new password");
        assertThat(lastAudit("changePassword").toString()).doesNotContain("a brand new password").doesNotContain("pw-erin");
    }

    @Test
    void logoutEverywhereEndsEverySessionAndTokenOfTheUser()
            throws Exception
    {
        master.catalog().users().create("frank", "pw-frank-long-enough".toCharArray(), Role.VIEWER);
        master.catalog().users().create("gina", "pw-gina-long-enough".toCharArray(), Role.VIEWER);
        // a browser login and an API token are both master sessions
        String browser = client.login("frank", "pw-frank-long-enough").getSession();
        String token = client.login("frank", "pw-frank-long-enough").getSession();
        String gina = client.login("gina", "pw-gina-long-enough").getSession();
        assertRefused(() -> call("logoutEverywhere", new LogoutEverywhereRequest(gina).setUsername("frank"), new LogoutEverywhereReply()),
                ErrorCode.FORBIDDEN, "may log out only yourself");
        LogoutEverywhereReply ended = call("logoutEverywhere", new LogoutEverywhereRequest(admin).setUsername("frank"), new LogoutEverywhereReply());
        assertThat(ended.getSessionsEnded()).isEqualTo(2);
        for (String session : List.of(browser, token)) {
            assertRefused(() -> call("catalog", new CatalogRequest(session), new CatalogReply()), ErrorCode.UNAUTHENTICATED, "no such session");
        }
        assertThat(lastAudit("logoutEverywhere").detail()).hasValue("logged out frank everywhere: ended 2 sessions");

        String again = client.login("gina", "pw-gina-long-enough").getSession();
        assertThat(call("logoutEverywhere", new LogoutEverywhereRequest(again), new LogoutEverywhereReply()).getSessionsEnded()).isEqualTo(2);
        assertRefused(() -> call("catalog", new CatalogRequest(gina), new CatalogReply()), ErrorCode.UNAUTHENTICATED, "no such session");
    }

    @Test
    void anOperatorRunsOnlyOnHostsOfGrantedCategoriesAndAMixedJobIsRefusedWhole()
            throws Exception
    {
        master.catalog().users().create("olga", "pw-olga-long-enough".toCharArray(), Role.OPERATOR);
        String olga = client.login("olga", "pw-olga-long-enough").getSession();
        assertRefused(() -> client.submit(olga, 1003, List.of("127.0.0.2"), Map.of()), ErrorCode.FORBIDDEN,
                "operator olga is not granted the function categories of these hosts: 127.0.0.2 (Linux.Web); nothing was run");
        assertThat(lastAudit("submit").outcome()).isEqualTo("FORBIDDEN");

        change(new UserChangeRequest(admin, "olga", UserAction.SET_GRANTS).setFunctionCategoryIds(List.of(web)));
        long jobsBefore = jobCount();
        assertRefused(() -> client.submit(olga, 1003, List.of("127.0.0.2", "127.0.26.5", "127.0.0.3"), Map.of()), ErrorCode.FORBIDDEN,
                "127.0.26.5 (Linux.DB); nothing was run. Pick hosts of granted categories, or ask an admin to grant Linux.DB");
        AuditEntry refused = lastAudit("submit");
        assertThat(refused.outcome()).isEqualTo("FORBIDDEN");
        assertThat(refused.targets()).isEqualTo("127.0.0.2,127.0.26.5,127.0.0.3");
        assertThat(jobCount()).isEqualTo(jobsBefore);

        SubmitReply granted = client.submit(olga, 1003, List.of("127.0.0.2"), Map.of());
        assertThat(granted.getHosts()).extracting(h -> h.getLanIp()).containsExactly("127.0.0.2");

        // a schedule on an ungranted host is refused when made; a retry is checked like a submit
        assertRefused(() -> call("createSchedule", new CreateScheduleRequest(olga, "db", "0 3 * * *", 1003, List.of("127.0.26.5"), Map.of()),
                new ScheduleReply()), ErrorCode.FORBIDDEN, "127.0.26.5 (Linux.DB)");
        SubmitReply onDb = client.submit(admin, 1003, List.of("127.0.26.5"), Map.of());
        client.allEvents(admin, onDb.getJobId(), 500);
        assertRefused(() -> call("retryJob", new RetryRequest(olga, onDb.getJobId()), new RetryReply()), ErrorCode.FORBIDDEN, "127.0.26.5 (Linux.DB)");
        call("retryJob", new RetryRequest(admin, onDb.getJobId()), new RetryReply());

        // a schedule made while granted does not run after the grant was withdrawn: the owner is checked at every run
        ScheduleReply schedule = call("createSchedule", new CreateScheduleRequest(olga, "web", "* * * * *", 1003, List.of("127.0.0.2"), Map.of()),
                new ScheduleReply());
        change(new UserChangeRequest(admin, "olga", UserAction.SET_GRANTS).setFunctionCategoryIds(List.of()));
        master.clock().advance(Duration.ofMinutes(2));
        master.server().runDueSchedules();
        AuditEntry scheduled = lastAudit("scheduledRun");
        assertThat(scheduled.outcome()).isEqualTo("FORBIDDEN");
        assertThat(scheduled.detail().orElseThrow()).contains("127.0.0.2 (Linux.Web)");
        assertThat(master.catalog().schedules().find(schedule.getSchedule().getScheduleId()).orElseThrow().lastOutcome().orElseThrow())
                .contains("is not granted");
    }

    @Test
    void theAuditLogFiltersByActorActionOutcomeTimeAndTextAndPagesWithoutGapsOrRepeats()
            throws Exception
    {
        master.catalog().users().create("hank", "pw-hank-long-enough".toCharArray(), Role.VIEWER);
        long since = master.clock().millis();
        String hank = client.login("hank", "pw-hank-long-enough").getSession();
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertRefused(() -> client.submit(hank, 1003, List.of("127.0.0.2", "marker-" + n), Map.of()), ErrorCode.FORBIDDEN, "may not run");
        }
        assertRefused(() -> call("auditLog", new AuditQueryRequest(hank), new AuditQueryReply()), ErrorCode.FORBIDDEN, "may not read the audit log");

        AuditQueryReply refused = audit(new AuditQueryRequest(admin).setActor("hank").setOutcome("refused"));
        assertThat(refused.getRecords()).hasSize(6).extracting(AuditRecord::getOutcome).containsOnly("FORBIDDEN");
        assertThat(audit(new AuditQueryRequest(admin).setActor("hank").setOutcome("accepted")).getRecords()).extracting(AuditRecord::getAction)
                .containsExactly("login");
        assertThat(audit(new AuditQueryRequest(admin).setActor("hank").setAction("submit").setText("MARKER-3")).getRecords())
                .singleElement().satisfies(r -> assertThat(r.getTargets()).isEqualTo("127.0.0.2,marker-3"));
        assertThat(audit(new AuditQueryRequest(admin).setActor("hank").setUntilMillis(since)).getRecords()).isEmpty();
        assertThat(audit(new AuditQueryRequest(admin).setActor("hank").setSinceMillis(since).setOutcome("FORBIDDEN")).getRecords()).hasSize(6);

        List<Long> paged = new ArrayList<>();
        AuditQueryReply page = audit(new AuditQueryRequest(admin).setActor("hank").setLimit(3));
        paged.addAll(page.getRecords().stream().map(AuditRecord::getId).toList());
        while (page.isSetNextBeforeId()) {
            page = audit(new AuditQueryRequest(admin).setActor("hank").setLimit(3).setBeforeId(page.getNextBeforeId()));
            paged.addAll(page.getRecords().stream().map(AuditRecord::getId).toList());
        }
        assertThat(paged).hasSize(7).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(new HashSet<>(paged)).hasSize(7);

        // "newer": the page just above the oldest page's newest id is the middle page again, newest first
        AuditQueryReply newer = audit(new AuditQueryRequest(admin).setActor("hank").setLimit(3).setAfterId(paged.get(6)));
        assertThat(newer.getRecords()).extracting(AuditRecord::getId).containsExactlyElementsOf(paged.subList(3, 6));
        assertThat(newer.getNextBeforeId()).isEqualTo(paged.get(5));
        assertThat(audit(new AuditQueryRequest(admin).setActor("hank").setLimit(3).setAfterId(paged.get(1))).getRecords())
                .extracting(AuditRecord::getId).containsExactly(paged.get(0));
        assertRefused(() -> audit(new AuditQueryRequest(admin).setBeforeId(5).setAfterId(2)), ErrorCode.INVALID_REQUEST, "not both");

        assertRefused(() -> audit(new AuditQueryRequest(admin).setOutcome("maybe").setLimit(0)), ErrorCode.INVALID_REQUEST,
                "invalid audit query: limit must be 1 to 500, was 0; outcome must be accepted, refused or an error code");
        assertRefused(() -> audit(new AuditQueryRequest(admin).setText("x".repeat(300))), ErrorCode.INVALID_REQUEST, "longer than 256");
    }

    private long jobCount()
            throws TException
    {
        return call("jobs", new JobsRequest(admin).setLimit(200), new JobsReply()).getJobsSize();
    }

    private AuditQueryReply audit(AuditQueryRequest request)
            throws TException
    {
        return call("auditLog", request, new AuditQueryReply());
    }

    private UserChangeReply change(UserChangeRequest request)
            throws TException
    {
        return call("userChange", request, new UserChangeReply());
    }

    private <T extends TBase<?, ?>> T call(String method, TBase<?, ?> request, T reply)
            throws TException
    {
        return client.call(method, request, reply);
    }

    private AuditEntry lastAudit(String action)
    {
        return master.catalog().audit().latest(200).stream().filter(entry -> entry.action().equals(action)).findFirst()
                .orElseThrow(() -> new AssertionError("no audit row for " + action));
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode code, String messagePart)
    {
        assertThatThrownBy(call).isInstanceOfSatisfying(OmsError.class, e -> {
            assertThat(e.getCode()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
