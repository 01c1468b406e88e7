package org.omserver.launcher;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.catalog.Catalog;
import org.omserver.master.agents.EnrollmentTokens;
import org.omserver.master.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent-token", mixinStandardHelpOptions = true,
        description = "Create a one-time enrollment token for one agent (stored hashed in the master's database; shown once).")
final class AgentTokenCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/master.properties",
            description = "Master configuration file with the db.* keys (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--expires", defaultValue = "24h", description = "How long the token may be used, at most 30d (default: ${DEFAULT-VALUE}).")
    String expires;

    @Option(names = "--created-by", defaultValue = "${sys:user.name}", description = "Who asked for it, for the audit (default: the current user).")
    String createdBy;

    @Override
    public Integer call()
    {
        Duration lifetime = Durations.parse(expires);
        try (Catalog catalog = Catalog.open(AgentsCommand.database(ConfigFiles.load(config)))) {
            EnrollmentToken token = EnrollmentTokens.create(catalog.agents(), Clock.systemUTC(), lifetime, createdBy);
            System.out.println(token.reveal());
            System.err.println("One-time enrollment token " + token.id() + ", valid for " + Durations.format(lifetime)
                    + ". Put it in the agent's enroll.token-file (mode 600) or OMSERVER_AGENT_TOKEN, then start 'omserver agent'.");
        }
        return 0;
    }

}
