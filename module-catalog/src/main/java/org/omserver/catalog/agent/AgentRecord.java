package org.omserver.catalog.agent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An enrolled agent. {@link #toString()} never shows the key.
 *
 * @param key the per-agent key (raw bytes)
 * @param address where the master calls it: the address its enrollment came from, also its server_list LAN IP
 * @param lastHeartbeat empty until the first heartbeat
 */
public record AgentRecord(String agentId, byte[] key, String address, int port, boolean revoked, String hostname, List<String> lanIps,
        List<String> wanIps, List<String> macs, String os, int cores, long memoryBytes, String agentVersion, Instant enrolledAt,
        Optional<Instant> lastHeartbeat, Optional<Instant> revokedAt)
{
    public AgentRecord
    {
        requireNonNull(agentId, "agentId is null");
        key = requireNonNull(key, "key is null").clone();
        requireNonNull(address, "address is null");
        requireNonNull(hostname, "hostname is null");
        lanIps = List.copyOf(requireNonNull(lanIps, "lanIps is null"));
        wanIps = List.copyOf(requireNonNull(wanIps, "wanIps is null"));
        macs = List.copyOf(requireNonNull(macs, "macs is null"));
        requireNonNull(os, "os is null");
        requireNonNull(agentVersion, "agentVersion is null");
        requireNonNull(enrolledAt, "enrolledAt is null");
        requireNonNull(lastHeartbeat, "lastHeartbeat is null");
        requireNonNull(revokedAt, "revokedAt is null");
    }

    @Override
    public byte[] key()
    {
        return key.clone();
    }

    /** Online: not revoked, and the last heartbeat is younger than {@code window} at {@code now}. */
    public boolean online(Instant now, java.time.Duration window)
    {
        return !revoked && lastHeartbeat.map(at -> at.isAfter(now.minus(window))).orElse(false);
    }

    @Override
    public String toString()
    {
        return "AgentRecord[" + agentId + " at " + address + ":" + port + (revoked ? ", revoked" : "") + ", host " + hostname + ", key=****]";
    }
}
