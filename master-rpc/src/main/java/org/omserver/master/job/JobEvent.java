package org.omserver.master.job;

import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One entry of a job's event sequence.
 *
 * @param seq 1-based position, without gaps
 * @param text output chunk for STDOUT / STDERR, else empty
 * @param result FINISHED only
 */
public record JobEvent(long seq, Kind kind, HostTarget host, Optional<String> text, Optional<HostResult> result)
{
    public JobEvent
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(host, "host is null");
        requireNonNull(text, "text is null");
        requireNonNull(result, "result is null");
    }

    public enum Kind
    {
        QUEUED,
        STARTED,
        STDOUT,
        STDERR,
        FINISHED
    }
}
