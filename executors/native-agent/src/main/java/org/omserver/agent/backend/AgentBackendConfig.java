package org.omserver.agent.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.omserver.executor.api.ExecutorConfig;

/**
 * The backend's keys ({@code executor.agent.*} in the master's configuration).
 *
 * @param connectTimeout connecting to an agent; separate from each command's own timeout
 * @param callTimeout one call to an agent (a poll waits at most {@code pollWait} on top of it)
 * @param pollWait how long one poll may wait on the agent for new output
 * @param maxConcurrent hosts this backend runs on at once, over all jobs
 * @param maxIdlePerHost connections kept open per agent for reuse
 * @param transferTimeout how long a transfer built-in ({@link #TRANSFERS}) may run on a host, instead of the per-host
 *         command timeout: a large download never needs a long command timeout, and a short one never cuts a download
 */
public record AgentBackendConfig(Duration connectTimeout, Duration callTimeout, Duration pollWait, Duration envelopeWindow, int maxConcurrent,
        int maxIdlePerHost, int maxFrameBytes, Duration transferTimeout)
{
    /** The built-ins that move files and run under {@code transfer-timeout}: the first element of their argument vector. */
    public static final Set<String> TRANSFERS = Set.of("omserver:downloads", "omserver:sync");
    private static final Set<String> KEYS = Set.of("connect-timeout", "call-timeout", "poll-wait", "envelope-window", "max-concurrent",
            "max-idle-per-host", "max-frame-bytes", "transfer-timeout");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    public static AgentBackendConfig from(ExecutorConfig config)
    {
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(config.properties().keySet())) {
            if (!KEYS.contains(key)) {
                problems.add("unknown key '" + key + "'; the agent backend reads " + new TreeSet<>(KEYS));
            }
        }
        Duration connect = duration(config, "connect-timeout", "5s", problems);
        Duration call = duration(config, "call-timeout", "30s", problems);
        Duration poll = duration(config, "poll-wait", "1s", problems);
        Duration window = duration(config, "envelope-window", "2m", problems);
        int maxConcurrent = number(config, "max-concurrent", "1024", 1, 100_000, problems);
        int maxIdle = number(config, "max-idle-per-host", "2", 0, 64, problems);
        int maxFrame = number(config, "max-frame-bytes", "16777216", 1024, Integer.MAX_VALUE, problems);
        Duration transfer = duration(config, "transfer-timeout", "60m", problems);
        if (transfer.compareTo(Duration.ofDays(1)) > 0) {
            problems.add("transfer-timeout: at most 1440m (the agents refuse runs longer than a day)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new AgentBackendConfig(connect, call, poll, window, maxConcurrent, maxIdle, maxFrame, transfer);
    }

    private static Duration duration(ExecutorConfig config, String key, String defaultText, List<String> problems)
    {
        String text = config.get(key).orElse(defaultText).strip();
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            problems.add(key + ": '" + text + "' is not a positive duration; write 500ms, 5s or 1m");
            return Duration.ofSeconds(1);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    private static int number(ExecutorConfig config, String key, String defaultText, int min, int max, List<String> problems)
    {
        String text = config.get(key).orElse(defaultText).strip();
        if (!text.matches("\\d{1,10}") || Long.parseLong(text) < min || Long.parseLong(text) > max) {
            problems.add(key + ": '" + text + "' is not a whole number from " + min + " to " + max);
            return min;
        }
        return Integer.parseInt(text);
    }
}
