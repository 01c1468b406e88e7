package org.omserver.catalog.agent;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the master knows of an agent's version: the version it announced last, when (the master's clock), and its
 * last self-update. The agent backend waits on this after an updateself to learn the health outcome.
 */
public record AgentUpdateStatus(String agentVersion, Optional<Instant> announcedAt, Optional<AgentUpdate> lastUpdate)
{
    public AgentUpdateStatus
    {
        requireNonNull(agentVersion, "agentVersion is null");
        requireNonNull(announcedAt, "announcedAt is null");
        requireNonNull(lastUpdate, "lastUpdate is null");
    }
}
