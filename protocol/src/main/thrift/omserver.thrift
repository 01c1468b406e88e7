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
  6: required string backend
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
  5: optional string clientAddress
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
  FAILED = 2
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

// ---- the service ----------------------------------------------------------------------------

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
  string modulePreview(1: string sealed) throws (1: OmsError error)
}
