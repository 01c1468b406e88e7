package org.omserver.catalog.agent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Enrollment tokens, enrolled agents and their metrics (tables oms_agent_token, oms_agent, oms_agent_metric). */
public interface AgentRepository
{
    void addToken(EnrollmentTokenRecord token);

    Optional<EnrollmentTokenRecord> findToken(String tokenId);

    /** Marks the token used by {@code agentId}; false when it was already used or has expired at {@code at} (atomic). */
    boolean useToken(String tokenId, Instant at, String agentId);

    void addAgent(AgentRecord agent);

    Optional<AgentRecord> findAgent(String agentId);

    /** The active (not revoked) agent at this address. */
    Optional<AgentRecord> findActiveAt(String address);

    /** Every agent, revoked ones included, by id. */
    List<AgentRecord> agents();

    /** Replaces what the agent reports about itself (port, facts, version) and stamps the announcement. */
    void updateFacts(AgentRecord agent, Instant at);

    /** Stores the last self-update the agent reported in its announcement. */
    void recordUpdate(String agentId, AgentUpdate update);

    /** The agent's announced version, when it announced, and its last self-update; empty for an unknown agent. */
    Optional<AgentUpdateStatus> updateStatus(String agentId);

    /** Stores the readings and makes them the agent's last heartbeat. */
    void heartbeat(AgentMetric metric);

    /** The agent's readings since {@code from}, oldest first. */
    List<AgentMetric> metrics(String agentId, Instant from);

    /** Each agent's newest reading (agents without one are absent). */
    List<AgentMetric> latestMetrics();

    /** Deletes every reading older than {@code before}; returns how many. */
    int deleteMetricsBefore(Instant before);

    /** False when there is no such active agent. */
    boolean revoke(String agentId, Instant at);

    /** Files a new PENDING request. */
    void addRequest(AgentRequestRecord request);

    Optional<AgentRequestRecord> findRequest(String requestId);

    /** Every request, pending ones first, then newest first. */
    List<AgentRequestRecord> requests();

    /** How many requests are pending. */
    int pendingRequests();

    /** Records the decision on a PENDING request; false when it was decided already (atomic). */
    boolean decideRequest(String requestId, AgentRequestRecord.State state, Instant at, String by, Optional<String> agentId);
}
