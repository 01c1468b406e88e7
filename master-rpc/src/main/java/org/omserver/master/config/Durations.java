package org.omserver.master.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict parsing of durations written as a whole number and a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
public final class Durations
{
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String text)
    {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write a whole number and a unit: 500ms, 30s, 5m, 2h, 1d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** The shortest exact form, the inverse of {@link #parse}. */
    public static String format(Duration duration)
    {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0 && millis > 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0 && millis > 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
