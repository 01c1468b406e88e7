package org.omserver.catalog.job;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * A history page: jobs newest first with an id below {@code beforeId} (keyset paging), matching every filter given.
 *
 * @param since created at or after
 * @param until created before
 */
public record JobQuery(OptionalLong beforeId, int limit, Optional<String> username, OptionalInt moduleId, Optional<JobStatus> status,
        Optional<Instant> since, Optional<Instant> until)
{
    public static final int MAX_LIMIT = 200;

    public JobQuery
    {
        requireNonNull(beforeId, "beforeId is null");
        requireNonNull(username, "username is null");
        requireNonNull(moduleId, "moduleId is null");
        requireNonNull(status, "status is null");
        requireNonNull(since, "since is null");
        requireNonNull(until, "until is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** The newest {@code limit} jobs, unfiltered. */
    public static JobQuery newest(int limit)
    {
        return new JobQuery(OptionalLong.empty(), limit, Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public JobQuery before(long id)
    {
        return new JobQuery(OptionalLong.of(id), limit, username, moduleId, status, since, until);
    }
}
