package org.omserver.executor.api;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * How one host's invocation ended.
 *
 * @param exitCode the remote exit code when the command ran to an end
 * @param failure empty on success
 * @param message what went wrong in words a user can act on; empty on success
 * @param duration from the start of the attempt (connecting included) to the end
 */
public record HostResult(OptionalInt exitCode, Optional<FailureReason> failure, String message, Duration duration)
{
    public HostResult
    {
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(failure, "failure is null");
        requireNonNull(message, "message is null");
        requireNonNull(duration, "duration is null");
    }

    public static HostResult success(Duration duration)
    {
        return new HostResult(OptionalInt.of(0), Optional.empty(), "", duration);
    }

    /** Exit code 0 is success, anything else is {@link FailureReason#NON_ZERO_EXIT}. */
    public static HostResult exited(int exitCode, Duration duration)
    {
        return exitCode == 0 ? success(duration)
                : new HostResult(OptionalInt.of(exitCode), Optional.of(FailureReason.NON_ZERO_EXIT), "exit code " + exitCode, duration);
    }

    public static HostResult failed(FailureReason reason, String message, Duration duration)
    {
        return new HostResult(OptionalInt.empty(), Optional.of(requireNonNull(reason, "reason is null")), message, duration);
    }

    public boolean succeeded()
    {
        return failure.isEmpty();
    }
}
