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
 * @param canary the first batch is one host alone (agent updates), then batches of {@code batchSize}
 */
public record Rolling(int batchSize, int maxInFlight, OptionalInt failureThreshold, Optional<Duration> commandTimeout, boolean canary)
{
    public Rolling(int batchSize, int maxInFlight, OptionalInt failureThreshold, Optional<Duration> commandTimeout)
    {
        this(batchSize, maxInFlight, failureThreshold, commandTimeout, false);
    }

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
        return new Rolling(batchSize, limit.getAsInt(), failureThreshold, commandTimeout, canary);
    }

    /**
     * The same settings as an agent update rollout: one canary host first, then the batches, stopping at the first
     * failed host (failure threshold 0, whatever was asked), so a bad package never reaches a further batch.
     */
    public Rolling asUpdateRollout()
    {
        return new Rolling(batchSize, maxInFlight, OptionalInt.of(0), commandTimeout, true);
    }

    /** The size of batch {@code index} (0 first). */
    public int batchSize(int index)
    {
        return canary && index == 0 ? 1 : batchSize;
    }

    /** Every host in one batch, {@code maxInFlight} at a time, never stopping early. */
    public static Rolling allAtOnce(int hosts, int maxInFlight)
    {
        return new Rolling(Math.max(1, hosts), maxInFlight, OptionalInt.empty(), Optional.empty());
    }
}
