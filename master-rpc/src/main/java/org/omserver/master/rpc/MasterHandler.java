package org.omserver.master.rpc;

import org.omserver.master.legacy.LegacyCall;
import org.omserver.master.pipeline.Call;
import org.omserver.master.pipeline.Pipeline;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.master.pipeline.JobStages;
import org.omserver.master.pipeline.ScheduleStages;
import org.omserver.master.pipeline.Stages;
import org.omserver.master.job.Job;
import org.omserver.catalog.schedule.ScheduleRecord;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.ChangeScheduleRequest;
import org.omserver.protocol.thrift.CreateScheduleRequest;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.SchedulesRequest;
import org.omserver.protocol.thrift.CatalogRequest;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.InventoryRequest;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.LogoutRequest;
import org.omserver.protocol.thrift.Master;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.SubmitRequest;
import org.omserver.master.authoring.AuthoringStages;
import org.omserver.master.files.FileStages;
import org.omserver.protocol.thrift.FileListRequest;
import org.omserver.protocol.thrift.FileRehashRequest;
import org.omserver.protocol.thrift.FileRemoveRequest;
import org.omserver.protocol.thrift.FileUploadBeginRequest;
import org.omserver.protocol.thrift.FileUploadChunkRequest;
import org.omserver.protocol.thrift.FileUploadCommitRequest;
import org.omserver.master.agents.AgentRequestStages;
import org.omserver.master.agents.AgentStages;
import org.omserver.master.agents.CommandAllowStages;
import org.omserver.protocol.thrift.CommandAllowChangeRequest;
import org.omserver.protocol.thrift.CommandAllowListRequest;
import org.omserver.protocol.thrift.AgentRequestDecideRequest;
import org.omserver.protocol.thrift.AgentRequestsRequest;
import org.omserver.protocol.thrift.AgentMetricsRequest;
import org.omserver.protocol.thrift.AgentsRequest;
import org.omserver.protocol.thrift.CreateAgentTokenRequest;
import org.omserver.protocol.thrift.RevokeAgentRequest;
import org.omserver.master.inventory.InventoryStages;
import org.omserver.master.users.UserStages;
import org.omserver.protocol.thrift.AuditQueryRequest;
import org.omserver.protocol.thrift.ChangePasswordRequest;
import org.omserver.protocol.thrift.LogoutEverywhereRequest;
import org.omserver.protocol.thrift.UserChangeRequest;
import org.omserver.protocol.thrift.UsersRequest;
import org.omserver.protocol.thrift.ModuleDeleteRequest;
import org.omserver.protocol.thrift.ModuleEnableRequest;
import org.omserver.protocol.thrift.ModuleGetRequest;
import org.omserver.protocol.thrift.ModulePreviewRequest;
import org.omserver.protocol.thrift.ModuleRollbackRequest;
import org.omserver.protocol.thrift.ModuleSaveRequest;
import org.omserver.protocol.thrift.ModuleVersionsRequest;

import java.time.Clock;
import java.util.List;
import static org.omserver.master.pipeline.Stages.Permission.MANAGE_AGENTS;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;
import static org.omserver.master.pipeline.Stages.Permission.CONTROL_JOBS;
import static org.omserver.master.pipeline.Stages.Permission.EDIT_CATALOG;
import static org.omserver.master.pipeline.Stages.Permission.EDIT_INVENTORY;
import static org.omserver.master.pipeline.Stages.Permission.MANAGE_USERS;
import static org.omserver.master.pipeline.Stages.Permission.OWN_ACCOUNT;
import static org.omserver.master.pipeline.Stages.Permission.READ_AUDIT;
import static org.omserver.master.pipeline.Stages.Permission.READ_CATALOG;
import static org.omserver.master.pipeline.Stages.Permission.READ_HISTORY;
import static org.omserver.master.pipeline.Stages.Permission.SCHEDULE_RUNS;
import static org.omserver.master.pipeline.Stages.Permission.RUN_MODULES;

/**
 * The master's RPC methods. Each one is its list of stages, read top to bottom; {@link Pipeline} runs the list
 * and audits the outcome.
 */
public final class MasterHandler
        implements Master.Iface
{
    private final Pipeline pipeline;
    private final Stages stages;
    private final JobStages jobStages;
    private final ScheduleStages scheduleStages;
    private final AuthoringStages authoring;
    private final FileStages files;
    private final UserStages users;
    private final AgentStages agentStages;
    private final AgentRequestStages agentRequests;
    private final CommandAllowStages commandAllow;
    private final InventoryStages inventory;
    private final LegacyCall legacy;
    private final Supplier<String> peer;
    private final Clock clock;

    public MasterHandler(Pipeline pipeline, Stages stages, JobStages jobStages, ScheduleStages scheduleStages, AuthoringStages authoring,
            FileStages files, UserStages users, AgentStages agentStages, AgentRequestStages agentRequests, CommandAllowStages commandAllow, InventoryStages inventory, LegacyCall legacy, Supplier<String> peer, Clock clock)
    {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.stages = requireNonNull(stages, "stages is null");
        this.jobStages = requireNonNull(jobStages, "jobStages is null");
        this.scheduleStages = requireNonNull(scheduleStages, "scheduleStages is null");
        this.authoring = requireNonNull(authoring, "authoring is null");
        this.files = requireNonNull(files, "files is null");
        this.users = requireNonNull(users, "users is null");
        this.agentStages = requireNonNull(agentStages, "agentStages is null");
        this.agentRequests = requireNonNull(agentRequests, "agentRequests is null");
        this.commandAllow = requireNonNull(commandAllow, "commandAllow is null");
        this.inventory = requireNonNull(inventory, "inventory is null");
        this.legacy = requireNonNull(legacy, "legacy is null");
        this.peer = requireNonNull(peer, "peer is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String login(String sealed)
            throws OmsError
    {
        return run("login", true, List.of(
                stages.decode(sealed, LoginRequest::new, (request, call) -> {
                    call.setClaimedUser(request.getUsername());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.loginThrottle(),
                stages.verifyPassword(),
                stages.createSession(),
                stages.encode()));
    }

    @Override
    public String logout(String sealed)
            throws OmsError
    {
        return run("logout", true, List.of(
                stages.decode(sealed, LogoutRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.endSession(),
                stages.encode()));
    }

    @Override
    public String catalog(String sealed)
            throws OmsError
    {
        return run("catalog", true, List.of(
                stages.decode(sealed, CatalogRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                stages.listModules(),
                stages.encode()));
    }

    @Override
    public String inventory(String sealed)
            throws OmsError
    {
        return run("inventory", true, List.of(
                stages.decode(sealed, InventoryRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                stages.listInventory(),
                agentStages.inventoryLiveness(),
                stages.encode()));
    }

    @Override
    public String submit(String sealed)
            throws OmsError
    {
        return run("submit", true, List.of(
                stages.decode(sealed, SubmitRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setModuleId(request.getModuleId());
                    call.setRequestedTargets(request.getTargets());
                    call.setServerType(request.getServerType());
                    call.setRawParams(request.getParams());
                    call.setRollingSettings(JobStages.rollingSettings(request.getRolling()));
                }),
                stages.authenticate(),
                stages.authorize(RUN_MODULES),
                stages.resolveModule(),
                stages.validateParams(),
                inventory.resolveServerType(),
                stages.resolveTargets(),
                stages.planRolling(),
                stages.dispatch(),
                stages.submitReply(),
                stages.encode()));
    }

    /** Event polls are frequent and read-only: only their refusals are audited. */
    @Override
    public String events(String sealed)
            throws OmsError
    {
        return run("events", false, List.of(
                stages.decode(sealed, EventsRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                stages.readEvents(),
                stages.encode()));
    }

    // ---- issue 5: job history, job detail, output paging, cancel, retry, schedules ----------------

    /** History pages are reads like event polls: only refusals are audited. */
    @Override
    public String jobs(String sealed)
            throws OmsError
    {
        return run("jobs", false, List.of(
                stages.decode(sealed, JobsRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_HISTORY),
                jobStages.listJobs(),
                stages.encode()));
    }

    @Override
    public String jobDetail(String sealed)
            throws OmsError
    {
        return run("jobDetail", false, List.of(
                stages.decode(sealed, JobDetailRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_HISTORY),
                jobStages.jobDetail(),
                stages.encode()));
    }

    @Override
    public String hostOutput(String sealed)
            throws OmsError
    {
        return run("hostOutput", false, List.of(
                stages.decode(sealed, HostOutputRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_HISTORY),
                jobStages.hostOutput(),
                stages.encode()));
    }

    @Override
    public String cancel(String sealed)
            throws OmsError
    {
        return run("cancel", true, List.of(
                stages.decode(sealed, CancelRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setDetail("job " + request.getJobId());
                }),
                stages.authenticate(),
                stages.authorize(CONTROL_JOBS),
                jobStages.cancel(),
                stages.encode()));
    }

    /** A retry is a submit of the old job's module and parameters to its failed hosts, checked again like any submit. */
    @Override
    public String retryJob(String sealed)
            throws OmsError
    {
        return run("retryJob", true, List.of(
                stages.decode(sealed, RetryRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setDetail("job " + request.getJobId());
                }),
                stages.authenticate(),
                stages.authorize(CONTROL_JOBS),
                stages.authorize(RUN_MODULES),
                jobStages.prepareRetry(),
                stages.resolveModule(),
                stages.validateParams(),
                stages.resolveTargets(),
                stages.planRolling(),
                stages.dispatch(),
                jobStages.retryReply(),
                stages.encode()));
    }

    @Override
    public String createSchedule(String sealed)
            throws OmsError
    {
        return run("createSchedule", true, List.of(
                stages.decode(sealed, CreateScheduleRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setModuleId(request.getModuleId());
                    call.setRequestedTargets(request.getTargets());
                    call.setRawParams(request.getParams());
                    call.setRollingSettings(JobStages.rollingSettings(request.getRolling()));
                }),
                stages.authenticate(),
                stages.authorize(SCHEDULE_RUNS),
                scheduleStages.checkSchedule(),
                stages.resolveModule(),
                stages.validateParams(),
                stages.resolveTargets(),
                stages.planRolling(),
                scheduleStages.storeSchedule(),
                stages.encode()));
    }

    @Override
    public String schedules(String sealed)
            throws OmsError
    {
        return run("schedules", false, List.of(
                stages.decode(sealed, SchedulesRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_HISTORY),
                scheduleStages.listSchedules(),
                stages.encode()));
    }

    @Override
    public String changeSchedule(String sealed)
            throws OmsError
    {
        return run("changeSchedule", true, List.of(
                stages.decode(sealed, ChangeScheduleRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(SCHEDULE_RUNS),
                scheduleStages.changeSchedule(),
                stages.encode()));
    }

    /** A run started by the scheduler: the submit stages, as the schedule's owner; audited as {@code scheduledRun}. */
    public Job scheduledRun(ScheduleRecord schedule)
            throws Refusal
    {
        return pipeline.run(new Call("scheduledRun", clock.instant(), "scheduler", true), List.of(
                scheduleStages.scheduleOwner(schedule),
                stages.authorize(RUN_MODULES),
                stages.resolveModule(),
                stages.validateParams(),
                stages.resolveTargets(),
                stages.planRolling(),
                stages.dispatch())).requireJob();
    }

    /** OMServer's call: same stages as submit, as the legacy caller, waiting for the hosts; errors come back as reply text. */
    @Override
    public String runCommands(String token)
    {
        Call call = new Call(LegacyCall.METHOD, clock.instant(), peer.get(), true);
        LegacyCall.Exchange exchange = new LegacyCall.Exchange();
        Optional<Refusal> refusal = Optional.empty();
        try {
            pipeline.run(call, List.of(
                    legacy.checkEnabled(),
                    legacy.decode(token, exchange),
                    stages.legacyPrincipal(),
                    stages.authorize(RUN_MODULES),
                    stages.resolveModule(),
                    stages.validateParams(),
                    stages.resolveTargets(),
                    stages.dispatch(),
                    legacy.awaitResults()));
        }
        catch (Refusal r) {
            refusal = Optional.of(r);
        }
        return legacy.encode(call, exchange, refusal);
    }

    // ---- module authoring (issue 4): reads for every role, changes for admin and author; every call audited ----

    @Override
    public String moduleGet(String sealed)
            throws OmsError
    {
        return run("moduleGet", true, List.of(
                stages.decode(sealed, ModuleGetRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setModuleId(request.getModuleId());
                }),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                authoring.getModule(),
                stages.encode()));
    }

    @Override
    public String moduleCreate(String sealed)
            throws OmsError
    {
        return run("moduleCreate", true, List.of(
                stages.decode(sealed, ModuleSaveRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                authoring.createModule(),
                stages.encode()));
    }

    @Override
    public String moduleUpdate(String sealed)
            throws OmsError
    {
        return run("moduleUpdate", true, List.of(
                stages.decode(sealed, ModuleSaveRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                authoring.updateModule(),
                stages.encode()));
    }

    @Override
    public String moduleSetEnabled(String sealed)
            throws OmsError
    {
        return run("moduleSetEnabled", true, List.of(
                stages.decode(sealed, ModuleEnableRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setModuleId(request.getModuleId());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                authoring.setEnabled(),
                stages.encode()));
    }

    @Override
    public String moduleDelete(String sealed)
            throws OmsError
    {
        return run("moduleDelete", true, List.of(
                stages.decode(sealed, ModuleDeleteRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setModuleId(request.getModuleId());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                authoring.deleteModule(),
                stages.encode()));
    }

    @Override
    public String moduleVersions(String sealed)
            throws OmsError
    {
        return run("moduleVersions", true, List.of(
                stages.decode(sealed, ModuleVersionsRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setModuleId(request.getModuleId());
                }),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                authoring.listVersions(),
                stages.encode()));
    }

    @Override
    public String moduleRollback(String sealed)
            throws OmsError
    {
        return run("moduleRollback", true, List.of(
                stages.decode(sealed, ModuleRollbackRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setModuleId(request.getModuleId());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                authoring.rollback(),
                stages.encode()));
    }

    /** Sample values are not copied into the call: a refused preview must not audit a secret. */
    @Override
    public String modulePreview(String sealed)
            throws OmsError
    {
        return run("modulePreview", true, List.of(
                stages.decode(sealed, ModulePreviewRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                authoring.preview(),
                stages.encode()));
    }

    // ---- users, grants, audit (issue 4): admin only, but one's own password and sessions; every call audited ----

    @Override
    public String users(String sealed)
            throws OmsError
    {
        return run("users", true, List.of(
                stages.decode(sealed, UsersRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(MANAGE_USERS),
                users.listUsers(),
                stages.encode()));
    }

    @Override
    public String userChange(String sealed)
            throws OmsError
    {
        return run("userChange", true, List.of(
                stages.decode(sealed, UserChangeRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setDetail(String.valueOf(request.getAction()).toLowerCase(java.util.Locale.ROOT) + " " + request.getUsername());
                }),
                stages.authenticate(),
                stages.authorize(MANAGE_USERS),
                users.changeUser(),
                stages.encode()));
    }

    /** Passwords are never copied into the call, so no audit row can hold one. */
    @Override
    public String changePassword(String sealed)
            throws OmsError
    {
        return run("changePassword", true, List.of(
                stages.decode(sealed, ChangePasswordRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(OWN_ACCOUNT),
                users.changeOwnPassword(),
                stages.encode()));
    }

    @Override
    public String logoutEverywhere(String sealed)
            throws OmsError
    {
        return run("logoutEverywhere", true, List.of(
                stages.decode(sealed, LogoutEverywhereRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(OWN_ACCOUNT),
                users.logoutEverywhere(),
                stages.encode()));
    }

    /** Reading the audit log is itself audited (who looked, with which filters in the detail of a refusal). */
    @Override
    public String auditLog(String sealed)
            throws OmsError
    {
        return run("auditLog", true, List.of(
                stages.decode(sealed, AuditQueryRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_AUDIT),
                users.queryAudit(),
                stages.encode()));
    }

    // ---- agents web (issue 3): listing for every role, changes for admins; every call audited ----

    @Override
    public String agents(String sealed)
            throws OmsError
    {
        return run("agents", false, List.of(
                stages.decode(sealed, AgentsRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                agentStages.listAgents(),
                stages.encode()));
    }

    @Override
    public String agentMetrics(String sealed)
            throws OmsError
    {
        return run("agentMetrics", false, List.of(
                stages.decode(sealed, AgentMetricsRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                agentStages.agentMetrics(),
                stages.encode()));
    }

    @Override
    public String agentRevoke(String sealed)
            throws OmsError
    {
        return run("agentRevoke", true, List.of(
                stages.decode(sealed, RevokeAgentRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(MANAGE_AGENTS),
                agentStages.revoke(),
                stages.encode()));
    }

    @Override
    public String agentTokenCreate(String sealed)
            throws OmsError
    {
        return run("agentTokenCreate", true, List.of(
                stages.decode(sealed, CreateAgentTokenRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(MANAGE_AGENTS),
                agentStages.createToken(),
                stages.encode()));
    }

    // ---- enrollment requests (issue 3): admin only; every call audited ----

    @Override
    public String agentRequests(String sealed)
            throws OmsError
    {
        return run("agentRequests", false, List.of(
                stages.decode(sealed, AgentRequestsRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(MANAGE_AGENTS),
                agentRequests.list(),
                stages.encode()));
    }

    @Override
    public String agentRequestDecide(String sealed)
            throws OmsError
    {
        return run("agentRequestDecide", true, List.of(
                stages.decode(sealed, AgentRequestDecideRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(MANAGE_AGENTS),
                agentRequests.decide(),
                stages.encode()));
    }

    // ---- the master's command allow-list (issue 3): listing for every role, changes for admins; changes audited ----

    @Override
    public String commandAllowList(String sealed)
            throws OmsError
    {
        return run("commandAllowList", false, List.of(
                stages.decode(sealed, CommandAllowListRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                commandAllow.list(),
                stages.encode()));
    }

    @Override
    public String commandAllowChange(String sealed)
            throws OmsError
    {
        return run("commandAllowChange", true, List.of(
                stages.decode(sealed, CommandAllowChangeRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(MANAGE_AGENTS),
                commandAllow.change(),
                stages.encode()));
    }

    // ---- file store (issue 3): list for every role, changes for admin and author; every call audited but chunks ----

    @Override
    public String fileList(String sealed)
            throws OmsError
    {
        return run("fileList", false, List.of(
                stages.decode(sealed, FileListRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                files.list(),
                stages.encode()));
    }

    @Override
    public String fileUploadBegin(String sealed)
            throws OmsError
    {
        return run("fileUploadBegin", true, List.of(
                stages.decode(sealed, FileUploadBeginRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    FileStages.auditName(call, request.getName());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                files.beginUpload(),
                stages.encode()));
    }

    /** Chunks are audited only when refused (a large file is many chunks); begin and commit are always audited. */
    @Override
    public String fileUploadChunk(String sealed)
            throws OmsError
    {
        return run("fileUploadChunk", false, List.of(
                stages.decode(sealed, FileUploadChunkRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                files.uploadChunk(),
                stages.encode()));
    }

    @Override
    public String fileUploadCommit(String sealed)
            throws OmsError
    {
        return run("fileUploadCommit", true, List.of(
                stages.decode(sealed, FileUploadCommitRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                files.commitUpload(),
                stages.encode()));
    }

    @Override
    public String fileRemove(String sealed)
            throws OmsError
    {
        return run("fileRemove", true, List.of(
                stages.decode(sealed, FileRemoveRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    FileStages.auditName(call, request.getName());
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                files.remove(),
                stages.encode()));
    }

    @Override
    public String fileRehash(String sealed)
            throws OmsError
    {
        return run("fileRehash", true, List.of(
                stages.decode(sealed, FileRehashRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    if (request.isSetName()) {
                        FileStages.auditName(call, request.getName());
                    }
                }),
                stages.authenticate(),
                stages.authorize(EDIT_CATALOG),
                files.rehash(),
                stages.encode()));
    }

    // ---- inventory management (issue 4): reads for every role, changes for admin; every change audited ----

    /** Searches are reads: only their refusals are audited. */
    @Override
    public String serverSearch(String sealed)
            throws OmsError
    {
        return run("serverSearch", false, List.of(
                stages.decode(sealed, org.omserver.protocol.thrift.ServerSearchRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                inventory.search(),
                stages.encode()));
    }

    @Override
    public String categoryChange(String sealed)
            throws OmsError
    {
        return run("categoryChange", true, List.of(
                stages.decode(sealed, org.omserver.protocol.thrift.CategoryChangeRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setRawParams(shown(java.util.Map.of("action", String.valueOf(request.getAction()), "id", request.isSetId() ? String.valueOf(request.getId()) : "",
                            "functionCategoryId", request.isSetFunctionCategoryId() ? String.valueOf(request.getFunctionCategoryId()) : "",
                            "name", String.valueOf(request.getName()))));
                }),
                stages.authenticate(),
                stages.authorize(EDIT_INVENTORY),
                inventory.changeCategory(),
                stages.encode()));
    }

    @Override
    public String serverChange(String sealed)
            throws OmsError
    {
        return run("serverChange", true, List.of(
                stages.decode(sealed, org.omserver.protocol.thrift.ServerChangeRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setRequestedTargets(List.of(String.valueOf(request.getLanIp())));
                    java.util.Map<String, String> shown = new java.util.TreeMap<>();
                    shown.put("action", String.valueOf(request.getAction()));
                    if (request.isSetFields()) {
                        var fields = request.getFields();
                        shown.put("name", String.valueOf(fields.getName()));
                        shown.put("wanIp", String.valueOf(fields.getWanIp()));
                        shown.put("sshPort", fields.isSetSshPort() ? String.valueOf(fields.getSshPort()) : "22");
                        shown.put("sshUser", String.valueOf(fields.getSshUser()));
                        shown.put("backend", String.valueOf(fields.getBackend()));
                        shown.put("tags", fields.isSetTags() ? String.join(" ", fields.getTags()) : "");
                        shown.put("appCategoryId", String.valueOf(fields.getAppCategoryId()));
                    }
                    if (request.isSetAppCategoryId()) {
                        shown.put("appCategoryId", String.valueOf(request.getAppCategoryId()));
                    }
                    call.setRawParams(shown(shown));
                }),
                stages.authenticate(),
                stages.authorize(EDIT_INVENTORY),
                inventory.changeServer(),
                stages.encode()));
    }

    @Override
    public String groups(String sealed)
            throws OmsError
    {
        return run("groups", false, List.of(
                stages.decode(sealed, org.omserver.protocol.thrift.GroupsRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                inventory.listGroups(),
                stages.encode()));
    }

    @Override
    public String groupChange(String sealed)
            throws OmsError
    {
        return run("groupChange", true, List.of(
                stages.decode(sealed, org.omserver.protocol.thrift.GroupChangeRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setRawParams(shown(java.util.Map.of("action", String.valueOf(request.getAction()), "name", String.valueOf(request.getName()),
                            "newName", String.valueOf(request.getNewName()))));
                    if (request.isSetLanIps()) {
                        call.setRequestedTargets(request.getLanIps().stream().limit(Stages.MAX_TARGETS).toList());
                    }
                }),
                stages.authenticate(),
                stages.authorize(EDIT_INVENTORY),
                inventory.changeGroup(),
                stages.encode()));
    }

    /** Exports are audited (who took a copy of the inventory). */
    @Override
    public String inventoryExport(String sealed)
            throws OmsError
    {
        return run("inventoryExport", true, List.of(
                stages.decode(sealed, org.omserver.protocol.thrift.InventoryExportRequest::new, (request, call) -> call.setSessionToken(request.getSession())),
                stages.authenticate(),
                stages.authorize(READ_CATALOG),
                inventory.export(),
                stages.encode()));
    }

    @Override
    public String inventoryImport(String sealed)
            throws OmsError
    {
        return run("inventoryImport", true, List.of(
                stages.decode(sealed, org.omserver.protocol.thrift.InventoryImportRequest::new, (request, call) -> {
                    call.setSessionToken(request.getSession());
                    call.setClientAddress(request.getClientAddress());
                    call.setRawParams(java.util.Map.of("dryRun", String.valueOf(request.isDryRun()), "bytes", String.valueOf(request.getCsv().length())));
                }),
                stages.authenticate(),
                stages.authorize(EDIT_INVENTORY),
                inventory.importCsv(),
                stages.encode()));
    }

    /** Request values for the audit row: "null" (unset) left out. */
    private static java.util.Map<String, String> shown(java.util.Map<String, String> values)
    {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        values.forEach((key, value) -> {
            if (!value.equals("null") && !value.isEmpty()) {
                out.put(key, value);
            }
        });
        return out;
    }

    private String run(String method, boolean auditWhenAccepted, List<Stage> stageList)
            throws OmsError
    {
        try {
            return pipeline.run(new Call(method, clock.instant(), peer.get(), auditWhenAccepted), stageList).reply(String.class);
        }
        catch (Refusal refusal) {
            throw refusal.toOmsError();
        }
    }
}
