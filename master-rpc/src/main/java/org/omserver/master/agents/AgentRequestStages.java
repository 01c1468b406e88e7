package org.omserver.master.agents;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;

import org.omserver.agent.wire.EnrollmentKeys;
import org.omserver.catalog.Catalog;
import org.omserver.catalog.agent.AgentRequestRecord;
import org.omserver.catalog.inventory.Server;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.HostFacts;
import org.omserver.protocol.thrift.AgentRequestDecideReply;
import org.omserver.protocol.thrift.AgentRequestDecideRequest;
import org.omserver.protocol.thrift.AgentRequestInfo;
import org.omserver.protocol.thrift.AgentRequestsReply;
import org.omserver.protocol.thrift.ErrorCode;

import static java.util.Objects.requireNonNull;

/**
 * The admin's side of enrollment by approval: the requests agents filed without a token (pending first), and the
 * decision on one. Approving creates the agent exactly as a token would ({@link Admission}); the agent collects its id
 * and key on its next ask. Roles are checked before these run (MasterHandler); the pipeline audits every call.
 */
public final class AgentRequestStages
{
    private final Catalog catalog;
    private final Admission admission;
    private final Clock clock;

    public AgentRequestStages(Catalog catalog, Clock clock)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.admission = new Admission(catalog, clock);
    }

    public Stage list()
    {
        return Stage.named("agentRequests", call -> call.setReply(new AgentRequestsReply(new ArrayList<>(
                catalog.agents().requests().stream().map(AgentRequestStages::info).toList()))));
    }

    public Stage decide()
    {
        return Stage.named("agentRequestDecide", call -> {
            AgentRequestDecideRequest request = call.request(AgentRequestDecideRequest.class);
            String verb = request.isApprove() ? "approve" : "reject";
            call.setDetail(verb + " request " + request.getRequestId());
            AgentRequestRecord decided = decide(request.getRequestId(), request.isApprove(), call.requirePrincipal().username());
            call.setDetail(verb + " request " + decided.requestId() + " from " + decided.address() + " (" + decided.hostname() + ", key "
                    + EnrollmentKeys.fingerprint(decided.publicKey()) + ")" + decided.agentId().map(id -> " as agent " + id).orElse(""));
            call.setReply(new AgentRequestDecideReply(info(decided)));
        });
    }

    /**
     * Approves (the agent is created, to collect its id and key on its next ask) or rejects a pending request; the
     * gateway's RPC and {@code omserver agents --approve/--reject} both come here. Returns the decided request.
     */
    public AgentRequestRecord decide(String requestId, boolean approve, String by)
            throws Refusal
    {
        if (requestId == null || !EnrollmentKeys.REQUEST_ID.matcher(requestId).matches()) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "a request id is req- and 16 hex digits; copy it from the pending list");
        }
        AgentRequestRecord found = catalog.agents().findRequest(requestId)
                .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "request " + requestId + " does not exist; see the pending list"));
        if (found.state() != AgentRequestRecord.State.PENDING) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "request " + requestId + " was " + found.state().name().toLowerCase() + " already by "
                    + found.decidedBy().orElse("an admin"));
        }
        Instant now = clock.instant();
        if (!approve) {
            decided(catalog.agents().decideRequest(requestId, AgentRequestRecord.State.REJECTED, now, by, Optional.empty()), requestId);
        }
        else {
            Optional<Server> existing;
            try {
                existing = admission.slot(found.address());
            }
            catch (AgentError e) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, e.getMessage());
            }
            String agentId = admission.newAgentId();
            decided(catalog.agents().decideRequest(requestId, AgentRequestRecord.State.APPROVED, now, by, Optional.of(agentId)), requestId);
            admission.admit(agentId, found.address(), facts(found), existing, "request " + requestId);
        }
        return catalog.agents().findRequest(requestId).orElseThrow();
    }

    private static void decided(boolean changed, String requestId)
            throws Refusal
    {
        if (!changed) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "request " + requestId + " was decided meanwhile; reload the list");
        }
    }

    private static HostFacts facts(AgentRequestRecord request)
    {
        return new HostFacts(request.hostname(), new ArrayList<>(request.lanIps()), new ArrayList<>(request.wanIps()), new ArrayList<>(request.macs()),
                request.os(), request.cores(), request.memoryBytes(), request.agentVersion(), request.port());
    }

    static AgentRequestInfo info(AgentRequestRecord request)
    {
        AgentRequestInfo info = new AgentRequestInfo(request.requestId(), request.address(), request.hostname(), request.os(), request.port(),
                EnrollmentKeys.fingerprint(request.publicKey()), request.state().name(), request.requestedAt().toEpochMilli());
        request.decidedAt().ifPresent(at -> info.setDecidedAtMillis(at.toEpochMilli()));
        request.decidedBy().ifPresent(info::setDecidedBy);
        request.agentId().ifPresent(info::setAgentId);
        return info;
    }
}
