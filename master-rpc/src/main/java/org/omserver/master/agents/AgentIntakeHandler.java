package org.omserver.master.agents;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

import org.apache.thrift.TBase;
import org.omserver.agent.wire.AgentErrors;
import org.omserver.agent.wire.AgentSeal;
import org.omserver.agent.wire.EnrollmentKeys;
import org.omserver.catalog.agent.AgentRequestRecord;
import org.omserver.protocol.agent.EnrollmentAnswer;
import org.omserver.protocol.agent.EnrollmentAsk;
import org.omserver.protocol.agent.EnrollmentState;
import org.omserver.catalog.Catalog;
import org.omserver.catalog.agent.AgentMetric;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.agent.AgentUpdate;
import org.omserver.catalog.agent.AgentUpdateStatus;
import org.omserver.catalog.agent.EnrollmentTokenRecord;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.inventory.Server;
import org.omserver.master.config.AgentsConfig;
import org.omserver.master.files.FileStore;
import org.omserver.master.files.FileStoreException;
import org.omserver.protocol.agent.FileReadReply;
import org.omserver.protocol.agent.FileReadRequest;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentErrorCode;
import org.omserver.protocol.agent.AgentIntake;
import org.omserver.protocol.agent.AnnounceReply;
import org.omserver.protocol.agent.AnnounceRequest;
import org.omserver.protocol.agent.EnrollReply;
import org.omserver.protocol.agent.EnrollRequest;
import org.omserver.protocol.agent.HeartbeatReply;
import org.omserver.protocol.agent.HeartbeatRequest;
import org.omserver.protocol.agent.HostFacts;
import org.omserver.protocol.agent.Metrics;
import org.omserver.protocol.agent.Sealed;
import org.omserver.protocol.agent.UpdateReport;
import org.omserver.protocol.envelope.EnvelopeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The master's side of {@code service AgentIntake}. Enrollment: the token id in clear selects the stored digest,
 * which must open the envelope; the token must be unused and unexpired and is consumed atomically; the agent gets
 * a random id and key and its host appears in server_list (backend {@code agent}, application category
 * "unassigned") at the address the call came from. Announce and heartbeat must open with the agent's own key, come
 * from its address, and the agent must be active. Every refusal is audited; so are accepted enrollments and
 * announcements (heartbeats only when refused: they come every minute from every host).
 */
public final class AgentIntakeHandler
        implements AgentIntake.Iface
{
    /** Pending enrollment requests kept at most: an unauthenticated caller cannot fill the table. */
    static final int MAX_PENDING_REQUESTS = 1000;
    private static final Logger log = LoggerFactory.getLogger(AgentIntakeHandler.class);

    private final Catalog catalog;
    private final AgentSeal seal;
    private final AgentsConfig config;
    private final Supplier<String> peer;
    private final Clock clock;
    private final Optional<FileStore> files;
    private final Admission admission;

    public AgentIntakeHandler(Catalog catalog, AgentSeal seal, AgentsConfig config, Supplier<String> peer, Clock clock)
    {
        this(catalog, seal, config, peer, clock, Optional.empty());
    }

    /** @param files the master's file store, which agents read for the downloads built-in; empty when files.dir is unset */
    public AgentIntakeHandler(Catalog catalog, AgentSeal seal, AgentsConfig config, Supplier<String> peer, Clock clock, Optional<FileStore> files)
    {
        this.files = requireNonNull(files, "files is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.seal = requireNonNull(seal, "seal is null");
        this.config = requireNonNull(config, "config is null");
        this.peer = requireNonNull(peer, "peer is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.admission = new Admission(catalog, clock);
    }

    @Override
    public Sealed enroll(Sealed request)
            throws AgentError
    {
        String address = peer.get();
        String tokenId = "-";
        try {
            tokenId = id(request);
            EnrollmentTokenRecord token = catalog.agents().findToken(tokenId).orElseThrow(() -> refusal(AgentErrorCode.TOKEN_REFUSED,
                    "unknown enrollment token; create one with 'omserver agent-token'"));
            byte[] key = HexFormat.of().parseHex(token.sha256Hex());
            HostFacts facts = open(key, "enroll", request, new EnrollRequest()).getFacts();
            Instant now = clock.instant();
            if (token.usedAt().isPresent()) {
                throw refusal(AgentErrorCode.TOKEN_REFUSED, "this enrollment token was already used; create a new one with 'omserver agent-token'");
            }
            if (!token.expiresAt().isAfter(now)) {
                throw refusal(AgentErrorCode.TOKEN_REFUSED, "this enrollment token expired at " + token.expiresAt() + "; create a new one with 'omserver agent-token'");
            }
            checkFacts(facts);
            Optional<Server> existing = admission.slot(address);
            String agentId = admission.newAgentId();
            if (!catalog.agents().useToken(tokenId, now, agentId)) {
                throw refusal(AgentErrorCode.TOKEN_REFUSED, "this enrollment token was already used or has expired; create a new one with 'omserver agent-token'");
            }
            byte[] agentKey = admission.admit(agentId, address, facts, existing, "token " + token.tokenId()).key();
            audit("agent " + agentId, address, "agent.enroll", "accepted", "token " + tokenId + ", host " + facts.getHostname());
            log.info("agent {} enrolled from {} ({}) with token {}", agentId, address, facts.getHostname(), tokenId);
            return seal.sealReply(tokenId, key, "enroll", new EnrollReply(agentId, java.nio.ByteBuffer.wrap(agentKey), address));
        }
        catch (AgentError e) {
            audit("token " + tokenId, address, "agent.enroll", e.getCode().name(), e.getMessage());
            throw e;
        }
    }

    @Override
    public Sealed announce(Sealed request)
            throws AgentError
    {
        return authenticated("announce", request, new AnnounceRequest(), (agent, announce) -> {
            HostFacts facts = announce.getFacts();
            checkFacts(facts);
            Instant now = clock.instant();
            if (announce.isSetUpdate()) {
                // before the facts: whoever sees the new announcement time also sees the update it reported
                recordUpdate(agent, announce.getUpdate());
            }
            catalog.agents().updateFacts(new AgentRecord(agent.agentId(), agent.key(), agent.address(), facts.getAgentPort(), false, facts.getHostname(),
                    facts.getLanIps(), facts.getWanIps(), facts.getMacs(), facts.getOs(), facts.getCores(), facts.getMemoryBytes(), facts.getAgentVersion(),
                    agent.enrolledAt(), agent.lastHeartbeat(), Optional.empty()), now);
            admission.putServer(agent.address(), facts);
            audit("agent " + agent.agentId(), agent.address(), "agent.announce", "accepted", "host " + facts.getHostname() + ", port " + facts.getAgentPort());
            return new AnnounceReply(agent.address());
        });
    }

    /**
     * Stores the agent's last self-update and audits it as {@code agent.update} when it is new or changed state
     * (an agent reports it at every start): outcome {@code updated}, {@code pending} or {@code rolled-back}.
     */
    private void recordUpdate(AgentRecord agent, UpdateReport report)
            throws AgentError
    {
        if (!java.util.Set.of("PENDING", "UPDATED", AgentUpdate.ROLLED_BACK).contains(report.getState())) {
            throw refusal(AgentErrorCode.BAD_REQUEST, "update state must be PENDING, UPDATED or ROLLED_BACK");
        }
        AgentUpdate update = new AgentUpdate(report.getState(), report.getFromVersion(), report.getToVersion(), report.getPackageName(),
                Instant.ofEpochMilli(report.getAtMillis()), report.getDetail());
        Optional<AgentUpdate> before = catalog.agents().updateStatus(agent.agentId()).flatMap(AgentUpdateStatus::lastUpdate);
        catalog.agents().recordUpdate(agent.agentId(), update);
        if (before.map(b -> b.state().equals(update.state()) && b.at().equals(update.at()) && b.to().equals(update.to())).orElse(false)) {
            return;
        }
        audit("agent " + agent.agentId(), agent.address(), "agent.update", update.state().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                "from " + update.from() + " to " + update.to() + " (package " + update.packageName() + ")"
                        + (update.detail().isEmpty() ? "" : ": " + update.detail()));
    }

    @Override
    public Sealed heartbeat(Sealed request)
            throws AgentError
    {
        return authenticated("heartbeat", request, new HeartbeatRequest(), (agent, heartbeat) -> {
            Metrics m = heartbeat.getMetrics();
            Instant now = clock.instant();
            catalog.agents().heartbeat(new AgentMetric(agent.agentId(), now, clamp(m.getCpuPercent(), 0, 100), clamp(m.getLoad1(), 0, 1e6),
                    Math.max(0, m.getMemoryUsedBytes()), Math.max(0, m.getMemoryTotalBytes()), Math.max(0, m.getDiskUsedBytes()), Math.max(0, m.getDiskTotalBytes())));
            return new HeartbeatReply(now.toEpochMilli());
        });
    }

    /**
     * A chunk of a file of the store, for the agent's downloads built-in: any active agent may read any stored file
     * (the master decided what runs on the host; the file's bytes are checked there against the checksums sent
     * along). The first chunk of each download is audited; the others only when refused.
     */
    @Override
    public Sealed fileRead(Sealed request)
            throws AgentError
    {
        return authenticated("fileRead", request, new FileReadRequest(), (agent, read) -> {
            FileStore store = files.orElseThrow(() -> refusal(AgentErrorCode.NOT_FOUND, "the master has no file store (files.dir is not set)"));
            if (read.getLength() < 1 || read.getLength() > FileStore.MAX_CHUNK_BYTES) {
                throw refusal(AgentErrorCode.BAD_REQUEST, "a read must ask for 1 to " + FileStore.MAX_CHUNK_BYTES + " bytes, not " + read.getLength());
            }
            FileStore.Chunk chunk;
            try {
                chunk = store.read(read.getName(), read.getOffset(), read.getLength());
            }
            catch (FileStoreException e) {
                throw refusal(e.reason() == FileStoreException.Reason.NOT_FOUND ? AgentErrorCode.NOT_FOUND
                        : e.reason() == FileStoreException.Reason.IO ? AgentErrorCode.INTERNAL : AgentErrorCode.BAD_REQUEST, e.getMessage());
            }
            if (read.getOffset() == 0) {
                audit("agent " + agent.agentId(), agent.address(), "agent.fileRead", "accepted", "file " + chunk.file().name() + ", "
                        + chunk.file().size() + " bytes, sha256 " + chunk.file().sha256());
            }
            return new FileReadReply(chunk.data(), chunk.file().size(), chunk.file().sha256(), chunk.file().md5());
        });
    }

    /**
     * Enrollment by an admin's approval. A new request (id, X25519 key, facts) is filed PENDING from the address it came
     * from and audited; asking again must come from that address with that key. Pending or rejected: the answer says
     * so and holds nothing else. Approved: the agent's id and key, sealed with a key agreed between a one-time key of
     * the master and the request's key, so only the requester opens it.
     */
    @Override
    public EnrollmentAnswer askEnrollment(EnrollmentAsk ask)
            throws AgentError
    {
        String address = peer.get();
        String requestId = ask.getRequestId() != null && EnrollmentKeys.REQUEST_ID.matcher(ask.getRequestId()).matches() ? ask.getRequestId() : "-";
        try {
            if (requestId.equals("-") || ask.getFacts() == null || ask.getPublicKey() == null) {
                throw refusal(AgentErrorCode.BAD_REQUEST, "a request id is req- and 16 hex digits, with a public key and the host's facts");
            }
            byte[] publicKey = ask.getPublicKey();
            try {
                EnrollmentKeys.publicKey(publicKey);
            }
            catch (IllegalArgumentException e) {
                throw refusal(AgentErrorCode.BAD_REQUEST, e.getMessage());
            }
            checkFacts(ask.getFacts());
            Optional<AgentRequestRecord> kept = catalog.agents().findRequest(requestId);
            if (kept.isEmpty()) {
                return file(requestId, publicKey, address, ask.getFacts());
            }
            AgentRequestRecord request = kept.get();
            if (!java.util.Arrays.equals(request.publicKey(), publicKey) || !request.address().equals(address)) {
                throw refusal(AgentErrorCode.AUTH_FAILED, "request " + requestId + " was filed from another address or with another key");
            }
            return switch (request.state()) {
                case PENDING -> new EnrollmentAnswer(EnrollmentState.PENDING, "waiting for an admin to approve request " + requestId + " (key "
                        + EnrollmentKeys.fingerprint(publicKey) + ")");
                case REJECTED -> new EnrollmentAnswer(EnrollmentState.REJECTED, "rejected by " + request.decidedBy().orElse("an admin"));
                case APPROVED -> approval(request);
            };
        }
        catch (AgentError e) {
            audit("request " + requestId, address, "agent.request", e.getCode().name(), e.getMessage());
            throw e;
        }
    }

    private EnrollmentAnswer file(String requestId, byte[] publicKey, String address, HostFacts facts)
            throws AgentError
    {
        admission.slot(address);
        Optional<AgentRequestRecord> other = catalog.agents().requests().stream()
                .filter(r -> r.state() == AgentRequestRecord.State.PENDING && r.address().equals(address)).findFirst();
        if (other.isPresent()) {
            throw refusal(AgentErrorCode.REFUSED, "request " + other.get().requestId() + " from " + address + " is pending already; an admin "
                    + "approves or rejects it first");
        }
        if (catalog.agents().pendingRequests() >= MAX_PENDING_REQUESTS) {
            throw refusal(AgentErrorCode.BUSY, MAX_PENDING_REQUESTS + " enrollment requests are pending; an admin decides them first");
        }
        catalog.agents().addRequest(new AgentRequestRecord(requestId, publicKey, address, facts.getAgentPort(), facts.getHostname(), facts.getLanIps(),
                facts.getWanIps(), facts.getMacs(), facts.getOs(), facts.getCores(), facts.getMemoryBytes(), facts.getAgentVersion(),
                AgentRequestRecord.State.PENDING, clock.instant(), Optional.empty(), Optional.empty(), Optional.empty()));
        String fingerprint = EnrollmentKeys.fingerprint(publicKey);
        audit("request " + requestId, address, "agent.request", "pending", "host " + facts.getHostname() + ", key " + fingerprint);
        log.info("enrollment request {} from {} ({}), key {}: waiting for an admin", requestId, address, facts.getHostname(), fingerprint);
        return new EnrollmentAnswer(EnrollmentState.PENDING, "filed; waiting for an admin to approve request " + requestId + " (key " + fingerprint + ")");
    }

    private EnrollmentAnswer approval(AgentRequestRecord request)
    {
        Optional<AgentRecord> agent = request.agentId().flatMap(catalog.agents()::findAgent).filter(a -> !a.revoked());
        if (agent.isEmpty()) {
            return new EnrollmentAnswer(EnrollmentState.REJECTED, "the agent approved for request " + request.requestId() + " was revoked since");
        }
        KeyPair oneTime = EnrollmentKeys.generate();
        byte[] key = EnrollmentKeys.approvalKey(oneTime.getPrivate(), EnrollmentKeys.publicKey(request.publicKey()), request.requestId());
        Sealed approval = seal.sealReply(request.requestId(), key, "askEnrollment", new EnrollReply(agent.get().agentId(),
                java.nio.ByteBuffer.wrap(agent.get().key()), agent.get().address()));
        audit("agent " + agent.get().agentId(), request.address(), "agent.request", "delivered", "request " + request.requestId());
        return new EnrollmentAnswer(EnrollmentState.APPROVED, "approved by " + request.decidedBy().orElse("an admin"))
                .setMasterPublicKey(oneTime.getPublic().getEncoded()).setApproval(approval);
    }

    /** Deletes readings older than the retention window; the master calls it on a schedule. */
    public int purgeMetrics()
    {
        return catalog.agents().deleteMetricsBefore(clock.instant().minus(config.metricsRetention()));
    }

    private <Q extends TBase<?, ?>> Sealed authenticated(String method, Sealed request, Q into, Work<Q> work)
            throws AgentError
    {
        String address = peer.get();
        String claimed = "-";
        try {
            claimed = id(request);
            AgentRecord agent = catalog.agents().findAgent(claimed).orElseThrow(() -> refusal(AgentErrorCode.UNKNOWN_AGENT,
                    "no agent with this id is enrolled here; enroll it with a token from 'omserver agent-token'"));
            if (agent.revoked()) {
                throw refusal(AgentErrorCode.REVOKED, "this agent was revoked; enroll it again with a new token");
            }
            Q opened = open(agent.key(), method, request, into);
            if (!agent.address().equals(address)) {
                throw refusal(AgentErrorCode.REFUSED, "this agent is enrolled at " + agent.address() + " but called from " + address
                        + "; enroll it again from its new address");
            }
            return seal.sealReply(agent.agentId(), agent.key(), method, work.apply(agent, opened));
        }
        catch (AgentError e) {
            audit("agent " + claimed, address, "agent." + method, e.getCode().name(), e.getMessage());
            throw e;
        }
    }

    private <T extends TBase<?, ?>> T open(byte[] key, String method, Sealed request, T into)
            throws AgentError
    {
        try {
            return seal.openRequest(key, method, request, into);
        }
        catch (EnvelopeException e) {
            throw AgentErrors.refused(e);
        }
    }

    private static String id(Sealed request)
            throws AgentError
    {
        try {
            return AgentSeal.checkedId(request);
        }
        catch (EnvelopeException e) {
            throw AgentErrors.refused(e);
        }
    }

    private static void checkFacts(HostFacts facts)
            throws AgentError
    {
        if (facts.getAgentPort() < 1 || facts.getAgentPort() > 65535) {
            throw refusal(AgentErrorCode.BAD_REQUEST, "the agent port must be 1-65535, was " + facts.getAgentPort());
        }
        if (facts.getHostname().isBlank() || facts.getHostname().length() > 255 || facts.getHostname().chars().anyMatch(Character::isISOControl)) {
            throw refusal(AgentErrorCode.BAD_REQUEST, "the host name must be 1-255 characters without control characters");
        }
        if (facts.getOs().chars().anyMatch(Character::isISOControl) || facts.getAgentVersion().chars().anyMatch(Character::isISOControl)
                || facts.getLanIps().size() + facts.getWanIps().size() + facts.getMacs().size() > 256) {
            throw refusal(AgentErrorCode.BAD_REQUEST, "the host facts hold control characters or too many addresses");
        }
    }

    private void audit(String actor, String address, String action, String outcome, String detail)
    {
        admission.audit(actor, address, action, outcome, detail);
    }

    private static AgentError refusal(AgentErrorCode code, String message)
    {
        return AgentErrors.of(code, message);
    }

    private static double clamp(double value, double min, double max)
    {
        return Double.isNaN(value) ? min : Math.max(min, Math.min(max, value));
    }

    @FunctionalInterface
    private interface Work<Q>
    {
        TBase<?, ?> apply(AgentRecord agent, Q request)
                throws AgentError;
    }
}
