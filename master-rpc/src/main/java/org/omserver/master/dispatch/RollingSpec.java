package org.omserver.master.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rolling settings as the user gave them, by name — the form kept in the job history and in schedules — and
 * their checking against a job's size, the master's parallelism and the module's timeout.
 */
public final class RollingSpec
{
    public static final String BATCH_SIZE = "batchSize";
    public static final String MAX_IN_FLIGHT = "maxInFlight";
    public static final String FAILURE_THRESHOLD = "failureThreshold";
    public static final String COMMAND_TIMEOUT_SECONDS = "commandTimeoutSeconds";
    private static final Set<String> KEYS = Set.of(BATCH_SIZE, MAX_IN_FLIGHT, FAILURE_THRESHOLD, COMMAND_TIMEOUT_SECONDS);
    private static final Pattern COUNT_OR_PERCENT = Pattern.compile("([0-9]{1,9})(%?)");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");

    private RollingSpec() {}

    /**
     * Resolves the settings for a job of {@code hosts} hosts. Percentages are of the hosts, rounded up, at least 1.
     *
     * @throws IllegalArgumentException naming every bad setting and what is allowed
     */
    public static Rolling resolve(Map<String, String> settings, int hosts, int maxParallel, Duration moduleTimeout)
    {
        List<String> problems = new ArrayList<>();
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                problems.add("unknown rolling setting '" + shown(key) + "'");
            }
        }
        int batchSize = Optional.ofNullable(settings.get(BATCH_SIZE))
                .map(value -> countOrPercent(BATCH_SIZE, value, hosts, 1, problems)).orElse(Math.max(1, hosts));
        int maxInFlight = Optional.ofNullable(settings.get(MAX_IN_FLIGHT))
                .map(value -> count(MAX_IN_FLIGHT, value, 1, maxParallel, "run.max-parallel of this master", problems)).orElse(maxParallel);
        OptionalInt threshold = Optional.ofNullable(settings.get(FAILURE_THRESHOLD))
                .map(value -> OptionalInt.of(countOrPercent(FAILURE_THRESHOLD, value, hosts, 0, problems))).orElse(OptionalInt.empty());
        long moduleSeconds = Math.max(1, moduleTimeout.toSeconds());
        Optional<Duration> timeout = Optional.ofNullable(settings.get(COMMAND_TIMEOUT_SECONDS))
                .map(value -> Duration.ofSeconds(count(COMMAND_TIMEOUT_SECONDS, value, 1, (int) Math.min(Integer.MAX_VALUE, moduleSeconds),
                        "the module's timeout", problems)));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Rolling(batchSize, maxInFlight, threshold, timeout);
    }

    /** Settings in their stored form: only those given, in a fixed order. */
    public static Map<String, String> of(Optional<String> batchSize, OptionalInt maxInFlight, Optional<String> failureThreshold,
            OptionalInt commandTimeoutSeconds)
    {
        Map<String, String> settings = new LinkedHashMap<>();
        batchSize.ifPresent(value -> settings.put(BATCH_SIZE, value.trim()));
        maxInFlight.ifPresent(value -> settings.put(MAX_IN_FLIGHT, String.valueOf(value)));
        failureThreshold.ifPresent(value -> settings.put(FAILURE_THRESHOLD, value.trim()));
        commandTimeoutSeconds.ifPresent(value -> settings.put(COMMAND_TIMEOUT_SECONDS, String.valueOf(value)));
        return settings;
    }

    private static int countOrPercent(String key, String value, int hosts, int min, List<String> problems)
    {
        Matcher matcher = COUNT_OR_PERCENT.matcher(value);
        if (!matcher.matches()) {
            problems.add(key + " must be a whole number or a percentage such as 25%, was '" + shown(value) + "'");
            return 1;
        }
        long number = Long.parseLong(matcher.group(1));
        if (!matcher.group(2).isEmpty()) {
            if (number < 1 || number > 100) {
                problems.add(key + " must be a percentage from 1% to 100%, was '" + shown(value) + "'");
                return 1;
            }
            return (int) Math.max(1, (number * hosts + 99) / 100);
        }
        if (number < min || number > hosts) {
            problems.add(key + " must be from " + min + " to " + hosts + " (the number of hosts), was " + number);
            return 1;
        }
        return (int) number;
    }

    private static int count(String key, String value, int min, int max, String maxName, List<String> problems)
    {
        if (!COUNT.matcher(value).matches() || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            problems.add(key + " must be a whole number from " + min + " to " + max + " (" + maxName + "), was '" + shown(value) + "'");
            return min;
        }
        return Integer.parseInt(value);
    }

    private static String shown(String value)
    {
        String cut = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
