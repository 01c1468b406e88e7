package org.omserver.master.agents;

import java.util.Optional;

import org.omserver.agent.backend.AgentCredentials;
import org.omserver.agent.backend.AgentKeys;
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
}
