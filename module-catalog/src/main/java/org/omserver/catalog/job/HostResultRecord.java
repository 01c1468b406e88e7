package org.omserver.catalog.job;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * One host's result as stored in {@code oms_job_host}. Outputs are capped by the repository (64 KiB each);
 * {@code truncated} records that the cap was hit.
 */
public record HostResultRecord(String lanIp, String hostName, boolean success, OptionalInt exitCode,
        Optional<String> failureReason, String message, Duration duration, String stdout, String stderr, boolean truncated)
{
    public HostResultRecord
    {
        requireNonNull(lanIp, "lanIp is null");
        requireNonNull(hostName, "hostName is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(failureReason, "failureReason is null");
        requireNonNull(message, "message is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }
}
