package org.omserver.master.agents;

import java.util.Optional;

import org.omserver.agent.backend.AgentCredentials;
import org.omserver.agent.backend.AgentKeys;
import org.omserver.agent.backend.AnnouncedVersion;
import org.omserver.catalog.agent.AgentUpdate;
import org.omserver.catalog.agent.AgentRepository;

import static java.util.Objects.requireNonNull;

/** The agent backend's key lookup, read from oms_agent on every invocation so a revocation takes effect at once. */
public final class CatalogAgentKeys
        implements AgentKeys
{
    private final AgentRepository agents;

    public CatalogAgentKeys(AgentRepository agents)
    {
        this.agents = requireNonNull(agents, "agents is null");
    }

    @Override
    public Optional<AgentCredentials> find(String address)
    {
        return agents.findActiveAt(address).map(agent -> new AgentCredentials(agent.agentId(), agent.key(), agent.port()));
    }

    @Override
    public Optional<AnnouncedVersion> announced(String agentId)
    {
        return agents.updateStatus(agentId).map(status -> new AnnouncedVersion(status.agentVersion(), status.announcedAt(),
                status.lastUpdate().map(AgentUpdate::state), status.lastUpdate().map(AgentUpdate::from).orElse(""),
                status.lastUpdate().map(AgentUpdate::to).orElse(""), status.lastUpdate().map(AgentUpdate::detail).orElse("")));
    }
}
