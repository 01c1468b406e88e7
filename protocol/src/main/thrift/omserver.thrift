/*
 * OMServer for Java — the master's RPC interface.
 *
 * Transport: framed, binary protocol (TThreadedSelectorServer on the master).
 *
 * runCommands is the OMServer legacy call: its token is a v1 or v2 envelope around
 * "ModuleID@@ip*name,ip*name@@p1@@[p2@@]" and its reply is the envelope of the result text.
 *
 * Every other call takes and returns a v2 envelope (see org.omserver.protocol.envelope.SealedEnvelope)
 * whose plaintext is the binary-protocol serialization of the request/reply struct named in the
 * comment. The envelope context is the method name for requests and "<method>.reply" for replies,
 * so a sealed request cannot be replayed as another call or passed off as a reply.
 * Refusals come back as OmsError with a stable code and a message that says what to do.
 */
namespace java org.omserver.protocol.thrift
namespace py omserver

/** Stable error codes: clients switch on these, never on message text. */
enum ErrorCode {
  /** Envelope undecodable, wrong version, bad MAC, too large: the secrets differ or the data was altered. */
  BAD_ENVELOPE = 1,
  /** Envelope timestamp outside the accepted window (check clocks) or seen before (replay). */
  STALE_OR_REPLAYED = 2,
  /** No such session, session expired, or wrong user name or password. */
  UNAUTHENTICATED = 3,
  /** Authenticated, but the role does not allow this. */
  FORBIDDEN = 4,
  /** The request is well-formed but its content is invalid (parameter, target, module state). */
  INVALID_REQUEST = 5,
  /** Module, job or host does not exist. */
  NOT_FOUND = 6,
  /** Too many requests, login throttled. */
  THROTTLED = 7,
  /** The legacy call is switched off in the master configuration. */
  LEGACY_DISABLED = 8,
  /** Something broke inside the master; the message carries an incident id found in its log. */
  INTERNAL = 9
}

exception OmsError {
  1: required ErrorCode code,
  2: required string message
}

enum Role {
  ADMIN = 1,
  AUTHOR = 2,
  OPERATOR = 3,
  VIEWER = 4
}

// ---- login ----------------------------------------------------------------------------------

struct LoginRequest {
  1: required string username,
  2: required string password,
  /** Address of the browser as the gateway saw it, for the audit log. */
  3: optional string clientAddress
}

struct LoginReply {
  /** Opaque session token; send it in every later request. */
  1: required string session,
  2: required string username,
  3: required Role role,
  4: required i64 expiresAtMillis
}

struct LogoutRequest {
  1: required string session,
  2: optional string clientAddress
}

struct LogoutReply {
  1: required bool loggedOut
}

// ---- catalog --------------------------------------------------------------------------------

enum ParamType {
  INT = 1,
  ENUM = 2,
  STRING = 3,
  /** module authoring (issue 4): "true" or "false". */
  BOOLEAN = 4,
  /** module authoring (issue 4): a file name from the master's file store. */
  FILE = 5,
  /** module authoring (issue 4): text that is masked everywhere (audit, history, echoes). */
  SECRET = 6
}

struct ParamSpec {
  /** Form field name, e.g. sys_param_1. */
  1: required string name,
  2: required string label,
  3: required ParamType type,
  4: required bool mandatory,
  5: optional string defaultValue,
  /** INT bounds, inclusive. */
  6: optional i64 min,
  7: optional i64 max,
  /** ENUM: the allowed choices, in display order. */
  8: optional list<string> choices,
  /** STRING: a Java regular expression the whole value must match. */
  9: optional string pattern,
  10: optional i32 maxLength,
  11: optional string help
}

struct ModuleInfo {
  1: required i32 id,
  2: required string name,
  /** Plain text (the catalog strips markup from legacy HTML captions). */
  3: required string caption,
  4: required list<ParamSpec> params,
  /** False when the module cannot run yet; caption says why. */
  5: required bool runnable,
  // module authoring (issue 4)
  /** The legacy module_extend fragment after the allow-list sanitizer (form controls and text only). */
  6: optional string legacyForm,
  /** True: the command runs through /bin/sh -c with every parameter single-quoted; show it as such. */
  7: optional bool shell,
  /** "any", "ssh" or "agent". */
  8: optional string backend,
  9: optional i32 timeoutSeconds,
  10: optional i32 maxParallel,
  11: optional bool needsRoot,
  12: optional bool enabled,
  /** Catalog version of the module; changes name the version they were made from. */
  13: optional i32 version
}

struct CatalogRequest {
  1: required string session
}

struct CatalogReply {
  1: required list<ModuleInfo> modules
}

// ---- inventory ------------------------------------------------------------------------------

struct FunctionCategory {
  1: required i32 id,
  2: required string name
}

struct AppCategory {
  1: required i32 id,
  2: required i32 functionCategoryId,
  3: required string name
}

struct ServerInfo {
  /** LAN IP: the server's key, as in OMServer's server_list. */
  1: required string lanIp,
  2: required string name,
  3: optional string wanIp,
  4: optional string os,
  5: required i32 appCategoryId,
  /** Executor backend the master will use for this host (e.g. "ssh"). */
  6: required string backend,
  // ---- agents web (issue 3): liveness of agent hosts; unset for hosts without an enrolled agent ----
  20: optional bool agentOnline,
  21: optional i64 agentLastHeartbeatMillis,
  // ---- inventory management (issue 4) ----
  30: optional i32 sshPort,
  /** Unset: the SSH backend's default user. */
  31: optional string sshUser,
  /** What the inventory says: agent, ssh, or any (the master's executor.default). */
  32: optional string preferredBackend,
  33: optional list<string> tags,
  /** Names of the groups (IOMS server types) the server is in; set by serverSearch. */
  34: optional list<string> groups,
  /** True once an admin created or edited the server: agent announces then keep its name and WAN IP. */
  35: optional bool adminEdited
}

struct InventoryRequest {
  1: required string session
}

struct InventoryReply {
  1: required list<FunctionCategory> functionCategories,
  2: required list<AppCategory> appCategories,
  3: required list<ServerInfo> servers
}

// ---- runs -----------------------------------------------------------------------------------

struct SubmitRequest {
  1: required string session,
  2: required i32 moduleId,
  /** LAN IPs from server_list; the master re-resolves every one. */
  3: required list<string> targets,
  /** Raw form values by field name; the master validates them against the module schema. */
  4: required map<string, string> params,
  5: optional string clientAddress,
  /** Issue 5: rolling-run settings; unset runs every host at once (bounded by run.max-parallel). */
  6: optional RollingOptions rolling,
  /**
   * Issue 4, IOMS servertype=NAME: the master resolves the name (a server group, else an application category) to
   * its hosts whose agent is online now; targets must then be empty.
   */
  10: optional string serverType
}

struct TargetHost {
  1: required string lanIp,
  2: required string name
}

struct SubmitReply {
  1: required i64 jobId,
  2: required i32 moduleId,
  3: required string moduleName,
  4: required list<TargetHost> hosts
}

enum EventKind {
  QUEUED = 1,
  STARTED = 2,
  STDOUT = 3,
  STDERR = 4,
  FINISHED = 5
}

enum HostStatus {
  SUCCESS = 1,
  FAILED = 2,
  /** Issue 5: never launched (job cancelled, or its failure threshold was exceeded); failureReason SKIPPED, the message says why. */
  SKIPPED = 3
}

struct HostEvent {
  /** Position in the job's event sequence, starting at 1 with no gaps. */
  1: required i64 seq,
  2: required EventKind kind,
  3: required string lanIp,
  4: required string hostName,
  /** STDOUT / STDERR: the chunk of text. */
  5: optional string text,
  /** FINISHED only. */
  6: optional HostStatus status,
  7: optional i32 exitCode,
  /** FINISHED with FAILED: the reason name (UNREACHABLE, AUTH_FAILED, HOST_KEY_REJECTED, TIMEOUT, NON_ZERO_EXIT, ...). */
  8: optional string failureReason,
  9: optional string failureMessage,
  10: optional i64 durationMillis
}

struct EventsRequest {
  1: required string session,
  2: required i64 jobId,
  /** Return events with seq > cursor; 0 for the start of the job. */
  3: required i64 cursor,
  /** Long-poll: wait up to this long for at least one event (the master caps it). */
  4: required i32 maxWaitMillis,
  5: optional i32 maxEvents
}

struct EventsReply {
  1: required list<HostEvent> events,
  /** Pass back as cursor next time. */
  2: required i64 nextCursor,
  /** True once every host has finished and every event has been returned. */
  3: required bool complete,
  4: required i32 hostsTotal,
  5: required i32 hostsDone
}

// ---- module authoring (issue 4) ---------------------------------------------------------------
// Module definitions travel as module-file JSON (module-catalog/README.md), the same text files and the CLI
// use, so the gateway, the CLI and files cannot drift apart. The master checks every definition.

struct ModuleGetRequest {
  1: required string session,
  2: required i32 moduleId
}

struct ModuleGetReply {
  1: required ModuleInfo info,
  /** The module file (canonical JSON): what export writes and edit starts from. */
  2: required string definition,
  3: required i32 version
}

struct ModuleSaveRequest {
  1: required string session,
  /** Module-file JSON. create: id 0 or absent = next free id (1008 or more). update: the id to replace. */
  2: required string definition,
  /** update only: the version the edit started from. */
  3: optional i32 expectedVersion,
  4: optional string clientAddress
}

struct ModuleEnableRequest {
  1: required string session,
  2: required i32 moduleId,
  3: required bool enabled,
  4: required i32 expectedVersion,
  5: optional string clientAddress
}

struct ModuleDeleteRequest {
  1: required string session,
  2: required i32 moduleId,
  3: required i32 expectedVersion,
  /** The confirm step: must repeat moduleId. */
  4: required i32 confirmModuleId,
  /** Must be true to delete a built-in module (1001-1007). */
  5: optional bool confirmBuiltin,
  6: optional string clientAddress
}

struct ModuleRollbackRequest {
  1: required string session,
  2: required i32 moduleId,
  /** Make the module what it was after this version. */
  3: required i32 toVersion,
  /** The module's current version (for a deleted module: its last version, the deletion). */
  4: required i32 expectedVersion,
  5: optional string clientAddress
}

struct ModuleChangeReply {
  1: required i32 moduleId,
  2: required i32 version,
  /** What changed, e.g. "changed caption, command". */
  3: required string summary
}

struct ModuleVersionsRequest {
  1: required string session,
  2: required i32 moduleId
}

struct ModuleVersionInfo {
  1: required i32 version,
  2: required i64 changedAtMillis,
  3: required string actor,
  /** create, update, enable, disable, import, delete, rollback */
  4: required string action,
  5: required string summary,
  /** Module-file JSON after the change; absent for a delete. */
  6: optional string definition
}

struct ModuleVersionsReply {
  /** Newest first. */
  1: required list<ModuleVersionInfo> versions
}

struct ModulePreviewRequest {
  1: required string session,
  /** Module-file JSON of a draft; the master checks it and renders it without saving or running anything. */
  2: required string definition,
  /** Sample form values. */
  3: required map<string, string> params
}

struct ModulePreviewReply {
  /** The draft as the run page would show it (legacy form sanitized). */
  1: required ModuleInfo info,
  /** The argument vector the sample values give; secret values appear masked. Absent when they are invalid. */
  2: optional list<string> argv,
  /** Problems with the sample values, one sentence each. */
  3: required list<string> problems
}


// ---- issue 5: job history, job detail, output paging, cancel, retry, rolling runs, schedules --

/**
 * Rolling-run settings of a submit (and of a schedule). Counts are whole numbers; batchSize and
 * failureThreshold also take a percentage of the targets, "25%" (rounded up, at least 1).
 */
struct RollingOptions {
  /** Hosts per batch, "10" or "25%": the next batch starts when the previous one has finished. Unset: one batch. */
  1: optional string batchSize,
  /** Hosts of the job running at the same time, 1..run.max-parallel. Unset: run.max-parallel. */
  2: optional i32 maxInFlight,
  /** Stop launching hosts once more than this many failed, "3" or "10%"; the rest finish SKIPPED. Unset: never stop. */
  3: optional string failureThreshold,
  /** Per-host command timeout in seconds, 1..the module's timeout; connecting has its own timeout. */
  4: optional i32 commandTimeoutSeconds
}

enum JobStatus {
  RUNNING = 1,
  /** Every host finished (whatever each host's outcome). */
  FINISHED = 2,
  /** The master stopped before every host finished; the results gathered so far are kept. */
  INTERRUPTED = 3,
  /** Cancelled by a user: running hosts interrupted, the rest SKIPPED. */
  CANCELLED = 4,
  /** The failure threshold was exceeded: hosts not yet launched were SKIPPED (see stopReason). */
  STOPPED = 5
}

/** Host counts of a job. total = succeeded + failed + skipped + running + queued. */
struct JobProgress {
  1: required i32 total,
  2: required i32 succeeded,
  3: required i32 failed,
  4: required i32 skipped,
  5: required i32 running,
  6: required i32 queued
}

struct JobSummary {
  1: required i64 jobId,
  2: required i64 createdAtMillis,
  3: optional i64 finishedAtMillis,
  /** Who ran it (for scheduled runs: the schedule's owner). */
  4: required string username,
  5: required i32 moduleId,
  /** Empty when the module was deleted since. */
  6: required string moduleName,
  7: required JobStatus status,
  8: required JobProgress progress,
  /** Set on a retry: the job it retried. */
  9: optional i64 parentJobId,
  /** Set when a schedule started it. */
  10: optional i64 scheduleId
}

/** Newest first, keyset-paged: pass the last row's jobId as beforeJobId for the next page. */
struct JobsRequest {
  1: required string session,
  /** Only jobs with an id below this; unset or 0 for the newest. */
  2: optional i64 beforeJobId,
  /** 1..200, default 50. */
  3: optional i32 limit,
  4: optional string username,
  5: optional i32 moduleId,
  6: optional JobStatus status,
  /** Created at or after (inclusive), epoch millis. */
  7: optional i64 sinceMillis,
  /** Created before (exclusive), epoch millis. */
  8: optional i64 untilMillis
}

struct JobsReply {
  1: required list<JobSummary> jobs,
  /** Pass as beforeJobId for the next page; unset when this was the last page. */
  2: optional i64 nextBeforeJobId
}

enum HostState {
  QUEUED = 1,
  RUNNING = 2,
  SUCCESS = 3,
  FAILED = 4,
  SKIPPED = 5
}

/** One host of a job, without its output (read that with hostOutput). */
struct HostSummary {
  1: required string lanIp,
  2: required string hostName,
  3: required HostState state,
  4: optional i32 exitCode,
  /** FAILED: UNREACHABLE, AUTH_FAILED, TIMEOUT, NON_ZERO_EXIT, INTERRUPTED, ...; SKIPPED: SKIPPED (message says why). */
  5: optional string failureReason,
  6: optional string message,
  7: optional i64 durationMillis,
  /** Characters of output kept (stored or in memory). */
  8: required i32 stdoutChars,
  9: required i32 stderrChars,
  /** The output was longer than the cap and was cut (see JobDetailReply.outputCapBytes). */
  10: required bool truncated,
  /** Identifies the output group (same stdout, stderr and exit code); empty until the host finished. */
  11: required string outputGroup
}

/** Hosts whose finished output is identical (stdout, stderr, exit code), like clush -b. */
struct OutputGroup {
  1: required string outputGroup,
  2: required i32 hostCount,
  /** The first hosts of the group (at most 1000), in target order. */
  3: required list<string> lanIps,
  4: optional i32 exitCode,
  /** The start of the shared output (at most 4096 characters each); read all of it with hostOutput on any host of the group. */
  5: required string stdoutHead,
  6: required string stderrHead,
  7: required bool headTruncated
}

struct JobDetailRequest {
  1: required string session,
  2: required i64 jobId,
  /** Host page: offset into the filtered hosts (target order), and size 1..1000 (default 200). */
  3: optional i32 hostOffset,
  4: optional i32 hostLimit,
  /** Filters, combined with AND. */
  5: optional list<HostState> states,
  /** e.g. UNREACHABLE, TIMEOUT, NON_ZERO_EXIT. */
  6: optional string failureReason,
  /** Hosts whose stdout or stderr contains this text (at most 256 characters). */
  7: optional string outputContains,
  /** Also return the output groups of the filtered, finished hosts (largest first, at most 100). */
  8: optional bool withGroups
}

struct JobDetailReply {
  1: required JobSummary summary,
  /** Parameters as shown (secrets masked). */
  2: required map<string, string> params,
  3: required list<TargetHost> targets,
  4: optional RollingOptions rolling,
  /** Why the job stopped early, e.g. "stopped: 4 failures exceeded the threshold of 3"; or who cancelled it. */
  5: optional string stopReason,
  /** Retries of this job. */
  6: required list<i64> childJobIds,
  /** Hosts matching the filters, and the page of them. */
  7: required i32 matchingHosts,
  8: required list<HostSummary> hosts,
  9: optional list<OutputGroup> groups,
  /** Largest stored output per stream and host, in bytes of UTF-8. */
  10: required i32 outputCapBytes
}

/** One host's output, stdout and stderr apart, each paged by character offset. */
struct HostOutputRequest {
  1: required string session,
  2: required i64 jobId,
  3: required string lanIp,
  4: optional i32 stdoutOffset,
  5: optional i32 stderrOffset,
  /** Characters per stream, 1..1048576 (default 65536). */
  6: optional i32 limit
}

struct HostOutputReply {
  1: required HostSummary host,
  2: required string stdout,
  3: required string stderr,
  4: required i32 nextStdoutOffset,
  5: required i32 nextStderrOffset,
  /** True when the page reaches the end of the kept output of that stream. */
  6: required bool stdoutEnd,
  7: required bool stderrEnd,
  8: required i32 outputCapBytes
}

struct CancelRequest {
  1: required string session,
  2: required i64 jobId,
  3: optional string clientAddress
}

struct CancelReply {
  1: required i64 jobId,
  2: required JobStatus status,
  /** False when the job had already ended (cancelling is idempotent). */
  3: required bool cancelled
}

enum RetryScope {
  /** Hosts that failed for any reason, UNREACHABLE included. */
  FAILED_AND_UNREACHABLE = 1,
  /** Failed hosts except UNREACHABLE ones. */
  FAILED_ONLY = 2,
  UNREACHABLE_ONLY = 3
}

struct RetryRequest {
  1: required string session,
  2: required i64 jobId,
  3: optional RetryScope scope,
  /** Also rerun hosts that were SKIPPED (cancelled or stopped by the threshold). */
  4: optional bool includeSkipped,
  5: optional string clientAddress,
  /** Rolling settings of the new run; unset: those of the retried job. */
  6: optional RollingOptions rolling
}

/** The new job: same module and parameters, only the chosen hosts, parentJobId = the retried job. */
struct RetryReply {
  1: required SubmitReply submitted,
  2: required i64 parentJobId
}

enum OverlapPolicy {
  /** A run due while the previous one still runs is skipped (and noted). */
  SKIP = 1,
  /** It starts as soon as the previous one has finished (at most one waits). */
  QUEUE = 2
}

struct ScheduleInfo {
  1: required i64 scheduleId,
  2: required string name,
  3: required string owner,
  /** Unix cron, five fields: minute hour day-of-month month day-of-week, in UTC. */
  4: required string cron,
  5: required i32 moduleId,
  6: required string moduleName,
  7: required list<string> targets,
  8: required map<string, string> params,
  9: optional RollingOptions rolling,
  10: required OverlapPolicy overlap,
  11: required bool paused,
  /** Unset while paused. */
  12: optional i64 nextRunMillis,
  13: optional i64 lastRunMillis,
  14: optional i64 lastJobId,
  /** What happened at the last due time: "started job 12", "skipped: job 11 still running", or the refusal. */
  15: optional string lastOutcome,
  /** The next due times after nextRunMillis (up to 4), from the cron expression; unset while paused. */
  16: optional list<i64> laterRunsMillis
}

struct CreateScheduleRequest {
  1: required string session,
  2: required string name,
  3: required string cron,
  4: required i32 moduleId,
  5: required list<string> targets,
  6: required map<string, string> params,
  7: optional RollingOptions rolling,
  8: optional OverlapPolicy overlap,
  9: optional string clientAddress
}

struct ScheduleReply {
  1: required ScheduleInfo schedule
}

struct SchedulesRequest {
  1: required string session
}

struct SchedulesReply {
  1: required list<ScheduleInfo> schedules
}

enum ScheduleAction {
  PAUSE = 1,
  RESUME = 2,
  DELETE = 3
}

struct ChangeScheduleRequest {
  1: required string session,
  2: required i64 scheduleId,
  3: required ScheduleAction action,
  4: optional string clientAddress
}

// ---- file store (issue 3) ---------------------------------------------------------------------
// The master's file store (IOMS FileUpdateServer). Uploads are sessions: begin (name and size), chunks at
// increasing offsets (at most maxChunkBytes each, so a frame never holds a whole file), commit with the SHA-256 the
// client computed, which the master checks against the bytes it wrote. Names: [A-Za-z0-9][A-Za-z0-9._-]{0,127}.

struct StoredFileInfo {
  1: required string name,
  2: required i64 size,
  3: required string md5,
  4: required string sha256,
  5: required string uploadedBy,
  6: required i64 uploadedAtMillis,
  7: required i64 hashedAtMillis
}

struct FileListRequest {
  1: required string session
}

struct FileListReply {
  1: required list<StoredFileInfo> files,
  2: required i64 maxFileBytes
}

struct FileUploadBeginRequest {
  1: required string session,
  2: required string name,
  3: required i64 size,
  4: optional string clientAddress
}

struct FileUploadBeginReply {
  1: required string uploadId,
  2: required i32 maxChunkBytes
}

struct FileUploadChunkRequest {
  1: required string session,
  2: required string uploadId,
  /** Must equal the bytes received so far. */
  3: required i64 offset,
  4: required binary data
}

struct FileUploadChunkReply {
  1: required i64 received
}

struct FileUploadCommitRequest {
  1: required string session,
  2: required string uploadId,
  /** SHA-256 of the whole file as the client computed it, lower-case hex. */
  3: required string sha256,
  4: optional string clientAddress
}

struct FileUploadCommitReply {
  1: required StoredFileInfo file,
  /** True when a file of that name was replaced. */
  2: required bool replaced
}

struct FileRemoveRequest {
  1: required string session,
  2: required string name,
  3: optional string clientAddress
}

struct FileRemoveReply {
  1: required StoredFileInfo removed
}

struct FileRehashRequest {
  1: required string session,
  /** Absent: every file. */
  2: optional string name,
  3: optional string clientAddress
}

struct FileRehashReply {
  1: required list<StoredFileInfo> files,
  /** Names whose bytes on disk no longer matched the stored checksums (now updated), or were missing. */
  2: required list<string> changed
}

// ---- users, grants, audit (issue 4) ----------------------------------------------------------
// Admin only (MANAGE_USERS / READ_AUDIT), except changePassword (one's own) and logoutEverywhere for oneself.

struct UserInfo {
  1: required string username,
  2: required Role role,
  3: required bool enabled,
  4: required i64 createdAtMillis,
  /** Operators: the function categories whose hosts they may run modules on (ids of server_fun_categ). */
  5: required list<i32> grantedFunctionCategoryIds,
  /** Master sessions (browser logins and API tokens) open now. */
  6: required i32 openSessions,
  /** The last successful login (page or API token); unset when the user never logged in. */
  7: optional i64 lastLoginMillis
}

struct UsersRequest {
  1: required string session
}

struct UsersReply {
  1: required list<UserInfo> users
}

enum UserAction {
  /** New user with role (default viewer) and a generated password returned once. */
  CREATE = 1,
  DISABLE = 2,
  ENABLE = 3,
  DELETE = 4,
  SET_ROLE = 5,
  /** A new generated password, returned once; the user's sessions end. */
  RESET_PASSWORD = 6,
  /** Replace the user's grants with functionCategoryIds. */
  SET_GRANTS = 7
}

struct UserChangeRequest {
  1: required string session,
  2: required string username,
  3: required UserAction action,
  4: optional Role role,
  5: optional list<i32> functionCategoryIds,
  6: optional string clientAddress,
  /** CREATE and RESET_PASSWORD: a password the admin chose (checked against the policy) instead of a generated one. Never audited. */
  7: optional string password
}

struct UserChangeReply {
  /** The user after the change; for DELETE, as it was. */
  1: required UserInfo user,
  /** CREATE and RESET_PASSWORD without a chosen password: the new password, shown once and stored nowhere in clear. */
  2: optional string generatedPassword,
  /** Sessions (browser and API tokens) the change ended. */
  3: required i32 sessionsEnded
}

struct ChangePasswordRequest {
  1: required string session,
  2: required string oldPassword,
  3: required string newPassword,
  4: optional string clientAddress
}

struct ChangePasswordReply {
  /** Other sessions of the user that were ended (this one stays open). */
  1: required i32 sessionsEnded
}

struct LogoutEverywhereRequest {
  1: required string session,
  /** Unset: the caller's own sessions. Another user's: admins only. */
  2: optional string username,
  3: optional string clientAddress
}

struct LogoutEverywhereReply {
  1: required string username,
  2: required i32 sessionsEnded
}

/** Newest first, keyset-paged by id. Filters combine with AND. */
struct AuditQueryRequest {
  1: required string session,
  2: optional i64 beforeId,
  /** 1..500, default 100. */
  3: optional i32 limit,
  /** Exact actor name. */
  4: optional string actor,
  /** Exact action (the RPC name: login, submit, moduleCreate, userChange, ...). */
  5: optional string action,
  /** "accepted", "refused" (every refusal) or an error code name (FORBIDDEN, ...). */
  6: optional string outcome,
  7: optional i64 sinceMillis,
  8: optional i64 untilMillis,
  /** Contained (any case) in params, targets or detail; at most 256 characters. */
  9: optional string text,
  /** The page just newer than this id (the "newer" link): the limit records above it, still newest first. Not with beforeId. */
  10: optional i64 afterId
}

struct AuditRecord {
  1: required i64 id,
  2: required i64 atMillis,
  3: required string actor,
  4: required string clientAddress,
  5: required string action,
  6: optional i32 moduleId,
  7: required string params,
  8: required string targets,
  9: required string outcome,
  10: optional string detail
}

struct AuditQueryReply {
  1: required list<AuditRecord> records,
  /** Pass as beforeId for the next page; unset on the last page. */
  2: optional i64 nextBeforeId
}

// ---- agents web (issue 3): list, per-host metrics, revoke, one-time tokens ----

struct AgentInfo {
  1: required string agentId,
  2: required string address,
  3: required i32 port,
  4: required string hostname,
  5: required list<string> lanIps,
  6: required list<string> wanIps,
  7: required string os,
  8: required string version,
  9: required bool revoked,
  10: required bool online,
  11: required i64 enrolledMillis,
  12: optional i64 lastHeartbeatMillis,
  /** The last heartbeat's readings, when there was one. */
  13: optional double cpuPercent,
  14: optional i64 memoryUsed,
  15: optional i64 memoryTotal,
  16: required i32 cores,
  /** Only in agentMetrics (the agent page): its last self-update, e.g. "ROLLED_BACK from 1.0.0 to 3.0.0 at …: why". */
  17: optional string lastUpdate
}

struct AgentsRequest {
  1: required string session
}

struct AgentsReply {
  1: required list<AgentInfo> agents,
  /** The master's clock, so ages are computed against it. */
  2: required i64 nowMillis,
  3: required i64 onlineWindowMillis
}

/** One averaged bucket of heartbeats. */
struct AgentMetricPoint {
  1: required i64 atMillis,
  2: required double cpuPercent,
  3: required i64 memoryUsed,
  4: required i64 memoryTotal
}

struct AgentMetricsRequest {
  1: required string session,
  2: required string agentId,
  /** Downsampled to at most this many buckets (1..1000, default 288: five minutes over 24 h). */
  3: optional i32 maxPoints,
  /** The window up to now, in minutes (1..1440, default 1440 = 24 h). */
  4: optional i32 windowMinutes
}

struct AgentMetricsReply {
  1: required AgentInfo agent,
  /** The window start and end (windowMinutes up to the master's now); points are inside it, oldest first. */
  2: required i64 fromMillis,
  3: required i64 toMillis,
  4: required list<AgentMetricPoint> points,
  /** The bucket width: a gap between points wider than this means missing heartbeats. */
  5: required i64 bucketMillis
}

struct RevokeAgentRequest {
  1: required string session,
  2: required string agentId,
  /** Must repeat agentId: the gateway's confirmation step. */
  3: required string confirmAgentId,
  4: optional string clientAddress
}

struct RevokeAgentReply {
  1: required AgentInfo agent
}

struct CreateAgentTokenRequest {
  1: required string session,
  /** Lifetime in seconds, 1 s .. 30 days. */
  2: required i64 lifetimeSeconds,
  3: optional string clientAddress
}

struct CreateAgentTokenReply {
  /** Shown once; the master keeps only its SHA-256. */
  1: required string token,
  2: required string tokenId,
  3: required i64 expiresMillis
}

// ---- inventory management (issue 4): categories, servers, groups (IOMS server types), CSV --------

enum CategoryAction {
  CREATE_FUNCTION = 1,
  RENAME_FUNCTION = 2,
  /** Refused while it holds application categories; removes the operators' grants of it. */
  DELETE_FUNCTION = 3,
  /** Needs functionCategoryId. */
  CREATE_APP = 4,
  RENAME_APP = 5,
  /** Refused while it holds servers. */
  DELETE_APP = 6
}

struct CategoryChangeRequest {
  1: required string session,
  2: required CategoryAction action,
  /** The category to rename or delete. */
  3: optional i32 id,
  /** The parent of a new application category. */
  4: optional i32 functionCategoryId,
  /** The name to create or rename to. */
  5: optional string name,
  6: optional string clientAddress
}

struct CategoryChangeReply {
  1: required i32 id,
  2: required string name,
  /** DELETE_FUNCTION: how many operator grants of the category were removed. */
  3: optional i32 grantsRemoved
}

/** A server as an admin enters it; the master checks every field. */
struct ServerFields {
  1: required string name,
  2: optional string wanIp,
  /** 1-65535; unset = 22. */
  3: optional i32 sshPort,
  4: optional string sshUser,
  /** agent, ssh or any. */
  5: required string backend,
  6: optional list<string> tags,
  7: required i32 appCategoryId
}

enum ServerAction {
  CREATE = 1,
  /** Replaces name, WAN IP, SSH port and user, backend, tags and category; the LAN IP is the key and stays. */
  UPDATE = 2,
  /** Needs appCategoryId. */
  MOVE = 3,
  DELETE = 4
}

struct ServerChangeRequest {
  1: required string session,
  2: required ServerAction action,
  3: required string lanIp,
  /** CREATE and UPDATE. */
  4: optional ServerFields fields,
  /** MOVE: the application category to move to. */
  5: optional i32 appCategoryId,
  6: optional string clientAddress
}

struct ServerChangeReply {
  /** The server as it is now (DELETE: as it was). */
  1: required ServerInfo server
}

struct ServerSearchRequest {
  1: required string session,
  /** Contained, any case, in the name, LAN IP or WAN IP. */
  2: optional string text,
  /** Exactly one of the server's tags. */
  3: optional string tag,
  4: optional i32 appCategoryId,
  /** The name of a group the server is in. */
  5: optional string group,
  /** Default 0. */
  6: optional i32 offset,
  /** 1-500, default 100. */
  7: optional i32 limit
}

struct ServerSearchReply {
  /** Ordered by LAN IP, with online state, tags and groups. */
  1: required list<ServerInfo> servers,
  /** How many servers match in all. */
  2: required i32 total,
  3: required i32 offset
}

struct ServerGroupInfo {
  1: required i32 id,
  2: required string name,
  /** LAN IPs, sorted. */
  3: required list<string> members
}

struct GroupsRequest {
  1: required string session
}

struct GroupsReply {
  1: required list<ServerGroupInfo> groups
}

enum GroupAction {
  CREATE = 1,
  /** Needs newName. */
  RENAME = 2,
  /** The group and its memberships, never the servers. */
  DELETE = 3,
  /** Needs lanIps, each in the inventory. */
  ADD_MEMBERS = 4,
  REMOVE_MEMBERS = 5
}

struct GroupChangeRequest {
  1: required string session,
  2: required GroupAction action,
  3: required string name,
  4: optional string newName,
  5: optional list<string> lanIps,
  6: optional string clientAddress
}

struct GroupChangeReply {
  /** The group as it is now (DELETE: as it was). */
  1: required ServerGroupInfo group
}

struct InventoryExportRequest {
  1: required string session
}

struct InventoryExportReply {
  /** The CSV of master-rpc/README.md "Inventory CSV", header row first. */
  1: required string csv,
  2: required i32 rows
}

struct InventoryImportRequest {
  1: required string session,
  2: required string csv,
  /** Check every row, change nothing. */
  3: optional bool dryRun,
  4: optional string clientAddress
}

struct ImportProblem {
  /** The CSV row: 1 is the header, 2 the first server. */
  1: required i32 row,
  2: required string column,
  3: required string message
}

struct InventoryImportReply {
  /** False for a dry run, or when there are problems (then nothing was changed). */
  1: required bool imported,
  2: required i32 rows,
  3: required i32 created,
  4: required i32 updated,
  5: required i32 categoriesCreated,
  6: required i32 groupsCreated,
  7: required list<ImportProblem> problems
}

// ---- the service ----------------------------------------------------------------------------

// ---- enrollment requests (issue 3): agents that asked without a token, decided by an admin ----
struct AgentRequestInfo {
  1: required string requestId,
  /** The address the request came from: where the agent will be called. */
  2: required string address,
  3: required string hostname,
  4: required string os,
  5: required i32 agentPort,
  /** SHA256:<base64> of the agent's public key; the agent logs the same line. */
  6: required string keyFingerprint,
  /** PENDING, APPROVED or REJECTED */
  7: required string state,
  8: required i64 requestedAtMillis,
  9: optional i64 decidedAtMillis,
  10: optional string decidedBy,
  /** The agent created by the approval. */
  11: optional string agentId
}

struct AgentRequestsRequest {
  1: required string session
}

struct AgentRequestsReply {
  /** Pending first, then decided ones, newest first. */
  1: required list<AgentRequestInfo> requests
}

struct AgentRequestDecideRequest {
  1: required string session,
  2: required string requestId,
  /** True approves (the agent is created and trusted), false rejects. */
  3: required bool approve,
  4: optional string clientAddress
}

struct AgentRequestDecideReply {
  1: required AgentRequestInfo request
}

// ---- the master's command allow-list (issue 3): oms_command_allow, what module 2003 (command) may run ----
struct CommandAllowEntry {
  1: required i32 id,
  /** The program, compared exactly with the first word. */
  2: required string program,
  /** One regular expression per argument position, separated by spaces; a last one followed by ... repeats. */
  3: required string patterns,
  4: required string note,
  5: required string createdBy,
  6: required i64 createdAtMillis
}

struct CommandAllowListRequest {
  1: required string session
}

struct CommandAllowListReply {
  1: required list<CommandAllowEntry> entries
}

struct CommandAllowChangeRequest {
  1: required string session,
  /** "add" (program, args, note) or "remove" (id) */
  2: required string action,
  3: optional string program,
  4: optional string patterns,
  5: optional string note,
  6: optional i32 id,
  7: optional string clientAddress
}

struct CommandAllowChangeReply {
  /** The list after the change. */
  1: required list<CommandAllowEntry> entries
}

service Master {
  /** OMServer legacy call; errors come back inside the (encrypted) reply text. */
  string runCommands(1: string token),

  /** LoginRequest -> LoginReply */
  string login(1: string sealed) throws (1: OmsError error),
  /** LogoutRequest -> LogoutReply */
  string logout(1: string sealed) throws (1: OmsError error),
  /** CatalogRequest -> CatalogReply */
  string catalog(1: string sealed) throws (1: OmsError error),
  /** InventoryRequest -> InventoryReply */
  string inventory(1: string sealed) throws (1: OmsError error),
  /** SubmitRequest -> SubmitReply; the run continues in the master, read it with events. */
  string submit(1: string sealed) throws (1: OmsError error),
  /** EventsRequest -> EventsReply (long-poll by cursor). */
  string events(1: string sealed) throws (1: OmsError error),

  // module authoring (issue 4)
  /** ModuleGetRequest -> ModuleGetReply */
  string moduleGet(1: string sealed) throws (1: OmsError error),
  /** ModuleSaveRequest -> ModuleChangeReply (admin, author) */
  string moduleCreate(1: string sealed) throws (1: OmsError error),
  /** ModuleSaveRequest -> ModuleChangeReply (admin, author) */
  string moduleUpdate(1: string sealed) throws (1: OmsError error),
  /** ModuleEnableRequest -> ModuleChangeReply (admin, author) */
  string moduleSetEnabled(1: string sealed) throws (1: OmsError error),
  /** ModuleDeleteRequest -> ModuleChangeReply (admin, author) */
  string moduleDelete(1: string sealed) throws (1: OmsError error),
  /** ModuleVersionsRequest -> ModuleVersionsReply */
  string moduleVersions(1: string sealed) throws (1: OmsError error),
  /** ModuleRollbackRequest -> ModuleChangeReply (admin, author) */
  string moduleRollback(1: string sealed) throws (1: OmsError error),
  /** ModulePreviewRequest -> ModulePreviewReply (admin, author; runs nothing) */
  string modulePreview(1: string sealed) throws (1: OmsError error),

  // ---- issue 5: job history, job detail, output paging, cancel, retry, schedules ----
  /** JobsRequest -> JobsReply (history, newest first, keyset paging). */
  string jobs(1: string sealed) throws (1: OmsError error),
  /** JobDetailRequest -> JobDetailReply */
  string jobDetail(1: string sealed) throws (1: OmsError error),
  /** HostOutputRequest -> HostOutputReply */
  string hostOutput(1: string sealed) throws (1: OmsError error),
  /** CancelRequest -> CancelReply */
  string cancel(1: string sealed) throws (1: OmsError error),
  /** RetryRequest -> RetryReply */
  string retryJob(1: string sealed) throws (1: OmsError error),
  /** CreateScheduleRequest -> ScheduleReply */
  string createSchedule(1: string sealed) throws (1: OmsError error),
  /** SchedulesRequest -> SchedulesReply */
  string schedules(1: string sealed) throws (1: OmsError error),
  /** ChangeScheduleRequest -> ScheduleReply (for DELETE: the schedule as it was) */
  string changeSchedule(1: string sealed) throws (1: OmsError error),

  // ---- file store (issue 3): list for every role, changes for admin and author; every change audited ----
  /** FileListRequest -> FileListReply */
  string fileList(1: string sealed) throws (1: OmsError error),
  /** FileUploadBeginRequest -> FileUploadBeginReply (admin, author) */
  string fileUploadBegin(1: string sealed) throws (1: OmsError error),
  /** FileUploadChunkRequest -> FileUploadChunkReply (admin, author) */
  string fileUploadChunk(1: string sealed) throws (1: OmsError error),
  /** FileUploadCommitRequest -> FileUploadCommitReply (admin, author) */
  string fileUploadCommit(1: string sealed) throws (1: OmsError error),
  /** FileRemoveRequest -> FileRemoveReply (admin, author) */
  string fileRemove(1: string sealed) throws (1: OmsError error),
  /** FileRehashRequest -> FileRehashReply (admin, author) */
  string fileRehash(1: string sealed) throws (1: OmsError error),

  // ---- users, grants, audit (issue 4) ----
  /** UsersRequest -> UsersReply (admin) */
  string users(1: string sealed) throws (1: OmsError error),
  /** UserChangeRequest -> UserChangeReply (admin) */
  string userChange(1: string sealed) throws (1: OmsError error),
  /** ChangePasswordRequest -> ChangePasswordReply (any role, own password, needs the old one) */
  string changePassword(1: string sealed) throws (1: OmsError error),
  /** LogoutEverywhereRequest -> LogoutEverywhereReply (own sessions: any role; another user's: admin) */
  string logoutEverywhere(1: string sealed) throws (1: OmsError error),
  /** AuditQueryRequest -> AuditQueryReply (admin) */
  string auditLog(1: string sealed) throws (1: OmsError error),

  // ---- agents web (issue 3) ----
  /** AgentsRequest -> AgentsReply (every role) */
  string agents(1: string sealed) throws (1: OmsError error),
  /** AgentMetricsRequest -> AgentMetricsReply (every role) */
  string agentMetrics(1: string sealed) throws (1: OmsError error),
  /** RevokeAgentRequest -> RevokeAgentReply (admin) */
  string agentRevoke(1: string sealed) throws (1: OmsError error),
  /** CreateAgentTokenRequest -> CreateAgentTokenReply (admin) */
  string agentTokenCreate(1: string sealed) throws (1: OmsError error),

  // ---- enrollment requests (issue 3) ----
  /** AgentRequestsRequest -> AgentRequestsReply (admin) */
  string agentRequests(1: string sealed) throws (1: OmsError error),
  /** AgentRequestDecideRequest -> AgentRequestDecideReply (admin) */
  string agentRequestDecide(1: string sealed) throws (1: OmsError error),

  // ---- command allow-list (issue 3) ----
  /** CommandAllowListRequest -> CommandAllowListReply (every role) */
  string commandAllowList(1: string sealed) throws (1: OmsError error),
  /** CommandAllowChangeRequest -> CommandAllowChangeReply (admin) */
  string commandAllowChange(1: string sealed) throws (1: OmsError error),

  // ---- inventory management (issue 4): reads for every role, changes for admin; every change audited ----
  /** ServerSearchRequest -> ServerSearchReply (every role) */
  string serverSearch(1: string sealed) throws (1: OmsError error),
  /** CategoryChangeRequest -> CategoryChangeReply (admin) */
  string categoryChange(1: string sealed) throws (1: OmsError error),
  /** ServerChangeRequest -> ServerChangeReply (admin) */
  string serverChange(1: string sealed) throws (1: OmsError error),
  /** GroupsRequest -> GroupsReply (every role) */
  string groups(1: string sealed) throws (1: OmsError error),
  /** GroupChangeRequest -> GroupChangeReply (admin) */
  string groupChange(1: string sealed) throws (1: OmsError error),
  /** InventoryExportRequest -> InventoryExportReply (every role) */
  string inventoryExport(1: string sealed) throws (1: OmsError error),
  /** InventoryImportRequest -> InventoryImportReply (admin; all rows or none) */
  string inventoryImport(1: string sealed) throws (1: OmsError error)
}
