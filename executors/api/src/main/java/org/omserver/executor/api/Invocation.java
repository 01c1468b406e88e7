package org.omserver.executor.api;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One command for one host.
 *
 * @param jobId the master's job id, for log lines
 * @param target where to run
 * @param argv the argument vector, already rendered from the module's template; backends must pass it on
 *     without letting any element be reinterpreted (over SSH: each element quoted for the remote shell)
 * @param timeout how long the command may run once started; connecting has its own, separate timeout
 * @param needsRoot run with elevated rights (sudo over SSH when the account is not root)
 */
public record Invocation(long jobId, HostTarget target, List<String> argv, Duration timeout, boolean needsRoot)
{
    public Invocation
    {
        requireNonNull(target, "target is null");
        argv = List.copyOf(requireNonNull(argv, "argv is null"));
        requireNonNull(timeout, "timeout is null");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }
}
