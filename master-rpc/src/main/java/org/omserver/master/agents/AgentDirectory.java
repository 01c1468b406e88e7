package org.omserver.master.agents;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.agent.AgentRepository;

import static java.util.Objects.requireNonNull;

/** The enrolled agents with their online state, judged with an injected clock: online while the last heartbeat is younger than the window. */
public final class AgentDirectory
{
    private final AgentRepository agents;
    private final Clock clock;
    private final Duration onlineWindow;

    public AgentDirectory(AgentRepository agents, Clock clock, Duration onlineWindow)
    {
        this.agents = requireNonNull(agents, "agents is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.onlineWindow = requireNonNull(onlineWindow, "onlineWindow is null");
    }

    public List<AgentStatus> list()
    {
        return agents.agents().stream().map(agent -> new AgentStatus(agent, agent.online(clock.instant(), onlineWindow))).toList();
    }

    /** Whether the active agent at this address is online. */
    public boolean online(String address)
    {
        return agents.findActiveAt(address).map(agent -> agent.online(clock.instant(), onlineWindow)).orElse(false);
    }

    public record AgentStatus(AgentRecord agent, boolean online)
    {
        public AgentStatus
        {
            requireNonNull(agent, "agent is null");
        }
    }
}
