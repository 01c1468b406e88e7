package org.omserver.catalog.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A run as stored in {@code oms_job}.
 *
 * @param params parameters as shown (secrets masked)
 * @param targets LAN IPs
 */
public record JobRecord(long id, Instant createdAt, String username, int moduleId, Map<String, String> params,
        List<String> targets, JobStatus status)
{
    public JobRecord
    {
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(username, "username is null");
        params = Map.copyOf(requireNonNull(params, "params is null"));
        targets = List.copyOf(requireNonNull(targets, "targets is null"));
        requireNonNull(status, "status is null");
    }
}
