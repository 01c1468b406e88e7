package org.omserver.agent.backend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import org.apache.thrift.TException;
import org.apache.thrift.transport.TTransportException;
import org.omserver.agent.wire.AgentSeal;
import org.omserver.executor.api.EventSink;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.CancelRequest;
import org.omserver.protocol.agent.OutputChunk;
import org.omserver.protocol.agent.PollReply;
import org.omserver.protocol.agent.PollRequest;
import org.omserver.protocol.agent.RunReply;
import org.omserver.protocol.agent.RunRequest;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.ReplayCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Runs an invocation through the agent on the host: {@code run}, then {@code poll} by cursor (each poll waits at
 * most {@code poll-wait} on the agent, so an interrupt is seen within that time) until the run finishes. The
 * command's timeout is enforced by the agent, and by this side too (timeout plus a grace) in case the agent stops
 * answering; a transfer built-in gets {@code transfer-timeout} instead of the command timeout; connecting has its own
 * timeout. Every call is sealed with the agent's own key and every reply must
 * open with it. Failures are values: see {@link #failure(AgentError)} for the mapping of the agent's error codes.
 */
final class AgentExecutor
        implements Executor
{
    private static final Logger log = LoggerFactory.getLogger(AgentExecutor.class);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final String UPDATESELF = "omserver:updateself";
    private static final String ROLLED_BACK = "ROLLED_BACK";
    private static final Duration HEALTH_POLL = Duration.ofMillis(250);

    private final AgentBackendConfig config;
    private final AgentKeys keys;
    private final AgentSeal seal;
    private final AgentConnections connections;
    private final Semaphore slots;
    private final Clock clock = Clock.systemUTC();

    AgentExecutor(AgentBackendConfig config, AgentKeys keys)
    {
        this.config = requireNonNull(config, "config is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.seal = new AgentSeal(clock, config.envelopeWindow(), config.maxFrameBytes(), new ReplayCache(clock, 1_000_000));
        this.connections = new AgentConnections(config);
        this.slots = new Semaphore(config.maxConcurrent());
    }

    @Override
    public void execute(Invocation invocation, EventSink sink)
    {
        long start = System.nanoTime();
        HostTarget target = invocation.target();
        AgentCredentials agent = keys.find(target.address()).orElse(null);
        if (agent == null) {
            sink.finished(target, HostResult.failed(FailureReason.AUTH_FAILED, "no enrolled agent at " + target.address()
                    + " (never enrolled, or revoked): enroll one with a token from 'omserver agent-token'", since(start)));
            return;
        }
        try {
            slots.acquire();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.finished(target, HostResult.failed(FailureReason.INTERRUPTED, "cancelled before it started", since(start)));
            return;
        }
        try {
            Instant sent = clock.instant();
            HostResult result = run(invocation, agent, sink, start);
            if (isUpdate(invocation) && result.succeeded()) {
                result = awaitHealth(invocation, agent, sink, sent, start);
            }
            sink.finished(target, result);
        }
        finally {
            slots.release();
        }
    }

    private static boolean isUpdate(Invocation invocation)
    {
        return !invocation.argv().isEmpty() && invocation.argv().get(0).equals(UPDATESELF);
    }

    /**
     * After updateself answered "restarting", the host's outcome is its health, not that first reply: the agent must
     * come back and announce itself (after {@code sent}) with the version its update went to. An announcement that
     * reports ROLLED_BACK (its supervisor found the new version unhealthy and restarted the old one) fails the host
     * UNHEALTHY with the supervisor's reason; no announcement within the invocation's timeout fails it TIMEOUT.
     */
    private HostResult awaitHealth(Invocation invocation, AgentCredentials agent, EventSink sink, Instant sent, long start)
    {
        HostTarget target = invocation.target();
        long deadline = start + invocation.timeout().toNanos();
        sink.output(target, EventSink.OutputStream.STDOUT, "master: waiting for the agent to restart and announce the new version (health check)\n");
        while (System.nanoTime() - deadline < 0) {
            Optional<AnnouncedVersion> seen = keys.announced(agent.agentId()).filter(a -> a.at().filter(sent::isBefore).isPresent());
            if (seen.isPresent() && seen.get().updateState().isPresent()) {
                AnnouncedVersion announced = seen.get();
                if (announced.updateState().get().equals(ROLLED_BACK)) {
                    sink.output(target, EventSink.OutputStream.STDERR, "master: the agent rolled back: " + announced.updateDetail() + "\n");
                    return HostResult.failed(FailureReason.UNHEALTHY, "the update to " + announced.updateTo() + " failed its health check and the host "
                            + "rolled back to " + announced.version() + ": " + announced.updateDetail(), since(start));
                }
                if (announced.version().equals(announced.updateTo())) {
                    sink.output(target, EventSink.OutputStream.STDOUT, "master: the agent announced version " + announced.version() + " (updated from "
                            + announced.updateFrom() + "): healthy\n");
                    return HostResult.success(since(start));
                }
            }
            try {
                Thread.sleep(HEALTH_POLL.toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HostResult.failed(FailureReason.INTERRUPTED, "cancelled while waiting for the updated agent to announce itself", since(start));
            }
        }
        return HostResult.failed(FailureReason.TIMEOUT, "the agent did not come back announcing its new version within the timeout of "
                + invocation.timeout().toSeconds() + " s; check the host (its supervisor rolls back an unhealthy version)", since(start));
    }

    private HostResult run(Invocation invocation, AgentCredentials agent, EventSink sink, long start)
    {
        HostTarget target = invocation.target();
        AgentConnections.Connection connection;
        try {
            connection = connections.borrow(target.address(), agent.port());
        }
        catch (TTransportException e) {
            return HostResult.failed(FailureReason.UNREACHABLE, "cannot connect to the agent at " + target.address() + ":" + agent.port()
                    + " within " + config.connectTimeout().toMillis() + " ms: " + e.getMessage(), since(start));
        }
        boolean reusable = false;
        Duration timeout = timeout(invocation);
        try {
            RunRequest request = new RunRequest(invocation.jobId(), invocation.argv(), timeout.toMillis(), invocation.needsRoot());
            String runId = seal.openReply(agent.key(), "run", connection.client().run(seal.sealRequest(agent.agentId(), agent.key(), "run", request)),
                    new RunReply()).getRunId();
            sink.started(target);
            long deadline = start + timeout.plus(GRACE).toNanos();
            long cursor = 0;
            while (true) {
                if (Thread.interrupted()) {
                    cancel(connection, agent, runId);
                    Thread.currentThread().interrupt();
                    return HostResult.failed(FailureReason.INTERRUPTED, "cancelled by the master; the agent killed the command", since(start));
                }
                if (System.nanoTime() - deadline > 0) {
                    cancel(connection, agent, runId);
                    return HostResult.failed(FailureReason.TIMEOUT, "the agent did not report an end within the timeout of "
                            + timeout.toSeconds() + " s; the command was cancelled", since(start));
                }
                PollRequest poll = new PollRequest(runId, cursor, config.pollWait().toMillis());
                PollReply reply = seal.openReply(agent.key(), "poll", connection.client().poll(seal.sealRequest(agent.agentId(), agent.key(), "poll", poll)),
                        new PollReply());
                for (OutputChunk chunk : reply.getChunks()) {
                    sink.output(target, chunk.isStderr() ? EventSink.OutputStream.STDERR : EventSink.OutputStream.STDOUT, chunk.getText());
                }
                cursor = reply.getNextCursor();
                if (reply.isFinished()) {
                    reusable = true;
                    return ended(reply, since(start));
                }
            }
        }
        catch (AgentError e) {
            reusable = true;
            log.info("job {} host {}: the agent answered {}: {}", invocation.jobId(), target.address(), e.getCode(), e.getMessage());
            return HostResult.failed(failure(e), "the agent refused: " + e.getMessage(), since(start));
        }
        catch (EnvelopeException e) {
            return HostResult.failed(FailureReason.AUTH_FAILED, "the agent's reply did not authenticate with its key (" + e.reason() + "): " + e.getMessage(), since(start));
        }
        catch (TException e) {
            return HostResult.failed(FailureReason.CONNECTION_LOST, "the connection to the agent at " + target.address() + " broke: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), since(start));
        }
        finally {
            connections.release(connection, reusable);
        }
    }

    /** A transfer runs under {@code transfer-timeout}, every other command under the job's per-host command timeout. */
    private Duration timeout(Invocation invocation)
    {
        return AgentBackendConfig.TRANSFERS.contains(invocation.argv().getFirst()) ? config.transferTimeout() : invocation.timeout();
    }

    private void cancel(AgentConnections.Connection connection, AgentCredentials agent, String runId)
    {
        try {
            connection.client().cancel(seal.sealRequest(agent.agentId(), agent.key(), "cancel", new CancelRequest(runId)));
        }
        catch (TException e) {
            log.warn("cancel of run {} on agent {} failed: {}", runId, agent.agentId(), e.getMessage());
        }
    }

    private static HostResult ended(PollReply reply, Duration duration)
    {
        if (reply.isSetFailure()) {
            return switch (reply.getFailure()) {
                case TIMEOUT -> HostResult.failed(FailureReason.TIMEOUT, reply.getMessage(), duration);
                case CANCELLED -> HostResult.failed(FailureReason.INTERRUPTED, reply.getMessage(), duration);
                case START_FAILED -> HostResult.failed(FailureReason.REFUSED, reply.getMessage(), duration);
            };
        }
        if (!reply.isSetExitCode()) {
            return HostResult.failed(FailureReason.INTERNAL, "the agent reported an end without an exit code", duration);
        }
        return HostResult.exited(reply.getExitCode(), duration);
    }

    /** Key problems are AUTH_FAILED, allow-list and capacity refusals REFUSED, a run the agent lost CONNECTION_LOST. */
    static FailureReason failure(AgentError error)
    {
        return switch (error.getCode()) {
            case UNKNOWN_AGENT, AUTH_FAILED, REVOKED, TOKEN_REFUSED -> FailureReason.AUTH_FAILED;
            case REFUSED, BUSY -> FailureReason.REFUSED;
            case NOT_FOUND -> FailureReason.CONNECTION_LOST;
            case BAD_REQUEST, INTERNAL -> FailureReason.INTERNAL;
        };
    }

    private static Duration since(long startNanos)
    {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close()
    {
        connections.close();
    }
}
