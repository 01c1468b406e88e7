package org.omserver.master.agents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.omserver.agent.wire.AgentSeal;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.catalog.agent.AgentMetric;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.agent.AgentUpdateStatus;
import org.omserver.catalog.agent.AgentRepository;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.protocol.thrift.AgentInfo;
import org.omserver.protocol.thrift.AgentMetricPoint;
import org.omserver.protocol.thrift.AgentMetricsReply;
import org.omserver.protocol.thrift.AgentMetricsRequest;
import org.omserver.protocol.thrift.AgentsReply;
import org.omserver.protocol.thrift.CreateAgentTokenReply;
import org.omserver.protocol.thrift.CreateAgentTokenRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.RevokeAgentReply;
import org.omserver.protocol.thrift.RevokeAgentRequest;

import static java.util.Objects.requireNonNull;

/**
 * The stages of the gateway's agent methods: list with liveness and the newest reading, a host's last 24 h of readings
 * downsampled for a chart, revoke, and one-time enrollment tokens. Roles are checked before these run (MasterHandler).
 */
public final class AgentStages
{
    public static final Duration CHART_WINDOW = Duration.ofHours(24);

    private final AgentRepository agents;
    private final Clock clock;
    private final Duration onlineWindow;

    public AgentStages(AgentRepository agents, Clock clock, Duration onlineWindow)
    {
        this.agents = requireNonNull(agents, "agents is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.onlineWindow = requireNonNull(onlineWindow, "onlineWindow is null");
    }

    /** Every agent, revoked ones included, with its online state and newest reading. */
    public Stage listAgents()
    {
        return Stage.named("listAgents", call -> {
            Instant now = clock.instant();
            Map<String, AgentMetric> latest = agents.latestMetrics().stream().collect(Collectors.toMap(AgentMetric::agentId, Function.identity(), (a, b) -> b));
            call.setReply(new AgentsReply(new ArrayList<>(agents.agents().stream().map(agent -> info(agent, latest.get(agent.agentId()), now)).toList()),
                    now.toEpochMilli(), onlineWindow.toMillis()));
        });
    }

    /**
     * Adds liveness to the inventory reply's servers that have an active agent at their LAN IP, and marks agent-backend
     * servers without one offline (the run page's host picker shows it).
     */
    public Stage inventoryLiveness()
    {
        return Stage.named("inventoryLiveness", call -> {
            InventoryReply reply = call.reply(InventoryReply.class);
            Instant now = clock.instant();
            Map<String, AgentRecord> active = agents.agents().stream().filter(agent -> !agent.revoked())
                    .collect(Collectors.toMap(AgentRecord::address, Function.identity(), (a, b) -> b));
            for (ServerInfo server : reply.getServers()) {
                AgentRecord agent = active.get(server.getLanIp());
                if (agent != null) {
                    server.setAgentOnline(agent.online(now, onlineWindow));
                    agent.lastHeartbeat().ifPresent(at -> server.setAgentLastHeartbeatMillis(at.toEpochMilli()));
                }
                else if (server.getBackend().equals("agent")) {
                    // an agent host whose agent was revoked (or never enrolled): nothing can run there
                    server.setAgentOnline(false);
                }
            }
        });
    }

    /** One agent's readings of the last 24 h (or a shorter window), averaged into at most maxPoints buckets. */
    public Stage agentMetrics()
    {
        return Stage.named("agentMetrics", call -> {
            AgentMetricsRequest request = call.request(AgentMetricsRequest.class);
            int maxPoints = request.isSetMaxPoints() ? request.getMaxPoints() : MetricSeries.DEFAULT_POINTS;
            if (maxPoints < 1 || maxPoints > MetricSeries.MAX_POINTS) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "maxPoints must be 1 to " + MetricSeries.MAX_POINTS + ", was " + maxPoints);
            }
            int minutes = request.isSetWindowMinutes() ? request.getWindowMinutes() : (int) CHART_WINDOW.toMinutes();
            if (minutes < 1 || minutes > CHART_WINDOW.toMinutes()) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "windowMinutes must be 1 to " + CHART_WINDOW.toMinutes() + ", was " + minutes);
            }
            AgentRecord agent = find(request.getAgentId());
            Instant now = clock.instant();
            Instant from = now.minus(Duration.ofMinutes(minutes));
            var readings = agents.metrics(agent.agentId(), from);
            var points = MetricSeries.downsample(readings, from, now.plusMillis(1), maxPoints).stream()
                    .map(p -> new AgentMetricPoint(p.at().toEpochMilli(), p.cpuPercent(), p.memoryUsed(), p.memoryTotal()))
                    .toList();
            AgentMetric last = readings.isEmpty() ? null : readings.getLast();
            call.setDetail("agent " + agent.agentId());
            AgentInfo info = info(agent, last, now);
            agents.updateStatus(agent.agentId()).flatMap(AgentUpdateStatus::lastUpdate).ifPresent(update -> info.setLastUpdate(update.state() + " from "
                    + update.from() + " to " + update.to() + " (package " + update.packageName() + ") at " + update.at()
                    + (update.detail().isEmpty() ? "" : ": " + update.detail())));
            call.setReply(new AgentMetricsReply(info, from.toEpochMilli(), now.toEpochMilli(), new ArrayList<>(points),
                    MetricSeries.bucket(from, now.plusMillis(1), maxPoints).toMillis()));
        });
    }

    /** Revokes an active agent; the request must name it twice (the confirmation). */
    public Stage revoke()
    {
        return Stage.named("revokeAgent", call -> {
            RevokeAgentRequest request = call.request(RevokeAgentRequest.class);
            AgentRecord agent = find(request.getAgentId());
            call.setDetail("agent " + agent.agentId() + " at " + agent.address());
            if (!request.getAgentId().equals(request.getConfirmAgentId())) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "the confirmation does not name agent " + agent.agentId() + "; type its id to confirm");
            }
            if (agent.revoked()) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "agent " + agent.agentId() + " is already revoked");
            }
            Instant now = clock.instant();
            if (!agents.revoke(agent.agentId(), now)) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "agent " + agent.agentId() + " is already revoked");
            }
            call.setReply(new RevokeAgentReply(info(agents.findAgent(agent.agentId()).orElseThrow(), null, now)));
        });
    }

    /** Creates a one-time token; the reply is the only place it ever appears. */
    public Stage createToken()
    {
        return Stage.named("createAgentToken", call -> {
            CreateAgentTokenRequest request = call.request(CreateAgentTokenRequest.class);
            long seconds = request.getLifetimeSeconds();
            if (seconds < 1 || seconds > EnrollmentTokens.MAX_LIFETIME.toSeconds()) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "a token's lifetime must be 1 second to 30 days, was " + seconds + " s");
            }
            EnrollmentToken token = EnrollmentTokens.create(agents, clock, Duration.ofSeconds(seconds), call.requirePrincipal().username());
            call.setDetail("token " + token.id());
            call.setReply(new CreateAgentTokenReply(token.reveal(), token.id(), clock.instant().plusSeconds(seconds).toEpochMilli()));
        });
    }

    private AgentRecord find(String agentId)
            throws Refusal
    {
        if (agentId == null || !AgentSeal.ID.matcher(agentId).matches()) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "an agent id is 1 to 64 letters, digits, '_' or '-'; copy it from the agents list");
        }
        return agents.findAgent(agentId).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "agent " + agentId + " does not exist; see the agents list"));
    }

    private AgentInfo info(AgentRecord agent, AgentMetric latest, Instant now)
    {
        AgentInfo info = new AgentInfo(agent.agentId(), agent.address(), agent.port(), agent.hostname(), new ArrayList<>(agent.lanIps()),
                new ArrayList<>(agent.wanIps()), agent.os(), agent.agentVersion(), agent.revoked(), agent.online(now, onlineWindow),
                agent.enrolledAt().toEpochMilli(), agent.cores());
        agent.lastHeartbeat().ifPresent(at -> info.setLastHeartbeatMillis(at.toEpochMilli()));
        if (latest != null) {
            info.setCpuPercent(latest.cpuPercent());
            info.setMemoryUsed(latest.memoryUsed());
            info.setMemoryTotal(latest.memoryTotal());
        }
        return info;
    }
}
