package org.omserver.catalog.job;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * One row of the job history. {@code counts} are those written when the job ended (zero but the total while it runs).
 *
 * @param moduleName empty when the module no longer exists
 */
public record JobSummaryRecord(long id, Instant createdAt, Optional<Instant> finishedAt, String username, int moduleId, String moduleName,
        JobStatus status, HostCounts counts, OptionalLong parentJobId, OptionalLong scheduleId)
{
    public JobSummaryRecord
    {
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(username, "username is null");
        requireNonNull(moduleName, "moduleName is null");
        requireNonNull(status, "status is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(parentJobId, "parentJobId is null");
        requireNonNull(scheduleId, "scheduleId is null");
    }
}
