package org.omserver.catalog.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * A scheduled run as stored in {@code oms_schedule}.
 *
 * @param owner the user the runs are made as
 * @param cron five-field Unix cron, UTC (parsed and checked by the master)
 * @param params raw form values, validated again at each run
 * @param rolling rolling settings by name; empty for none
 * @param overlap {@code SKIP} or {@code QUEUE}
 * @param nextRunAt empty while paused
 * @param runPending a run fell due while the last job still ran (QUEUE policy)
 */
public record ScheduleRecord(long id, String name, String owner, String cron, int moduleId, List<String> targets, Map<String, String> params,
        Map<String, String> rolling, String overlap, boolean paused, Instant createdAt, Optional<Instant> nextRunAt, Optional<Instant> lastRunAt,
        OptionalLong lastJobId, Optional<String> lastOutcome, boolean runPending)
{
    public ScheduleRecord
    {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(cron, "cron is null");
        targets = List.copyOf(requireNonNull(targets, "targets is null"));
        params = Map.copyOf(requireNonNull(params, "params is null"));
        rolling = Map.copyOf(requireNonNull(rolling, "rolling is null"));
        requireNonNull(overlap, "overlap is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(nextRunAt, "nextRunAt is null");
        requireNonNull(lastRunAt, "lastRunAt is null");
        requireNonNull(lastJobId, "lastJobId is null");
        requireNonNull(lastOutcome, "lastOutcome is null");
    }
}
