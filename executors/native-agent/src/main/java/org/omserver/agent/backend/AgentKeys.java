package org.omserver.agent.backend;

import java.util.Optional;

/**
 * The master's lookup of enrolled agents, handed to the backend as a {@link org.omserver.executor.api.BackendServices}
 * service. Only active (not revoked) agents are found, so a revoked agent is never called again.
 */
public interface AgentKeys
{
    /** The active agent whose host has this LAN IP. */
    Optional<AgentCredentials> find(String address);

    /**
     * What the agent last announced (version, when, its last self-update): how the backend learns the health outcome
     * of an updateself. Empty when the master does not keep it.
     */
    default Optional<AnnouncedVersion> announced(String agentId)
    {
        return Optional.empty();
    }
}
