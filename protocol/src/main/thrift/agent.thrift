// Native agent (issue #3): the protocol between the master and the agent daemon on each host.
//
// Trust: after enrollment every call, in both directions, is a Sealed: the agent's id in clear (so the receiver
// can pick the key) and a v2 envelope (org.omserver.protocol.envelope.SealedEnvelope) keyed with that agent's own
// random key. The envelope's plaintext is the Thrift binary encoding of the typed request below; its context is
// the method name, and "<method>.reply" for the reply (see org.omserver.agent.wire.AgentSeal).
// Enrollment is the one exception: the id in clear is the enrollment token's id and the key is SHA-256 of the
// whole token, which the master stores instead of the token.
// A call that does not verify (unknown id, wrong key, stale, replayed, revoked) executes nothing and is answered
// with an AgentError; the receiver audits it.

namespace java org.omserver.protocol.agent

enum AgentErrorCode {
  BAD_REQUEST = 1,
  UNKNOWN_AGENT = 2,
  AUTH_FAILED = 3,
  REVOKED = 4,
  TOKEN_REFUSED = 5,
  REFUSED = 6,
  NOT_FOUND = 7,
  BUSY = 8,
  INTERNAL = 9
}

exception AgentError {
  1: required AgentErrorCode code,
  2: required string message
}

struct Sealed {
  1: required string agentId,
  2: required string payload
}

// What an agent reports about its host, read from /proc and the JDK.
struct HostFacts {
  1: required string hostname,
  2: required list<string> lanIps,
  3: required list<string> wanIps,
  4: required list<string> macs,
  5: required string os,
  6: required i32 cores,
  7: required i64 memoryBytes,
  8: required string agentVersion,
  9: required i32 agentPort
}

struct EnrollRequest {
  1: required HostFacts facts
}

struct EnrollReply {
  1: required string agentId,
  2: required binary agentKey,
  // the address the master will call the agent on (the address the enrollment came from)
  3: required string address
}

// The agent's last self-update (updateself), as kept in its state directory across the restart.
struct UpdateReport {
  // PENDING (swapped, new version not yet confirmed healthy), UPDATED or ROLLED_BACK
  1: required string state,
  2: required string fromVersion,
  3: required string toVersion,
  // the package's name in the master's file store
  4: required string packageName,
  // when the update began, the agent's clock
  5: required i64 atMillis,
  // for ROLLED_BACK: why the new version failed its health check
  6: required string detail
}

struct AnnounceRequest {
  1: required HostFacts facts,
  // every announcement of an agent that has updated itself at least once carries its last update
  2: optional UpdateReport update
}

struct AnnounceReply {
  1: required string address
}

struct Metrics {
  1: required double cpuPercent,
  2: required double load1,
  3: required i64 memoryUsedBytes,
  4: required i64 memoryTotalBytes,
  5: required i64 diskUsedBytes,
  6: required i64 diskTotalBytes
}

struct HeartbeatRequest {
  1: required Metrics metrics
}

struct HeartbeatReply {
  1: required i64 receivedAtMs
}

struct VersionRequest {
}

struct VersionReply {
  1: required string agentVersion,
  2: required string hostname
}

struct RunRequest {
  1: required i64 jobId,
  // the argument vector: never a shell line; the agent checks it against its own allow-list
  2: required list<string> argv,
  3: required i64 timeoutMs,
  4: required bool needsRoot
}

struct RunReply {
  1: required string runId
}

enum RunFailure {
  TIMEOUT = 1,
  CANCELLED = 2,
  START_FAILED = 3
}

struct OutputChunk {
  1: required bool stderr,
  2: required string text
}

struct PollRequest {
  1: required string runId,
  // index of the first chunk wanted: 0, then the previous reply's nextCursor
  2: required i64 cursor,
  // how long the agent may wait for new output before answering with none
  3: required i64 maxWaitMs
}

struct PollReply {
  1: required list<OutputChunk> chunks,
  2: required i64 nextCursor,
  3: required bool finished,
  4: optional i32 exitCode,
  5: optional RunFailure failure,
  6: optional string message
}

struct CancelRequest {
  1: required string runId
}

struct CancelReply {
  1: required bool wasRunning
}

// ---- file store (issue 3): an agent reads a file of the master's store in chunks (built-in downloads) ----
struct FileReadRequest {
  1: required string name,
  2: required i64 offset,
  // at most 1 MiB; the master answers less at the end of the file
  3: required i32 length
}

struct FileReadReply {
  1: required binary data,
  // the stored file's size and checksums, so the agent can check what it assembled
  2: required i64 size,
  3: required string sha256,
  4: required string md5
}

// ---- enrollment by admin approval (issue 3): an agent without a token asks, an admin approves or rejects ----
// The agent makes an X25519 key pair and a request id and keeps both in its state directory; it asks again with the
// same id and public key until decided. The answer to an approved request carries the agent's id and key as a
// Sealed (the enroll reply), keyed with SHA-256("omserver-enrollment-v1" | request id | X25519(master's one-time
// key, agent's key)): only the holder of the agent's private key opens it. The admin compares the key's fingerprint
// shown on the agents page with the one the agent logs. A pending request gets nothing else.
enum EnrollmentState {
  PENDING = 1,
  APPROVED = 2,
  REJECTED = 3
}

struct EnrollmentAsk {
  // req-<16 hex>, chosen by the agent
  1: required string requestId,
  // the agent's X25519 public key, X.509 encoding
  2: required binary publicKey,
  3: required HostFacts facts
}

struct EnrollmentAnswer {
  1: required EnrollmentState state,
  2: required string message,
  // when APPROVED: the master's one-time X25519 public key (X.509) and the sealed EnrollReply
  3: optional binary masterPublicKey,
  4: optional Sealed approval
}

// On the master, on its own port (agents.port): agents call in.
service AgentIntake {
  Sealed enroll(1: Sealed request) throws (1: AgentError error),
  Sealed announce(1: Sealed request) throws (1: AgentError error),
  Sealed heartbeat(1: Sealed request) throws (1: AgentError error),
  Sealed fileRead(1: Sealed request) throws (1: AgentError error),
  EnrollmentAnswer askEnrollment(1: EnrollmentAsk ask) throws (1: AgentError error)
}

// On each host: the master calls in.
service Agent {
  Sealed version(1: Sealed request) throws (1: AgentError error),
  Sealed run(1: Sealed request) throws (1: AgentError error),
  Sealed poll(1: Sealed request) throws (1: AgentError error),
  Sealed cancel(1: Sealed request) throws (1: AgentError error)
}
