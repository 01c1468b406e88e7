package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import org.omserver.protocol.thrift.RollingOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rolling options of the confirm page (and of a schedule): batch size (hosts or a percentage), hosts in flight,
 * failure threshold (hosts or a percentage) and a per-host command timeout. Empty fields mean "not set". The checks
 * here only word problems for the form; the master checks them again against its own limits (run.max-parallel, the
 * module's timeout) and its refusal is shown the same way.
 *
 * @param values the fields as typed, by name ({@link #FIELDS}), for re-showing the form
 */
record RollingForm(Map<String, String> values)
{
    static final String BATCH_SIZE = "rolling.batchSize";
    static final String MAX_IN_FLIGHT = "rolling.maxInFlight";
    static final String FAILURE_THRESHOLD = "rolling.failureThreshold";
    static final String COMMAND_TIMEOUT = "rolling.commandTimeoutSeconds";
    static final List<String> FIELDS = List.of(BATCH_SIZE, MAX_IN_FLIGHT, FAILURE_THRESHOLD, COMMAND_TIMEOUT);
    static final RollingForm EMPTY = new RollingForm(Map.of());
    private static final Pattern COUNT_OR_PERCENT = Pattern.compile("([0-9]{1,9})(%?)");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    private static final int MAX_FIELD = 16;

    RollingForm
    {
        values = Map.copyOf(values);
    }

    static RollingForm from(HttpServletRequest request)
    {
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : FIELDS) {
            String value = request.getParameter(field);
            if (value != null && !value.isBlank()) {
                values.put(field, value.strip());
            }
        }
        return new RollingForm(values);
    }

    /** What is wrong, worded for the form, for a run on {@code hosts} hosts of a module with {@code moduleTimeoutSeconds} (0: unknown). */
    List<String> problems(int hosts, int moduleTimeoutSeconds)
    {
        List<String> problems = new ArrayList<>();
        value(BATCH_SIZE).ifPresent(value -> countOrPercent("Batch size", value, 1, hosts, problems));
        value(MAX_IN_FLIGHT).ifPresent(value -> count("Max in flight", value, 1, Integer.MAX_VALUE, problems));
        value(FAILURE_THRESHOLD).ifPresent(value -> countOrPercent("Failure threshold", value, 0, hosts, problems));
        value(COMMAND_TIMEOUT).ifPresent(value -> count("Per-host timeout", value, 1, moduleTimeoutSeconds > 0 ? moduleTimeoutSeconds : Integer.MAX_VALUE,
                problems));
        return problems;
    }

    /** The options for the master; empty when no field was filled. Call only when {@link #problems} is empty. */
    Optional<RollingOptions> options()
    {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        RollingOptions options = new RollingOptions();
        value(BATCH_SIZE).ifPresent(options::setBatchSize);
        value(MAX_IN_FLIGHT).ifPresent(value -> options.setMaxInFlight(Integer.parseInt(value)));
        value(FAILURE_THRESHOLD).ifPresent(options::setFailureThreshold);
        value(COMMAND_TIMEOUT).ifPresent(value -> options.setCommandTimeoutSeconds(Integer.parseInt(value)));
        return Optional.of(options);
    }

    /** Field values for the template: every field, empty when not given. */
    Map<String, String> shown()
    {
        Map<String, String> shown = new LinkedHashMap<>();
        for (String field : FIELDS) {
            shown.put(field.substring("rolling.".length()), values.getOrDefault(field, ""));
        }
        return shown;
    }

    /** One line for the job page: "batches of 10 · at most 5 in flight · stop after 3 failures · 30 s per host". */
    static String describe(RollingOptions rolling)
    {
        List<String> parts = new ArrayList<>();
        if (rolling.isSetBatchSize()) {
            parts.add("batches of " + rolling.getBatchSize());
        }
        if (rolling.isSetMaxInFlight()) {
            parts.add("at most " + rolling.getMaxInFlight() + " in flight");
        }
        if (rolling.isSetFailureThreshold()) {
            parts.add("stop when more than " + rolling.getFailureThreshold() + " failed");
        }
        if (rolling.isSetCommandTimeoutSeconds()) {
            parts.add(rolling.getCommandTimeoutSeconds() + " s per host");
        }
        return String.join(" · ", parts);
    }

    private Optional<String> value(String field)
    {
        return Optional.ofNullable(values.get(field));
    }

    private static void countOrPercent(String label, String value, int min, int hosts, List<String> problems)
    {
        Matcher matcher = COUNT_OR_PERCENT.matcher(value);
        if (value.length() > MAX_FIELD || !matcher.matches()) {
            problems.add(label + " must be a whole number of hosts or a percentage such as 25%, was '" + shown(value) + "'.");
            return;
        }
        long number = Long.parseLong(matcher.group(1));
        if (!matcher.group(2).isEmpty()) {
            if (number < 1 || number > 100) {
                problems.add(label + " must be a percentage from 1% to 100%, was '" + shown(value) + "'.");
            }
        }
        else if (number < min || number > hosts) {
            problems.add(label + " must be from " + min + " to " + hosts + " (the number of servers chosen), was " + number + ".");
        }
    }

    private static void count(String label, String value, int min, int max, List<String> problems)
    {
        if (value.length() > MAX_FIELD || !COUNT.matcher(value).matches() || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            problems.add(label + " must be a whole number from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max
                    + (label.startsWith("Per-host") ? " (the module's timeout)" : "")) + ", was '" + shown(value) + "'.");
        }
    }

    private static String shown(String value)
    {
        String cut = value.length() > 20 ? value.substring(0, 20) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
