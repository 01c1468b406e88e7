package org.omserver.catalog.agent;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One heartbeat's readings. */
public record AgentMetric(String agentId, Instant at, double cpuPercent, double load1, long memoryUsed, long memoryTotal, long diskUsed, long diskTotal)
{
    public AgentMetric
    {
        requireNonNull(agentId, "agentId is null");
        requireNonNull(at, "at is null");
    }
}
