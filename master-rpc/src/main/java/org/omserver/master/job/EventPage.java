package org.omserver.master.job;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One page of a job's events.
 *
 * @param nextCursor the seq of the last event returned (the cursor to pass next time)
 * @param complete every host finished and this page reaches the end of the sequence
 */
public record EventPage(List<JobEvent> events, long nextCursor, boolean complete, int hostsTotal, int hostsDone)
{
    public EventPage
    {
        events = List.copyOf(requireNonNull(events, "events is null"));
    }
}
