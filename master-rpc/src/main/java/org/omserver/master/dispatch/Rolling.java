package org.omserver.master.dispatch;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * How a job launches its hosts, resolved against its number of targets.
 *
 * @param batchSize hosts per batch; the next batch starts when the previous one has finished
 * @param maxInFlight hosts running at once
 * @param failureThreshold stop launching once more hosts than this failed; empty = never stop
 * @param commandTimeout per-host command timeout replacing the module's; empty = the module's
 */
public record Rolling(int batchSize, int maxInFlight, OptionalInt failureThreshold, Optional<Duration> commandTimeout)
{
    public Rolling
    {
        requireNonNull(failureThreshold, "failureThreshold is null");
        requireNonNull(commandTimeout, "commandTimeout is null");
        if (batchSize < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("batchSize and maxInFlight must be 1 or more, were " + batchSize + " and " + maxInFlight);
        }
    }

    /** The same settings with at most {@code limit} hosts in flight, when there is a limit (a module's own max parallelism). */
    public Rolling limitedTo(OptionalInt limit)
    {
        if (limit.isEmpty() || limit.getAsInt() >= maxInFlight) {
            return this;
        }
        return new Rolling(batchSize, limit.getAsInt(), failureThreshold, commandTimeout);
    }

    /** Every host in one batch, {@code maxInFlight} at a time, never stopping early. */
    public static Rolling allAtOnce(int hosts, int maxInFlight)
    {
        return new Rolling(Math.max(1, hosts), maxInFlight, OptionalInt.empty(), Optional.empty());
    }
}
