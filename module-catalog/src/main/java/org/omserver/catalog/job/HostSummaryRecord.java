package org.omserver.catalog.job;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * A stored host result without its output: what a host table shows.
 *
 * @param outputHash SHA-256 (hex) of exit code, stdout and stderr: equal hashes, equal output
 */
public record HostSummaryRecord(String lanIp, String hostName, boolean success, OptionalInt exitCode, Optional<String> failureReason,
        String message, Duration duration, int stdoutChars, int stderrChars, boolean truncated, String outputHash)
{
    public HostSummaryRecord
    {
        requireNonNull(lanIp, "lanIp is null");
        requireNonNull(hostName, "hostName is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(failureReason, "failureReason is null");
        requireNonNull(message, "message is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(outputHash, "outputHash is null");
    }
}
