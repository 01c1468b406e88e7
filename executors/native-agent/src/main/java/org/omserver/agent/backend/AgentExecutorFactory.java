package org.omserver.agent.backend;

import org.omserver.executor.api.BackendServices;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.ExecutorFactory;

/** The {@code agent} backend: runs invocations through the native agent on each host. Needs the master's {@link AgentKeys}. */
public final class AgentExecutorFactory
        implements ExecutorFactory
{
    public static final String NAME = "agent";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public Executor create(ExecutorConfig config)
    {
        return create(config, BackendServices.none());
    }

    @Override
    public Executor create(ExecutorConfig config, BackendServices services)
    {
        AgentBackendConfig parsed = AgentBackendConfig.from(config);
        AgentKeys keys = services.find(AgentKeys.class).orElseThrow(() -> new IllegalArgumentException(
                "the agent backend needs the master's agent key lookup; it runs inside the master (agents.enabled=true)"));
        return new AgentExecutor(parsed, keys);
    }
}
