package org.omserver.master.users;

import org.apache.thrift.TBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.user.Role;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.AgentMetricsRequest;
import org.omserver.protocol.thrift.AgentsRequest;
import org.omserver.protocol.thrift.AuditQueryRequest;
import org.omserver.protocol.thrift.CreateAgentTokenRequest;
import org.omserver.protocol.thrift.RevokeAgentRequest;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.CatalogRequest;
import org.omserver.protocol.thrift.ChangePasswordRequest;
import org.omserver.protocol.thrift.ChangeScheduleRequest;
import org.omserver.protocol.thrift.CreateScheduleRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.InventoryRequest;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.protocol.thrift.LogoutEverywhereRequest;
import org.omserver.protocol.thrift.Master;
import org.omserver.protocol.thrift.ModuleDeleteRequest;
import org.omserver.protocol.thrift.ModuleEnableRequest;
import org.omserver.protocol.thrift.ModuleGetRequest;
import org.omserver.protocol.thrift.ModulePreviewRequest;
import org.omserver.protocol.thrift.ModuleRollbackRequest;
import org.omserver.protocol.thrift.ModuleSaveRequest;
import org.omserver.protocol.thrift.ModuleVersionsRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.ScheduleAction;
import org.omserver.protocol.thrift.SchedulesRequest;
import org.omserver.protocol.thrift.SubmitRequest;
import org.omserver.protocol.thrift.UserAction;
import org.omserver.protocol.thrift.UserChangeRequest;
import org.omserver.protocol.thrift.UsersRequest;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's role × action matrix: every role (and no session at all) against every sealed RPC of {@code service
 * Master}. {@link #MATRIX} is the one table of who may do what; a new RPC without a row fails
 * {@link #everyRpcOfTheServiceHasARow}, so whoever adds one extends the table. A role outside a row must get
 * FORBIDDEN; a role inside it must get anything but FORBIDDEN (the requests are harmless: unknown ids, stale
 * versions, invalid drafts); a bogus session must get UNAUTHENTICATED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestAuthorizationMatrix
{
    private static final Set<Role> ALL = EnumSet.allOf(Role.class);
    private static final Set<Role> ADMIN = EnumSet.of(Role.ADMIN);
    private static final Set<Role> RUNNERS = EnumSet.of(Role.ADMIN, Role.OPERATOR);
    private static final Set<Role> EDITORS = EnumSet.of(Role.ADMIN, Role.AUTHOR);
    private static final long NO_JOB = 987_654_321L;
    /** Calls that take no session, or carry none: login, logout, the legacy call (the shared secret is its only check). */
    private static final Set<String> NOT_ROLE_CHECKED = Set.of("login", "logout", "runCommands");

    /** method → (roles allowed, the request for a session). Extend it with every new RPC. */
    private static final Map<String, Row> MATRIX = new LinkedHashMap<>();

    static {
        row("catalog", ALL, CatalogRequest::new);
        row("inventory", ALL, InventoryRequest::new);
        row("submit", RUNNERS, s -> new SubmitRequest(s, 1003, List.of("127.0.0.2"), Map.of()));
        row("events", ALL, s -> new EventsRequest(s, NO_JOB, 0, 0));
        row("moduleGet", ALL, s -> new ModuleGetRequest(s, 1001));
        row("moduleCreate", EDITORS, s -> new ModuleSaveRequest(s, "{}"));
        row("moduleUpdate", EDITORS, s -> new ModuleSaveRequest(s, "{}").setExpectedVersion(0));
        row("moduleSetEnabled", EDITORS, s -> new ModuleEnableRequest(s, 1001, true, 999));
        row("moduleDelete", EDITORS, s -> new ModuleDeleteRequest(s, 1001, 999, 1002));
        row("moduleVersions", ALL, s -> new ModuleVersionsRequest(s, 1001));
        row("moduleRollback", EDITORS, s -> new ModuleRollbackRequest(s, 1001, 999, 999));
        row("modulePreview", EDITORS, s -> new ModulePreviewRequest(s, "{\"name\": \"matrix\", \"command\": [\"true\"]}", Map.of()));
        row("jobs", ALL, JobsRequest::new);
        row("jobDetail", ALL, s -> new JobDetailRequest(s, NO_JOB));
        row("hostOutput", ALL, s -> new HostOutputRequest(s, NO_JOB, "127.0.0.2"));
        row("cancel", RUNNERS, s -> new CancelRequest(s, NO_JOB));
        row("retryJob", RUNNERS, s -> new RetryRequest(s, NO_JOB));
        row("createSchedule", RUNNERS, s -> new CreateScheduleRequest(s, "matrix", "61 * * * *", 1003, List.of("127.0.0.2"), Map.of()));
        row("schedules", ALL, SchedulesRequest::new);
        row("changeSchedule", RUNNERS, s -> new ChangeScheduleRequest(s, NO_JOB, ScheduleAction.PAUSE));
        // users, grants, audit (issue 4)
        row("users", ADMIN, UsersRequest::new);
        row("userChange", ADMIN, s -> new UserChangeRequest(s, "matrix-target", UserAction.SET_GRANTS).setFunctionCategoryIds(List.of()));
        row("changePassword", ALL, s -> new ChangePasswordRequest(s, "not the password", "a new password of some length"));
        row("logoutEverywhere", ADMIN, s -> new LogoutEverywhereRequest(s).setUsername("matrix-target"));
        row("auditLog", ADMIN, s -> new AuditQueryRequest(s).setLimit(5));
        // native agents (issue 3)
        row("agents", ALL, AgentsRequest::new);
        row("agentMetrics", ALL, s -> new AgentMetricsRequest(s, "agt-0000000000000000"));
        row("agentRevoke", ADMIN, s -> new RevokeAgentRequest(s, "agt-0000000000000000", "agt-0000000000000000"));
        row("agentTokenCreate", ADMIN, s -> new CreateAgentTokenRequest(s, 3600));
        row("commandAllowList", ALL, org.omserver.protocol.thrift.CommandAllowListRequest::new);
        row("commandAllowChange", ADMIN, s -> new org.omserver.protocol.thrift.CommandAllowChangeRequest(s, "remove").setId(999_999));
        row("agentRequests", ADMIN, org.omserver.protocol.thrift.AgentRequestsRequest::new);
        row("agentRequestDecide", ADMIN, s -> new org.omserver.protocol.thrift.AgentRequestDecideRequest(s, "req-0000000000000000", false));
        // file store (issue 3)
        row("fileList", ALL, org.omserver.protocol.thrift.FileListRequest::new);
        row("fileUploadBegin", EDITORS, s -> new org.omserver.protocol.thrift.FileUploadBeginRequest(s, "../matrix", -1));
        row("fileUploadChunk", EDITORS, s -> new org.omserver.protocol.thrift.FileUploadChunkRequest(s, "no-such-upload", 0, java.nio.ByteBuffer.wrap(new byte[1])));
        row("fileUploadCommit", EDITORS, s -> new org.omserver.protocol.thrift.FileUploadCommitRequest(s, "no-such-upload", "00"));
        row("fileRemove", EDITORS, s -> new org.omserver.protocol.thrift.FileRemoveRequest(s, "no-such-file"));
        row("fileRehash", EDITORS, org.omserver.protocol.thrift.FileRehashRequest::new);
        // inventory management (issue 4): reads for every role, changes for admin only
        row("serverSearch", ALL, org.omserver.protocol.thrift.ServerSearchRequest::new);
        row("categoryChange", ADMIN, s -> new org.omserver.protocol.thrift.CategoryChangeRequest(s, org.omserver.protocol.thrift.CategoryAction.DELETE_APP).setId(987_654));
        row("serverChange", ADMIN, s -> new org.omserver.protocol.thrift.ServerChangeRequest(s, org.omserver.protocol.thrift.ServerAction.DELETE, "192.0.2.250"));
        row("groups", ALL, org.omserver.protocol.thrift.GroupsRequest::new);
        row("groupChange", ADMIN, s -> new org.omserver.protocol.thrift.GroupChangeRequest(s, org.omserver.protocol.thrift.GroupAction.DELETE, "no-such-group"));
        row("inventoryExport", ALL, org.omserver.protocol.thrift.InventoryExportRequest::new);
        row("inventoryImport", ADMIN, s -> new org.omserver.protocol.thrift.InventoryImportRequest(s, "lan_ip\n").setDryRun(true));
    }

    private TestingMaster master;
    private TestingMasterClient client;
    private final Map<Role, String> sessions = new EnumMap<>(Role.class);

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of());
        master.catalog().users().create("operator", "pw-operator".toCharArray(), Role.OPERATOR);
        master.catalog().users().create("matrix-target", "pw-matrix-target".toCharArray(), Role.VIEWER);
        int web = master.catalog().inventory().functionCategories().getFirst().id();
        master.catalog().users().setGrants("operator", List.of(web), "test");
        client = master.client();
        for (Role role : Role.values()) {
            String name = role.name().toLowerCase();
            sessions.put(role, client.login(name, "pw-" + name).getSession());
        }
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
    void everyRpcOfTheServiceHasARow()
    {
        Set<String> rpcs = Arrays.stream(Master.Iface.class.getMethods()).map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        rpcs.removeAll(NOT_ROLE_CHECKED);
        assertThat(MATRIX.keySet()).as("rows of the authorization matrix; add a row for each new RPC").containsExactlyInAnyOrderElementsOf(rpcs);
    }

    @Test
    void everyRoleGetsExactlyItsRowsAndEveryRefusalIsAudited()
            throws Exception
    {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Row> entry : MATRIX.entrySet()) {
            String method = entry.getKey();
            for (Role role : Role.values()) {
                boolean allowed = entry.getValue().roles().contains(role);
                ErrorCode outcome = outcome(method, entry.getValue().request().apply(sessions.get(role)));
                if (allowed == (outcome == ErrorCode.FORBIDDEN)) {
                    wrong.add(method + " as " + role + ": " + (allowed ? "refused FORBIDDEN, expected allowed" : "got " + outcome + ", expected FORBIDDEN"));
                }
                if (!allowed) {
                    var audit = master.catalog().audit().latest(1).getFirst();
                    if (!audit.action().equals(method) || !audit.outcome().equals("FORBIDDEN") || !audit.actor().equals(role.name().toLowerCase())) {
                        wrong.add(method + " as " + role + ": refusal not audited (last audit row " + audit + ")");
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void withoutALiveSessionEveryRpcIsUnauthenticated()
            throws Exception
    {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Row> entry : MATRIX.entrySet()) {
            ErrorCode outcome = outcome(entry.getKey(), entry.getValue().request().apply("no-such-session"));
            if (outcome != ErrorCode.UNAUTHENTICATED) {
                wrong.add(entry.getKey() + ": " + outcome);
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** The error code of the call, or null when it was accepted. */
    private ErrorCode outcome(String method, TBase<?, ?> request)
            throws Exception
    {
        try {
            client.call(method, request, replyOf(method));
            return null;
        }
        catch (OmsError e) {
            return e.getCode();
        }
    }

    /** The reply struct named in the IDL comment of each method is not needed to classify the outcome: any TBase opens it. */
    private static TBase<?, ?> replyOf(String method)
            throws ReflectiveOperationException
    {
        String name = switch (method) {
            case "moduleCreate", "moduleUpdate", "moduleSetEnabled", "moduleDelete", "moduleRollback" -> "ModuleChangeReply";
            case "retryJob" -> "RetryReply";
            case "createSchedule", "changeSchedule" -> "ScheduleReply";
            case "auditLog" -> "AuditQueryReply";
            case "users" -> "UsersReply";
            case "agentRevoke" -> "RevokeAgentReply";
            case "agentTokenCreate" -> "CreateAgentTokenReply";
            default -> Character.toUpperCase(method.charAt(0)) + method.substring(1) + "Reply";
        };
        return (TBase<?, ?>) Class.forName("org.omserver.protocol.thrift." + name).getDeclaredConstructor().newInstance();
    }

    private static void row(String method, Set<Role> roles, Function<String, TBase<?, ?>> request)
    {
        MATRIX.put(method, new Row(roles, request));
    }

    private record Row(Set<Role> roles, Function<String, TBase<?, ?>> request) {}
}
