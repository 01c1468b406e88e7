package org.omserver.catalog.internal;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.omserver.catalog.agent.AgentMetric;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.agent.AgentRepository;
import org.omserver.catalog.agent.AgentRequestRecord;
import org.omserver.catalog.agent.AgentUpdate;
import org.omserver.catalog.agent.AgentUpdateStatus;
import org.omserver.catalog.agent.EnrollmentTokenRecord;
import org.omserver.catalog.internal.AgentMapper.AgentRow;
import org.omserver.catalog.internal.AgentMapper.MetricRow;
import org.omserver.catalog.internal.AgentMapper.RequestRow;
import org.omserver.catalog.internal.AgentMapper.TokenRow;

import static java.util.Objects.requireNonNull;

/** Lists of addresses are stored comma-separated; texts an agent reports are cut to their column's size. */
public final class DbAgentRepository
        implements AgentRepository
{
    private final Db db;

    DbAgentRepository(Db db)
    {
        this.db = db;
    }

    @Override
    public void addToken(EnrollmentTokenRecord token)
    {
        requireNonNull(token, "token is null");
        TokenRow row = new TokenRow();
        row.tokenId = token.tokenId();
        row.tokenSha256 = token.sha256Hex();
        row.createdAt = Db.utc(token.createdAt());
        row.createdBy = Db.cap(token.createdBy(), 64);
        row.expiresAt = Db.utc(token.expiresAt());
        db.call(AgentMapper.class, mapper -> {
            mapper.insertToken(row);
            return null;
        });
    }

    @Override
    public Optional<EnrollmentTokenRecord> findToken(String tokenId)
    {
        return Optional.ofNullable(db.call(AgentMapper.class, mapper -> mapper.findToken(tokenId)))
                .filter(row -> row.tokenId.equals(tokenId))
                .map(row -> new EnrollmentTokenRecord(row.tokenId, row.tokenSha256, Db.instant(row.createdAt), row.createdBy, Db.instant(row.expiresAt),
                        Optional.ofNullable(row.usedAt).map(Db::instant), Optional.ofNullable(row.usedBy)));
    }

    @Override
    public boolean useToken(String tokenId, Instant at, String agentId)
    {
        return db.call(AgentMapper.class, mapper -> mapper.useToken(tokenId, Db.utc(at), agentId)) == 1;
    }

    @Override
    public void addAgent(AgentRecord agent)
    {
        AgentRow row = toRow(agent);
        db.call(AgentMapper.class, mapper -> {
            mapper.insertAgent(row);
            return null;
        });
    }

    @Override
    public Optional<AgentRecord> findAgent(String agentId)
    {
        // MySQL's default collation ignores case: the match must be exact
        return Optional.ofNullable(db.call(AgentMapper.class, mapper -> mapper.findAgent(agentId)))
                .filter(row -> row.agentId.equals(agentId))
                .map(DbAgentRepository::toRecord);
    }

    @Override
    public Optional<AgentRecord> findActiveAt(String address)
    {
        return db.call(AgentMapper.class, mapper -> mapper.findActiveAt(address)).stream()
                .filter(row -> row.address.equals(address))
                .map(DbAgentRepository::toRecord)
                .findFirst();
    }

    @Override
    public List<AgentRecord> agents()
    {
        return db.call(AgentMapper.class, AgentMapper::agents).stream().map(DbAgentRepository::toRecord).toList();
    }

    @Override
    public void recordUpdate(String agentId, AgentUpdate update)
    {
        requireNonNull(update, "update is null");
        AgentMapper.UpdateRow row = new AgentMapper.UpdateRow();
        row.updateState = Db.cap(update.state(), 16);
        row.updateFrom = Db.cap(update.from(), 64);
        row.updateTo = Db.cap(update.to(), 64);
        row.updatePackage = Db.cap(update.packageName(), 128);
        row.updateDetail = Db.cap(update.detail(), 1000);
        row.updateAt = Db.utc(update.at());
        db.call(AgentMapper.class, mapper -> {
            mapper.recordUpdate(agentId, row);
            return null;
        });
    }

    @Override
    public Optional<AgentUpdateStatus> updateStatus(String agentId)
    {
        return Optional.ofNullable(db.call(AgentMapper.class, mapper -> mapper.updateStatus(agentId)))
                .filter(row -> row.agentId.equals(agentId))
                .map(row -> new AgentUpdateStatus(row.agentVersion, Optional.ofNullable(row.announcedAt).map(Db::instant),
                        Optional.ofNullable(row.updateState).map(state -> new AgentUpdate(state, nonNull(row.updateFrom), nonNull(row.updateTo),
                                nonNull(row.updatePackage), Db.instant(row.updateAt), nonNull(row.updateDetail)))));
    }

    private static String nonNull(String text)
    {
        return text == null ? "" : text;
    }

    @Override
    public void updateFacts(AgentRecord agent, Instant at)
    {
        AgentRow row = toRow(agent);
        db.call(AgentMapper.class, mapper -> {
            mapper.updateFacts(row, Db.utc(at));
            return null;
        });
    }

    @Override
    public void heartbeat(AgentMetric metric)
    {
        MetricRow row = new MetricRow();
        row.agentId = metric.agentId();
        row.at = Db.utc(metric.at());
        row.cpuPercent = metric.cpuPercent();
        row.load1 = metric.load1();
        row.memoryUsed = metric.memoryUsed();
        row.memoryTotal = metric.memoryTotal();
        row.diskUsed = metric.diskUsed();
        row.diskTotal = metric.diskTotal();
        db.call(AgentMapper.class, mapper -> {
            mapper.insertMetric(row);
            mapper.touch(row.agentId, row.at);
            return null;
        });
    }

    @Override
    public List<AgentMetric> metrics(String agentId, Instant from)
    {
        return db.call(AgentMapper.class, mapper -> mapper.metrics(agentId, Db.utc(from))).stream().map(DbAgentRepository::toMetric).toList();
    }

    @Override
    public List<AgentMetric> latestMetrics()
    {
        return db.call(AgentMapper.class, AgentMapper::latestMetrics).stream().map(DbAgentRepository::toMetric).toList();
    }

    @Override
    public void addRequest(AgentRequestRecord request)
    {
        RequestRow row = new RequestRow();
        row.requestId = request.requestId();
        row.publicKey = Base64.getEncoder().encodeToString(request.publicKey());
        row.address = request.address();
        row.port = request.port();
        row.hostname = Db.cap(request.hostname(), 255);
        row.lanIps = Db.cap(String.join(",", request.lanIps()), 1000);
        row.wanIps = Db.cap(String.join(",", request.wanIps()), 1000);
        row.macs = Db.cap(String.join(",", request.macs()), 1000);
        row.os = Db.cap(request.os(), 255);
        row.cores = request.cores();
        row.memoryBytes = request.memoryBytes();
        row.agentVersion = Db.cap(request.agentVersion(), 32);
        row.state = request.state().name();
        row.requestedAt = Db.utc(request.requestedAt());
        db.call(AgentMapper.class, mapper -> {
            mapper.insertRequest(row);
            return null;
        });
    }

    @Override
    public Optional<AgentRequestRecord> findRequest(String requestId)
    {
        return Optional.ofNullable(db.call(AgentMapper.class, mapper -> mapper.findRequest(requestId)))
                .filter(row -> row.requestId.equals(requestId))
                .map(DbAgentRepository::toRequest);
    }

    @Override
    public List<AgentRequestRecord> requests()
    {
        return db.call(AgentMapper.class, AgentMapper::requests).stream().map(DbAgentRepository::toRequest).toList();
    }

    @Override
    public int pendingRequests()
    {
        return db.call(AgentMapper.class, AgentMapper::pendingRequests);
    }

    @Override
    public boolean decideRequest(String requestId, AgentRequestRecord.State state, Instant at, String by, Optional<String> agentId)
    {
        return db.call(AgentMapper.class, mapper -> mapper.decideRequest(requestId, state.name(), Db.utc(at), Db.cap(by, 64), agentId.orElse(null))) == 1;
    }

    private static AgentRequestRecord toRequest(RequestRow row)
    {
        return new AgentRequestRecord(row.requestId, Base64.getDecoder().decode(row.publicKey), row.address, row.port, row.hostname, split(row.lanIps),
                split(row.wanIps), split(row.macs), row.os, row.cores, row.memoryBytes, row.agentVersion, AgentRequestRecord.State.valueOf(row.state),
                Db.instant(row.requestedAt), Optional.ofNullable(row.decidedAt).map(Db::instant), Optional.ofNullable(row.decidedBy),
                Optional.ofNullable(row.agentId));
    }

    private static AgentMetric toMetric(MetricRow row)
    {
        return new AgentMetric(row.agentId, Db.instant(row.at), row.cpuPercent, row.load1, row.memoryUsed, row.memoryTotal, row.diskUsed, row.diskTotal);
    }

    @Override
    public int deleteMetricsBefore(Instant before)
    {
        return db.call(AgentMapper.class, mapper -> mapper.deleteMetricsBefore(Db.utc(before)));
    }

    @Override
    public boolean revoke(String agentId, Instant at)
    {
        return db.call(AgentMapper.class, mapper -> mapper.revoke(agentId, Db.utc(at))) == 1;
    }

    private static AgentRow toRow(AgentRecord agent)
    {
        requireNonNull(agent, "agent is null");
        AgentRow row = new AgentRow();
        row.agentId = agent.agentId();
        row.agentKey = Base64.getEncoder().encodeToString(agent.key());
        row.address = agent.address();
        row.port = agent.port();
        row.status = agent.revoked() ? "REVOKED" : "ACTIVE";
        row.hostname = Db.cap(agent.hostname(), 255);
        row.lanIps = Db.cap(String.join(",", agent.lanIps()), 1000);
        row.wanIps = Db.cap(String.join(",", agent.wanIps()), 1000);
        row.macs = Db.cap(String.join(",", agent.macs()), 1000);
        row.os = Db.cap(agent.os(), 255);
        row.cores = agent.cores();
        row.memoryBytes = agent.memoryBytes();
        row.agentVersion = Db.cap(agent.agentVersion(), 32);
        row.enrolledAt = Db.utc(agent.enrolledAt());
        return row;
    }

    private static AgentRecord toRecord(AgentRow row)
    {
        return new AgentRecord(row.agentId, Base64.getDecoder().decode(row.agentKey), row.address, row.port, "REVOKED".equals(row.status), row.hostname,
                split(row.lanIps), split(row.wanIps), split(row.macs), row.os, row.cores, row.memoryBytes, row.agentVersion, Db.instant(row.enrolledAt),
                Optional.ofNullable(row.lastHeartbeat).map(Db::instant), Optional.ofNullable(row.revokedAt).map(Db::instant));
    }

    private static List<String> split(String joined)
    {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }
}
