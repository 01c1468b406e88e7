package org.omserver.launcher;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import org.omserver.agent.daemon.AgentConfig;
import org.omserver.agent.daemon.AgentDaemon;
import org.omserver.agent.update.AgentSupervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the native agent on this host: enrolls once with a token, then serves the master's commands and heartbeats.",
                "With update.install-dir set, runs the restart supervisor instead, which starts the agent from <install-dir>/current, "
                        + "restarts it after an updateself and rolls back an update that fails its health check."})
final class AgentCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/agent.properties",
            description = "Agent configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call()
    {
        AgentConfig agentConfig = AgentConfig.fromProperties(ConfigFiles.load(config));
        if (agentConfig.selfUpdate().installDir().isPresent()) {
            return new AgentSupervisor(config, agentConfig).run();
        }
        AgentDaemon agent = AgentDaemon.start(agentConfig, Clock.systemUTC());
        return Running.untilStopped(List.of(agent));
    }
}
