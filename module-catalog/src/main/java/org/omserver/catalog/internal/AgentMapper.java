package org.omserver.catalog.internal;

import java.time.LocalDateTime;
import java.util.List;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** The SQL of the agent tables (V8__agents.sql), apart from Mappers so the agent work stays in its own files. */
interface AgentMapper
{
    String AGENT_COLUMNS = "SELECT agent_id, agent_key, address, port, status, hostname, lan_ips, wan_ips, macs, os, cores, memory_bytes, "
            + "agent_version, enrolled_at, last_heartbeat, revoked_at FROM oms_agent";

    @Insert("INSERT INTO oms_agent_token (token_id, token_sha256, created_at, created_by, expires_at) "
            + "VALUES (#{tokenId}, #{tokenSha256}, #{createdAt}, #{createdBy}, #{expiresAt})")
    void insertToken(TokenRow row);

    @Select("SELECT token_id, token_sha256, created_at, created_by, expires_at, used_at, used_by FROM oms_agent_token WHERE token_id = #{tokenId}")
    TokenRow findToken(String tokenId);

    @Update("UPDATE oms_agent_token SET used_at = #{at}, used_by = #{agentId} WHERE token_id = #{tokenId} AND used_at IS NULL AND expires_at > #{at}")
    int useToken(@Param("tokenId") String tokenId, @Param("at") LocalDateTime at, @Param("agentId") String agentId);

    @Insert("INSERT INTO oms_agent (agent_id, agent_key, address, port, status, hostname, lan_ips, wan_ips, macs, os, cores, memory_bytes, agent_version, enrolled_at) "
            + "VALUES (#{agentId}, #{agentKey}, #{address}, #{port}, #{status}, #{hostname}, #{lanIps}, #{wanIps}, #{macs}, #{os}, #{cores}, #{memoryBytes}, "
            + "#{agentVersion}, #{enrolledAt})")
    void insertAgent(AgentRow row);

    @Select(AGENT_COLUMNS + " WHERE agent_id = #{agentId}")
    AgentRow findAgent(String agentId);

    @Select(AGENT_COLUMNS + " WHERE address = #{address} AND status = 'ACTIVE'")
    List<AgentRow> findActiveAt(String address);

    @Select(AGENT_COLUMNS + " ORDER BY agent_id")
    List<AgentRow> agents();

    @Update("UPDATE oms_agent SET port = #{row.port}, hostname = #{row.hostname}, lan_ips = #{row.lanIps}, wan_ips = #{row.wanIps}, macs = #{row.macs}, "
            + "os = #{row.os}, cores = #{row.cores}, memory_bytes = #{row.memoryBytes}, agent_version = #{row.agentVersion}, announced_at = #{at} "
            + "WHERE agent_id = #{row.agentId}")
    void updateFacts(@Param("row") AgentRow row, @Param("at") LocalDateTime at);

    @Update("UPDATE oms_agent SET update_state = #{row.updateState}, update_from = #{row.updateFrom}, update_to = #{row.updateTo}, "
            + "update_package = #{row.updatePackage}, update_detail = #{row.updateDetail}, update_at = #{row.updateAt} WHERE agent_id = #{agentId}")
    void recordUpdate(@Param("agentId") String agentId, @Param("row") UpdateRow row);

    @Select("SELECT agent_id, agent_version, announced_at, update_state, update_from, update_to, update_package, update_detail, update_at "
            + "FROM oms_agent WHERE agent_id = #{agentId}")
    UpdateRow updateStatus(String agentId);

    @Update("UPDATE oms_agent SET last_heartbeat = #{at} WHERE agent_id = #{agentId}")
    void touch(@Param("agentId") String agentId, @Param("at") LocalDateTime at);

    @Insert("INSERT INTO oms_agent_metric (agent_id, at, cpu_percent, load1, memory_used, memory_total, disk_used, disk_total) "
            + "VALUES (#{agentId}, #{at}, #{cpuPercent}, #{load1}, #{memoryUsed}, #{memoryTotal}, #{diskUsed}, #{diskTotal})")
    void insertMetric(MetricRow row);

    @Select("SELECT agent_id, at, cpu_percent, load1, memory_used, memory_total, disk_used, disk_total FROM oms_agent_metric "
            + "WHERE agent_id = #{agentId} AND at >= #{from} ORDER BY at, id")
    List<MetricRow> metrics(@Param("agentId") String agentId, @Param("from") LocalDateTime from);

    /** Each agent's newest reading (ids grow with time). */
    @Select("SELECT m.agent_id, m.at, m.cpu_percent, m.load1, m.memory_used, m.memory_total, m.disk_used, m.disk_total FROM oms_agent_metric m "
            + "JOIN (SELECT agent_id, MAX(id) AS id FROM oms_agent_metric GROUP BY agent_id) latest ON m.id = latest.id")
    List<MetricRow> latestMetrics();

    @Delete("DELETE FROM oms_agent_metric WHERE at < #{before}")
    int deleteMetricsBefore(LocalDateTime before);

    @Update("UPDATE oms_agent SET status = 'REVOKED', revoked_at = #{at} WHERE agent_id = #{agentId} AND status = 'ACTIVE'")
    int revoke(@Param("agentId") String agentId, @Param("at") LocalDateTime at);

    String REQUEST_COLUMNS = "SELECT request_id, public_key, address, port, hostname, lan_ips, wan_ips, macs, os, cores, memory_bytes, agent_version, "
            + "state, requested_at, decided_at, decided_by, agent_id FROM oms_agent_request";

    @Insert("INSERT INTO oms_agent_request (request_id, public_key, address, port, hostname, lan_ips, wan_ips, macs, os, cores, memory_bytes, "
            + "agent_version, state, requested_at) VALUES (#{requestId}, #{publicKey}, #{address}, #{port}, #{hostname}, #{lanIps}, #{wanIps}, #{macs}, "
            + "#{os}, #{cores}, #{memoryBytes}, #{agentVersion}, #{state}, #{requestedAt})")
    void insertRequest(RequestRow row);

    @Select(REQUEST_COLUMNS + " WHERE request_id = #{requestId}")
    RequestRow findRequest(String requestId);

    @Select(REQUEST_COLUMNS + " ORDER BY CASE WHEN state = 'PENDING' THEN 0 ELSE 1 END, requested_at DESC, request_id")
    List<RequestRow> requests();

    @Select("SELECT COUNT(*) FROM oms_agent_request WHERE state = 'PENDING'")
    int pendingRequests();

    @Update("UPDATE oms_agent_request SET state = #{state}, decided_at = #{at}, decided_by = #{by}, agent_id = #{agentId} "
            + "WHERE request_id = #{requestId} AND state = 'PENDING'")
    int decideRequest(@Param("requestId") String requestId, @Param("state") String state, @Param("at") LocalDateTime at, @Param("by") String by,
            @Param("agentId") String agentId);

    final class RequestRow
    {
        public String requestId;
        public String publicKey;
        public String address;
        public int port;
        public String hostname;
        public String lanIps;
        public String wanIps;
        public String macs;
        public String os;
        public int cores;
        public long memoryBytes;
        public String agentVersion;
        public String state;
        public LocalDateTime requestedAt;
        public LocalDateTime decidedAt;
        public String decidedBy;
        public String agentId;
    }

    final class TokenRow
    {
        public String tokenId;
        public String tokenSha256;
        public LocalDateTime createdAt;
        public String createdBy;
        public LocalDateTime expiresAt;
        public LocalDateTime usedAt;
        public String usedBy;
    }

    final class AgentRow
    {
        public String agentId;
        public String agentKey;
        public String address;
        public int port;
        public String status;
        public String hostname;
        public String lanIps;
        public String wanIps;
        public String macs;
        public String os;
        public int cores;
        public long memoryBytes;
        public String agentVersion;
        public LocalDateTime enrolledAt;
        public LocalDateTime lastHeartbeat;
        public LocalDateTime revokedAt;
    }

    final class UpdateRow
    {
        public String agentId;
        public String agentVersion;
        public LocalDateTime announcedAt;
        public String updateState;
        public String updateFrom;
        public String updateTo;
        public String updatePackage;
        public String updateDetail;
        public LocalDateTime updateAt;
    }

    final class MetricRow
    {
        public String agentId;
        public LocalDateTime at;
        public double cpuPercent;
        public double load1;
        public long memoryUsed;
        public long memoryTotal;
        public long diskUsed;
        public long diskTotal;
    }
}
