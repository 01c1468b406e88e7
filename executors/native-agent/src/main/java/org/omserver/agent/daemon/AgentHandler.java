package org.omserver.agent.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.thrift.TBase;
import org.omserver.agent.wire.AgentErrors;
import org.omserver.agent.wire.AgentSeal;
import org.omserver.protocol.agent.Agent;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentErrorCode;
import org.omserver.protocol.agent.CancelReply;
import org.omserver.protocol.agent.CancelRequest;
import org.omserver.protocol.agent.PollRequest;
import org.omserver.protocol.agent.RunReply;
import org.omserver.protocol.agent.RunRequest;
import org.omserver.protocol.agent.Sealed;
import org.omserver.protocol.agent.VersionReply;
import org.omserver.protocol.agent.VersionRequest;
import org.omserver.protocol.envelope.EnvelopeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The agent's side of {@code service Agent}. Every call goes through {@link #open}: the id in clear must be this
 * agent's, the envelope must verify with this agent's key (fresh, not replayed) and the agent must not be revoked;
 * otherwise nothing runs and the refusal goes to the {@code org.omserver.agent.audit} log. Runs are re-checked
 * against the local allow-list (programs) or the enabled built-ins ({@code omserver:NAME}), whatever the master
 * decided.
 */
final class AgentHandler
        implements Agent.Iface
{
    private static final Logger audit = LoggerFactory.getLogger("org.omserver.agent.audit");

    private final AgentIdentity identity;
    private final AgentSeal seal;
    private final AllowList allowList;
    private final Builtins builtins;
    private final Runs runs;
    private final String version;
    private final String hostname;
    private final Supplier<Boolean> revoked;
    private final Supplier<String> peer;

    AgentHandler(AgentIdentity identity, AgentSeal seal, AllowList allowList, Builtins builtins, Runs runs, String version, String hostname,
            Supplier<Boolean> revoked, Supplier<String> peer)
    {
        this.identity = requireNonNull(identity, "identity is null");
        this.seal = requireNonNull(seal, "seal is null");
        this.allowList = requireNonNull(allowList, "allowList is null");
        this.builtins = requireNonNull(builtins, "builtins is null");
        this.runs = requireNonNull(runs, "runs is null");
        this.version = requireNonNull(version, "version is null");
        this.hostname = requireNonNull(hostname, "hostname is null");
        this.revoked = requireNonNull(revoked, "revoked is null");
        this.peer = requireNonNull(peer, "peer is null");
    }

    @Override
    public Sealed version(Sealed request)
            throws AgentError
    {
        open("version", request, new VersionRequest());
        return reply("version", new VersionReply(version, hostname));
    }

    @Override
    public Sealed run(Sealed request)
            throws AgentError
    {
        RunRequest run = open("run", request, new RunRequest());
        Optional<Builtin> builtin = Optional.empty();
        Optional<String> refusal;
        if (run.getArgv().isEmpty()) {
            refusal = Optional.of("the argument vector is empty");
        }
        else if (Builtins.isBuiltin(run.getArgv())) {
            Builtins.Resolution resolution = builtins.resolve(run.getArgv());
            builtin = resolution.builtin();
            refusal = resolution.refusal();
        }
        else {
            refusal = allowList.refusal(run.getArgv());
        }
        if (refusal.isEmpty() && run.isNeedsRoot() && !isRoot()) {
            refusal = Optional.of("the command needs root, and this agent runs as " + System.getProperty("user.name"));
        }
        if (refusal.isEmpty() && (run.getTimeoutMs() < 1 || run.getTimeoutMs() > Duration.ofDays(1).toMillis())) {
            refusal = Optional.of("the timeout must be 1 ms to 1 day, was " + run.getTimeoutMs() + " ms");
        }
        if (refusal.isPresent()) {
            audit.warn("refused run of job {} from {}: {}", run.getJobId(), peer.get(), refusal.get());
            throw AgentErrors.of(AgentErrorCode.REFUSED, refusal.get());
        }
        try {
            Duration timeout = Duration.ofMillis(run.getTimeoutMs());
            String runId = builtin.isPresent()
                    ? runs.startBuiltin(run.getJobId(), builtin.get(), run.getArgv().subList(1, run.getArgv().size()), timeout)
                    : runs.start(run.getJobId(), run.getArgv(), timeout);
            audit.info("accepted run {} of job {} from {}: {} with {} arguments", runId, run.getJobId(), peer.get(), run.getArgv().get(0), run.getArgv().size() - 1);
            return reply("run", new RunReply(runId));
        }
        catch (Runs.BusyException e) {
            audit.warn("refused run of job {} from {}: {}", run.getJobId(), peer.get(), e.getMessage());
            throw AgentErrors.of(AgentErrorCode.BUSY, e.getMessage());
        }
    }

    @Override
    public Sealed poll(Sealed request)
            throws AgentError
    {
        PollRequest poll = open("poll", request, new PollRequest());
        try {
            return reply("poll", runs.poll(poll.getRunId(), poll.getCursor(), Duration.ofMillis(poll.getMaxWaitMs())));
        }
        catch (Runs.NotFoundException e) {
            throw AgentErrors.of(AgentErrorCode.NOT_FOUND, e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AgentErrors.of(AgentErrorCode.INTERNAL, "the agent is stopping");
        }
    }

    @Override
    public Sealed cancel(Sealed request)
            throws AgentError
    {
        CancelRequest cancel = open("cancel", request, new CancelRequest());
        try {
            boolean wasRunning = runs.cancel(cancel.getRunId());
            audit.info("cancel of {} from {} ({})", cancel.getRunId(), peer.get(), wasRunning ? "killed" : "had already ended");
            return reply("cancel", new CancelReply(wasRunning));
        }
        catch (Runs.NotFoundException e) {
            throw AgentErrors.of(AgentErrorCode.NOT_FOUND, e.getMessage());
        }
    }

    private <T extends TBase<?, ?>> T open(String method, Sealed request, T into)
            throws AgentError
    {
        try {
            String claimed = AgentSeal.checkedId(request);
            if (!claimed.equals(identity.agentId())) {
                audit.warn("refused {} from {}: addressed to agent {}, this is {}", method, peer.get(), claimed, identity.agentId());
                throw AgentErrors.of(AgentErrorCode.UNKNOWN_AGENT, "this is agent " + identity.agentId() + ", not " + claimed);
            }
            if (revoked.get()) {
                audit.warn("refused {} from {}: this agent was revoked", method, peer.get());
                throw AgentErrors.of(AgentErrorCode.REVOKED, "this agent was revoked by the master; enroll it again with a new token");
            }
            return seal.openRequest(identity.key(), method, request, into);
        }
        catch (EnvelopeException e) {
            audit.warn("refused {} from {}: {} ({})", method, peer.get(), e.reason(), e.getMessage());
            throw AgentErrors.refused(e);
        }
    }

    private Sealed reply(String method, TBase<?, ?> reply)
    {
        return seal.sealReply(identity.agentId(), identity.key(), method, reply);
    }

    static boolean isRoot()
    {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        }
        catch (Exception e) {
            return false;
        }
    }
}
