package org.omserver.catalog.agent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An agent's request to be enrolled by an admin's approval (table oms_agent_request): what the agent reported about
 * its host, its X25519 public key, the address it asked from, and the decision.
 *
 * @param agentId the agent the approval created
 */
public record AgentRequestRecord(String requestId, byte[] publicKey, String address, int port, String hostname, List<String> lanIps,
        List<String> wanIps, List<String> macs, String os, int cores, long memoryBytes, String agentVersion, State state, Instant requestedAt,
        Optional<Instant> decidedAt, Optional<String> decidedBy, Optional<String> agentId)
{
    public enum State
    {
        PENDING, APPROVED, REJECTED
    }

    public AgentRequestRecord
    {
        requireNonNull(requestId, "requestId is null");
        publicKey = requireNonNull(publicKey, "publicKey is null").clone();
        requireNonNull(address, "address is null");
        requireNonNull(hostname, "hostname is null");
        lanIps = List.copyOf(lanIps);
        wanIps = List.copyOf(wanIps);
        macs = List.copyOf(macs);
        requireNonNull(os, "os is null");
        requireNonNull(agentVersion, "agentVersion is null");
        requireNonNull(state, "state is null");
        requireNonNull(requestedAt, "requestedAt is null");
        requireNonNull(decidedAt, "decidedAt is null");
        requireNonNull(decidedBy, "decidedBy is null");
        requireNonNull(agentId, "agentId is null");
    }

    @Override
    public byte[] publicKey()
    {
        return publicKey.clone();
    }
}
