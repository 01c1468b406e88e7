package org.omserver.launcher;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import org.omserver.agent.daemon.AgentConfig;
import org.omserver.agent.daemon.AgentDaemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the native agent on this host: enrolls once with a token, then serves the master's commands and heartbeats.")
final class AgentCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/agent.properties",
            description = "Agent configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call()
    {
        AgentDaemon agent = AgentDaemon.start(AgentConfig.fromProperties(ConfigFiles.load(config)), Clock.systemUTC());
        return Running.untilStopped(List.of(agent));
    }
}
