package org.omserver.catalog.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * A run as stored in {@code oms_job}.
 *
 * @param params parameters as shown (secrets masked)
 * @param targets LAN IPs
 * @param parentJobId the job this one retried
 * @param scheduleId the schedule that started it
 * @param rolling rolling settings by name (batchSize, maxInFlight, failureThreshold, commandTimeoutSeconds); empty for none
 * @param stopReason why it ended early (threshold exceeded, cancelled by whom)
 */
public record JobRecord(long id, Instant createdAt, String username, int moduleId, Map<String, String> params,
        List<String> targets, JobStatus status, OptionalLong parentJobId, OptionalLong scheduleId, Map<String, String> rolling,
        Optional<String> stopReason)
{
    public JobRecord
    {
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(username, "username is null");
        params = Map.copyOf(requireNonNull(params, "params is null"));
        targets = List.copyOf(requireNonNull(targets, "targets is null"));
        requireNonNull(status, "status is null");
        requireNonNull(parentJobId, "parentJobId is null");
        requireNonNull(scheduleId, "scheduleId is null");
        rolling = Map.copyOf(requireNonNull(rolling, "rolling is null"));
        requireNonNull(stopReason, "stopReason is null");
    }

    /** A plain run: no parent, no schedule, no rolling settings. */
    public JobRecord(long id, Instant createdAt, String username, int moduleId, Map<String, String> params, List<String> targets, JobStatus status)
    {
        this(id, createdAt, username, moduleId, params, targets, status, OptionalLong.empty(), OptionalLong.empty(), Map.of(), Optional.empty());
    }
}
