package org.omserver.agent.backend;

import static java.util.Objects.requireNonNull;

/**
 * How to reach and authenticate one agent. {@link #toString()} never shows the key.
 *
 * @param port the port the agent listens on, as it announced (server_list.ssh_port is not used for agents)
 */
public record AgentCredentials(String agentId, byte[] key, int port)
{
    public AgentCredentials
    {
        requireNonNull(agentId, "agentId is null");
        requireNonNull(key, "key is null");
        key = key.clone();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("agent port must be 1-65535, was " + port);
        }
    }

    @Override
    public byte[] key()
    {
        return key.clone();
    }

    @Override
    public String toString()
    {
        return "AgentCredentials[" + agentId + ", port=" + port + ", key=****]";
    }
}
