package org.omserver.launcher.client;

import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/** One host's result as the client prints it. {@code status} is empty while the host has not finished. */
public record HostOutcome(String lanIp, String hostName, Optional<String> status, OptionalInt exitCode, Optional<String> failureReason,
                          Optional<String> failureMessage, String stdout, String stderr)
{
    /** Failures before the command could start: IOMS printed these as "Connect failed.". */
    private static final java.util.Set<String> CONNECT_FAILURES = java.util.Set.of("UNREACHABLE", "AUTH_FAILED", "HOST_KEY_REJECTED");

    public HostOutcome
    {
        requireNonNull(lanIp, "lanIp is null");
        requireNonNull(hostName, "hostName is null");
        requireNonNull(status, "status is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(failureReason, "failureReason is null");
        requireNonNull(failureMessage, "failureMessage is null");
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }

    public boolean succeeded()
    {
        return status.filter("SUCCESS"::equals).isPresent();
    }

    /** The IOMS line: {@code IP: output}, {@code IP:Connect failed. (…)} or {@code IP:Command run failed. (…)}. */
    public String iomsLine()
    {
        if (succeeded()) {
            return lanIp + ": " + chomp(stdout);
        }
        if (status.isEmpty()) {
            return lanIp + ":Command run failed. (still running when the job was read)";
        }
        String reason = failureReason.orElse("FAILED");
        StringBuilder why = new StringBuilder(reason);
        exitCode.ifPresent(code -> why.append(", exit ").append(code));
        // the command's own complaint says more than "exit code 1"; without one, the master's reason text
        String detail = firstLine(stderr).isEmpty() ? failureMessage.orElse("") : firstLine(stderr);
        if (!detail.isEmpty()) {
            why.append(": ").append(detail);
        }
        String kind = CONNECT_FAILURES.contains(reason) ? "Connect failed." : "Command run failed.";
        return lanIp + ":" + kind + " (" + why + ")";
    }

    private static String chomp(String text)
    {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static String firstLine(String text)
    {
        String stripped = text.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline);
    }
}
