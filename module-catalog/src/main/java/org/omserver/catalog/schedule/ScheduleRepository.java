package org.omserver.catalog.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

public interface ScheduleRepository
{
    /** Stores a new schedule (id, last-run fields and runPending are ignored) and returns its id. */
    long create(ScheduleRecord schedule);

    List<ScheduleRecord> list();

    Optional<ScheduleRecord> find(long id);

    /** Schedules not paused whose next run is at or before {@code now}, or that have a queued run. */
    List<ScheduleRecord> due(Instant now);

    /** Pauses (next run cleared) or resumes (next run as given); false when there is no such schedule. */
    boolean setPaused(long id, boolean paused, Optional<Instant> nextRunAt);

    /** Records what happened at a due time and when the next one is. */
    void recordRun(long id, Optional<Instant> nextRunAt, Instant ranAt, OptionalLong jobId, String outcome, boolean runPending);

    boolean delete(long id);
}
