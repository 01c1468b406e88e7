package org.omserver.launcher;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.DatabaseConfig;
import org.omserver.agent.wire.EnrollmentKeys;
import org.omserver.catalog.agent.AgentRequestRecord;
import org.omserver.master.agents.AgentDirectory;
import org.omserver.master.agents.AgentRequestStages;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.config.MasterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "List the enrolled agents with their online state, or revoke one; list, approve or reject enrollment requests.")
final class AgentsCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/master.properties",
            description = "Master configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--revoke", paramLabel = "AGENT_ID", description = "Revoke this agent: the master calls it no more and refuses its calls.")
    String revoke;

    @Option(names = "--pending", description = "List the enrollment requests of agents that asked without a token (pending first).")
    boolean pending;

    @Option(names = "--approve", paramLabel = "REQUEST_ID", description = "Approve this enrollment request: the agent is created and trusted.")
    String approve;

    @Option(names = "--reject", paramLabel = "REQUEST_ID", description = "Reject this enrollment request: the agent stops asking.")
    String reject;

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
            if (approve != null || reject != null) {
                return decide(catalog, approve != null ? approve : reject, approve != null);
            }
            if (pending) {
                System.out.printf("%-22s %-9s %-16s %-24s %-52s %s%n", "REQUEST", "STATE", "ADDRESS", "REQUESTED", "KEY", "HOST");
                catalog.agents().requests().forEach(r -> System.out.printf("%-22s %-9s %-16s %-24s %-52s %s%s%n", r.requestId(), r.state().name().toLowerCase(),
                        r.address(), r.requestedAt(), EnrollmentKeys.fingerprint(r.publicKey()), r.hostname(),
                        r.agentId().map(id -> " -> " + id).orElse("")));
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

    private static int decide(Catalog catalog, String requestId, boolean approve)
    {
        String by = System.getProperty("user.name");
        String verb = approve ? "approve" : "reject";
        try {
            AgentRequestRecord decided = new AgentRequestStages(catalog, Clock.systemUTC()).decide(requestId, approve, by);
            catalog.audit().record(new org.omserver.catalog.audit.AuditEntry(Instant.now(), by, "cli", "agentRequestDecide", java.util.OptionalInt.empty(),
                    "", requestId, "accepted", java.util.Optional.of(verb + " request " + requestId + " from " + decided.address()
                            + decided.agentId().map(id -> " as agent " + id).orElse("") + " with 'omserver agents --" + verb + "'")));
            System.out.println((approve ? "Approved" : "Rejected") + " request " + requestId + " from " + decided.address() + " (" + decided.hostname() + ")"
                    + decided.agentId().map(id -> ": agent " + id + "; it collects its key on its next ask").orElse("") + ".");
            return 0;
        }
        catch (Refusal e) {
            catalog.audit().record(new org.omserver.catalog.audit.AuditEntry(Instant.now(), by, "cli", "agentRequestDecide", java.util.OptionalInt.empty(),
                    "", String.valueOf(requestId), e.code().name(), java.util.Optional.of(verb + ": " + e.getMessage())));
            throw new IllegalArgumentException(e.getMessage() + "; 'omserver agents --pending' lists the requests", e);
        }
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
