package org.omserver.launcher;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.DatabaseConfig;
import org.omserver.master.agents.AgentDirectory;
import org.omserver.master.config.MasterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "List the enrolled agents with their online state, or revoke one.")
final class AgentsCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/master.properties",
            description = "Master configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--revoke", paramLabel = "AGENT_ID", description = "Revoke this agent: the master calls it no more and refuses its calls.")
    String revoke;

    @Override
    public Integer call()
    {
        MasterConfig master = masterConfig(ConfigFiles.load(config));
        try (Catalog catalog = Catalog.open(master.database())) {
            if (revoke != null) {
                if (!catalog.agents().revoke(revoke, Instant.now())) {
                    throw new IllegalArgumentException("there is no active agent " + revoke + "; 'omserver agents' lists them");
                }
                catalog.audit().record(new org.omserver.catalog.audit.AuditEntry(Instant.now(), System.getProperty("user.name"), "cli", "agent.revoke",
                        java.util.OptionalInt.empty(), "", revoke, "accepted", java.util.Optional.of("revoked with 'omserver agents --revoke'")));
                System.out.println("Revoked agent " + revoke + ".");
                return 0;
            }
            AgentDirectory directory = new AgentDirectory(catalog.agents(), Clock.systemUTC(), master.agents().onlineWindow());
            System.out.printf("%-22s %-16s %-6s %-8s %-24s %s%n", "AGENT", "ADDRESS", "PORT", "STATE", "LAST HEARTBEAT", "HOST");
            directory.list().forEach(status -> System.out.printf("%-22s %-16s %-6d %-8s %-24s %s%n", status.agent().agentId(), status.agent().address(),
                    status.agent().port(), status.agent().revoked() ? "revoked" : status.online() ? "online" : "offline",
                    status.agent().lastHeartbeat().map(Instant::toString).orElse("never"), status.agent().hostname()));
        }
        return 0;
    }

    /** The master's configuration without the launcher's own keys (secret.file). */
    static MasterConfig masterConfig(Map<String, String> values)
    {
        values.remove(ConfigFiles.SECRET_FILE_KEY);
        return MasterConfig.fromProperties(values);
    }

    static DatabaseConfig database(Map<String, String> values)
    {
        return masterConfig(values).database();
    }
}
