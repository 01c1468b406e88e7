package org.omserver.master.authoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.user.Role;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.ModuleChangeReply;
import org.omserver.protocol.thrift.ModuleDeleteRequest;
import org.omserver.protocol.thrift.ModuleEnableRequest;
import org.omserver.protocol.thrift.ModuleGetReply;
import org.omserver.protocol.thrift.ModuleGetRequest;
import org.omserver.protocol.thrift.ModulePreviewReply;
import org.omserver.protocol.thrift.ModulePreviewRequest;
import org.omserver.protocol.thrift.ModuleRollbackRequest;
import org.omserver.protocol.thrift.ModuleSaveRequest;
import org.omserver.protocol.thrift.ModuleVersionsReply;
import org.omserver.protocol.thrift.ModuleVersionsRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.ParamType;
import org.omserver.protocol.thrift.SubmitReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The module authoring RPCs on a real master (MariaDB, OpenSSH on loopback), over Thrift with v2 envelopes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestModuleAuthoringRpc
{
    private static final String GREETER = """
            {"name": "greeter", "caption": "Greets <i>someone</i>.",
             "params": [{"name": "who", "type": "STRING", "label": "Who", "pattern": "[^/]*", "maxLength": 40, "help": "A name."},
                        {"name": "loud", "type": "BOOLEAN", "required": false, "default": "false"},
                        {"name": "token", "type": "SECRET", "required": false}],
             "command": ["printf '%s|%s|' ${who} ${loud}"], "shell": true, "backend": "ssh", "timeoutSeconds": 20, "maxParallel": 1}
            """;
    private static final List<String> CHANGES = List.of("moduleCreate", "moduleUpdate", "moduleSetEnabled", "moduleDelete", "moduleRollback", "modulePreview");

    private TestingMaster master;
    private TestingMasterClient client;
    /** The module the authorization matrix's calls change: the last one it created. */
    private int matrixModule = 1001;
    private final Map<Role, String> sessions = new java.util.EnumMap<>(Role.class);

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of());
        master.catalog().users().create("operator", "pw-operator".toCharArray(), Role.OPERATOR);
        client = master.client();
        for (Role role : Role.values()) {
            sessions.put(role, client.login(role.name().toLowerCase(), "pw-" + role.name().toLowerCase()).getSession());
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
    void authorCreatesEditsDisablesDeletesAndRollsBackAModuleWithEveryStepAudited()
            throws Exception
    {
        String author = sessions.get(Role.AUTHOR);
        ModuleChangeReply created = call("moduleCreate", new ModuleSaveRequest(author, GREETER).setClientAddress("192.0.2.9"), new ModuleChangeReply());
        int id = created.getModuleId();
        assertThat(id).isGreaterThanOrEqualTo(1008);
        assertThat(created.getVersion()).isEqualTo(1);
        AuditEntry audit = lastAudit("moduleCreate", "accepted");
        assertThat(audit.actor()).isEqualTo("author");
        assertThat(audit.moduleId()).hasValue(id);
        assertThat(audit.clientAddress()).startsWith("192.0.2.9 via ");
        assertThat(audit.detail()).hasValue("version 1: created");

        ModuleGetReply got = call("moduleGet", new ModuleGetRequest(author, id), new ModuleGetReply());
        assertThat(got.getVersion()).isEqualTo(1);
        assertThat(got.getInfo().isShell()).isTrue();
        assertThat(got.getInfo().getCaption()).isEqualTo("Greets someone.");
        assertThat(got.getInfo().getParams()).extracting(p -> p.getType()).containsExactly(ParamType.STRING, ParamType.BOOLEAN, ParamType.SECRET);
        assertThat(got.getInfo().getMaxParallel()).isEqualTo(1);
        assertThat(got.getDefinition()).contains("\"id\" : " + id);

        String edited = got.getDefinition().replace("Greets someone.", "Says hello.");
        ModuleChangeReply update = call("moduleUpdate", new ModuleSaveRequest(author, edited).setExpectedVersion(1), new ModuleChangeReply());
        assertThat(update.getSummary()).isEqualTo("changed caption");
        assertThat(lastAudit("moduleUpdate", "accepted").detail()).hasValue("version 2: changed caption");
        assertRefused(() -> call("moduleUpdate", new ModuleSaveRequest(author, edited).setExpectedVersion(1), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "is at version 2, not 1 as your change assumed");
        assertThat(lastAudit("moduleUpdate", "INVALID_REQUEST").moduleId()).hasValue(id);

        call("moduleSetEnabled", new ModuleEnableRequest(author, id, false, 2), new ModuleChangeReply());
        assertRefused(() -> client.submit(author, id, List.of("127.0.0.2"), Map.of("who", "x")), ErrorCode.FORBIDDEN, "may not run modules");
        assertRefused(() -> client.submit(sessions.get(Role.ADMIN), id, List.of("127.0.0.2"), Map.of("who", "x")), ErrorCode.INVALID_REQUEST, "cannot run");

        assertRefused(() -> call("moduleDelete", new ModuleDeleteRequest(author, id, 3, id + 1), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "was not confirmed: confirm by repeating its id");
        call("moduleDelete", new ModuleDeleteRequest(author, id, 3, id), new ModuleChangeReply());
        assertRefused(() -> call("moduleGet", new ModuleGetRequest(author, id), new ModuleGetReply()), ErrorCode.NOT_FOUND, "module " + id + " does not exist");

        ModuleVersionsReply versions = call("moduleVersions", new ModuleVersionsRequest(author, id), new ModuleVersionsReply());
        assertThat(versions.getVersions()).extracting(v -> v.getAction()).containsExactly("delete", "disable", "update", "create");
        assertThat(versions.getVersions()).extracting(v -> v.getActor()).containsOnly("author");

        ModuleChangeReply rolled = call("moduleRollback", new ModuleRollbackRequest(author, id, 2, 4), new ModuleChangeReply());
        assertThat(rolled.getVersion()).isEqualTo(5);
        assertThat(rolled.getSummary()).isEqualTo("rolled back to version 2: re-created");
        assertThat(lastAudit("moduleRollback", "accepted").detail()).hasValue("version 5: rolled back to version 2: re-created");
        assertThat(master.catalog().modules().find(id).orElseThrow().runnable()).isTrue();
    }

    @Test
    void aShellModeModuleRunsWithQuotedValuesAndItsSecretIsMaskedInJobAndAudit()
            throws Exception
    {
        int id = call("moduleCreate", new ModuleSaveRequest(sessions.get(Role.ADMIN), GREETER.replace("\"greeter\"", "\"greeter 2\"")),
                new ModuleChangeReply()).getModuleId();
        String admin = sessions.get(Role.ADMIN);
        String hostile = "$(touch x); rm -rf ~ `id` 'q' \"$HOME\" *";
        SubmitReply submitted = client.submit(admin, id, List.of("127.0.0.2"), Map.of("who", hostile, "token", "hunter2"));
        EventsReply events = waitForCompletion(admin, submitted.getJobId());
        String stdout = events.getEvents().stream().filter(e -> e.getKind() == EventKind.STDOUT).map(HostEvent::getText).collect(Collectors.joining());
        assertThat(stdout).isEqualTo(hostile + "|false|");
        assertThat(master.catalog().jobs().find(submitted.getJobId()).orElseThrow().params()).containsEntry("token", "******")
                .containsEntry("who", hostile);
        assertThat(lastAudit("submit", "accepted").params()).contains("token=******").doesNotContain("hunter2");

        assertRefused(() -> client.submit(admin, id, List.of("127.0.0.2"), Map.of("who", "a/b", "token", "hunter2\n")), ErrorCode.INVALID_REQUEST,
                "token must not contain control characters");
        AuditEntry refused = lastAudit("submit", "INVALID_REQUEST");
        assertThat(refused.params()).contains("token=******").doesNotContain("hunter2");
        assertThat(refused.detail().orElseThrow()).doesNotContain("hunter2");
    }

    @Test
    void previewRendersTheDraftWithoutSavingAndNeverEchoesASecret()
            throws Exception
    {
        int before = master.catalog().modules().list().size();
        ModulePreviewReply preview = call("modulePreview", new ModulePreviewRequest(sessions.get(Role.AUTHOR), GREETER,
                Map.of("who", "it's me", "token", "hunter2")), new ModulePreviewReply());
        assertThat(preview.getArgv()).containsExactly("/bin/sh", "-c", "printf '%s|%s|' 'it'\\''s me' 'false'");
        assertThat(preview.getProblems()).isEmpty();
        assertThat(preview.getInfo().isShell()).isTrue();

        String legacy = "{\"name\": \"legacy\", \"legacyExtend\": \"<select name=sys_param_1 onchange=alert(1)><option>nginx</option>"
                + "<option>mysql</option></select><script>alert(2)</script>\", \"command\": [\"service\", \"${sys_param_1}\", \"status\"]}";
        ModulePreviewReply legacyPreview = call("modulePreview", new ModulePreviewRequest(sessions.get(Role.AUTHOR), legacy,
                Map.of("sys_param_1", "apache")), new ModulePreviewReply());
        assertThat(legacyPreview.getInfo().getLegacyForm()).isEqualTo("<select name=\"sys_param_1\"><option>nginx</option><option>mysql</option></select>");
        assertThat(legacyPreview.isSetArgv()).isFalse();
        assertThat(legacyPreview.getProblems()).containsExactly("sys_param_1 must be one of nginx, mysql (exact spelling), was 'apache'");

        ModulePreviewReply withSecretProblem = call("modulePreview", new ModulePreviewRequest(sessions.get(Role.AUTHOR),
                GREETER.replace("\"required\": false}]", "\"required\": false, \"pattern\": \"[a-z]+\"}]"), Map.of("who", "x", "token", "Hunter2")),
                new ModulePreviewReply());
        assertThat(String.join(" ", withSecretProblem.getProblems())).contains("token must").doesNotContain("Hunter2");
        assertThat(master.catalog().modules().list()).hasSize(before);
    }

    @Test
    void hostileDefinitionsAreRefusedAuditedAndChangeNothing()
            throws Exception
    {
        String author = sessions.get(Role.AUTHOR);
        int before = master.catalog().modules().list().size();
        assertRefused(() -> call("moduleCreate", new ModuleSaveRequest(author, "{\"name\": \"x\", \"command\": [\"cat\", \"/etc/${p}\"]}"),
                new ModuleChangeReply()), ErrorCode.INVALID_REQUEST, "invalid module definition: command template element '/etc/${p}' is broken");
        assertThat(lastAudit("moduleCreate", "INVALID_REQUEST").detail().orElseThrow()).contains("is broken");
        assertRefused(() -> call("moduleCreate", new ModuleSaveRequest(author, "{\"name\": \"x\", \"exec\": \"rm -rf /\"}"), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "unknown key 'exec'");
        assertRefused(() -> call("moduleCreate", new ModuleSaveRequest(author, "not json"), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "not valid JSON");
        assertRefused(() -> call("moduleCreate", new ModuleSaveRequest(author, "{\"id\": 1003, \"name\": \"x\"}"), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "module id 1003 is taken");
        assertRefused(() -> call("moduleUpdate", new ModuleSaveRequest(author, "{\"name\": \"x\"}").setExpectedVersion(0), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "the module file has no id");
        assertRefused(() -> call("moduleUpdate", new ModuleSaveRequest(author, "{\"id\": 1003, \"name\": \"x\"}"), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "expectedVersion is missing");
        assertRefused(() -> call("moduleDelete", new ModuleDeleteRequest(author, 1003, 0, 1003), new ModuleChangeReply()),
                ErrorCode.INVALID_REQUEST, "module 1003 is an OMServer built-in; confirm that you mean to delete a built-in");
        assertRefused(() -> call("moduleRollback", new ModuleRollbackRequest(author, 1003, 1, 0), new ModuleChangeReply()),
                ErrorCode.NOT_FOUND, "module 1003 has no version 1");
        assertThat(master.catalog().modules().list()).hasSize(before);
        assertThat(master.catalog().modules().find(1003).orElseThrow().runnable()).isTrue();
    }

    @Test
    void builtInsAreEditedAsVersionsAndDeletedOnlyWithConfirmation()
            throws Exception
    {
        String admin = sessions.get(Role.ADMIN);
        ModuleGetReply builtin = call("moduleGet", new ModuleGetRequest(admin, 1004), new ModuleGetReply());
        assertThat(builtin.getVersion()).isZero();
        call("moduleUpdate", new ModuleSaveRequest(admin, builtin.getDefinition().replace("\"timeoutSeconds\" : 60", "\"timeoutSeconds\" : 30"))
                .setExpectedVersion(0), new ModuleChangeReply());
        call("moduleDelete", new ModuleDeleteRequest(admin, 1004, 1, 1004).setConfirmBuiltin(true), new ModuleChangeReply());
        assertThat(master.catalog().modules().find(1004)).isEmpty();
        call("moduleRollback", new ModuleRollbackRequest(admin, 1004, 1, 2), new ModuleChangeReply());
        assertThat(master.catalog().modules().find(1004).orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    /** Every role against every authoring RPC: reads for all, changes for admin and author only, refusals audited. */
    @Test
    void authorizationMatrix()
            throws Throwable
    {
        for (Role role : Role.values()) {
            String session = sessions.get(role);
            boolean mayChange = role == Role.ADMIN || role == Role.AUTHOR;
            assertThat(call("moduleGet", new ModuleGetRequest(session, 1001), new ModuleGetReply()).getInfo().getId()).isEqualTo(1001);
            call("moduleVersions", new ModuleVersionsRequest(session, 1001), new ModuleVersionsReply());
            for (String method : CHANGES) {
                ThrowingCallable attempt = () -> change(method, session);
                if (mayChange) {
                    attempt.call();
                    assertThat(lastAudit(method, "accepted").actor()).isEqualTo(role.name().toLowerCase());
                }
                else {
                    assertRefused(attempt, ErrorCode.FORBIDDEN, "your role " + role.name().toLowerCase() + " may not change the module catalog; "
                            + "ask an admin for one of: admin, author");
                    assertThat(lastAudit(method, "FORBIDDEN").actor()).isEqualTo(role.name().toLowerCase());
                }
            }
        }
    }

    /** One authoring call as {@code session}; each one valid for a user allowed to make it. */
    private void change(String method, String session)
            throws TException
    {
        switch (method) {
            case "moduleCreate" -> matrixModule = call(method, new ModuleSaveRequest(session, "{\"name\": \"matrix\", \"command\": [\"true\"]}"),
                    new ModuleChangeReply()).getModuleId();
            case "moduleUpdate", "moduleSetEnabled", "moduleDelete", "moduleRollback" -> {
                int id = matrixModule;
                int version = master.catalog().modules().source(id).map(s -> s.version()).orElse(0);
                switch (method) {
                    case "moduleUpdate" -> call(method, new ModuleSaveRequest(session,
                            "{\"id\": " + id + ", \"name\": \"matrix\", \"command\": [\"false\"]}").setExpectedVersion(version), new ModuleChangeReply());
                    case "moduleSetEnabled" -> call(method, new ModuleEnableRequest(session, id, false, version), new ModuleChangeReply());
                    case "moduleDelete" -> call(method, new ModuleDeleteRequest(session, id, version, id), new ModuleChangeReply());
                    default -> call(method, new ModuleRollbackRequest(session, id, 1,
                            master.catalog().modules().versions(id).stream().mapToInt(v -> v.version()).max().orElse(0)), new ModuleChangeReply());
                }
            }
            default -> call(method, new ModulePreviewRequest(session, "{\"name\": \"matrix\", \"command\": [\"true\"]}", Map.of()),
                    new ModulePreviewReply());
        }
    }

    private EventsReply waitForCompletion(String session, long jobId)
            throws TException
    {
        List<HostEvent> all = new ArrayList<>();
        long cursor = 0;
        for (int poll = 0; poll < 50; poll++) {
            EventsReply page = client.events(session, jobId, cursor, 20_000, 500);
            all.addAll(page.getEvents());
            cursor = page.getNextCursor();
            if (page.isComplete()) {
                return page.setEvents(all);
            }
        }
        throw new AssertionError("job " + jobId + " did not complete within 50 polls");
    }

    private <T extends TBase<?, ?>> T call(String method, TBase<?, ?> request, T reply)
            throws TException
    {
        return client.call(method, request, reply);
    }

    private AuditEntry lastAudit(String action, String outcome)
    {
        AuditEntry entry = master.catalog().audit().latest(1).getFirst();
        assertThat(entry.action()).isEqualTo(action);
        assertThat(entry.outcome()).isEqualTo(outcome);
        return entry;
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode code, String messagePart)
    {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(OmsError.class, error -> assertThat(error.getCode()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }
}
