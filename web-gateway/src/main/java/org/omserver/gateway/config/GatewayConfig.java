package org.omserver.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the web gateway. Built once at startup with {@link #fromProperties(Map)}, immutable afterwards.
 * The shared secret is not part of it (see {@code SharedSecret}), so this record holds nothing secret; its
 * {@link #toString()} is still written to be safe to log.
 *
 * @param bindAddress address the HTTP listener binds to
 * @param port HTTP port; 0 picks a free one (tests)
 * @param masterHost host of the master's Thrift service
 * @param masterPort port of the master's Thrift service
 * @param masterConnectTimeout TCP connect timeout to the master
 * @param masterReadTimeout socket read timeout; must exceed the events long-poll wait
 * @param masterMaxConnections most Thrift connections open to the master at once (pages and live streams)
 * @param sessionTimeout idle time after which an HTTP session ends
 * @param secureCookies mark the session cookie {@code Secure}; enable behind TLS
 */
public record GatewayConfig(
        String bindAddress,
        int port,
        String masterHost,
        int masterPort,
        Duration masterConnectTimeout,
        Duration masterReadTimeout,
        int masterMaxConnections,
        Duration sessionTimeout,
        boolean secureCookies)
{
    public static final String BIND = "gateway.bind";
    public static final String PORT = "gateway.port";
    public static final String MASTER_HOST = "master.host";
    public static final String MASTER_PORT = "master.port";
    public static final String MASTER_CONNECT_TIMEOUT = "master.connect-timeout";
    public static final String MASTER_READ_TIMEOUT = "master.read-timeout";
    public static final String MASTER_MAX_CONNECTIONS = "master.max-connections";
    public static final String SESSION_TIMEOUT = "session.timeout";
    public static final String SECURE_COOKIES = "gateway.secure-cookies";

    /** How long one events long-poll asks the master to wait; the read timeout must leave room above it. */
    public static final Duration EVENTS_LONG_POLL = Duration.ofSeconds(20);
    private static final Duration READ_TIMEOUT_MARGIN = Duration.ofSeconds(5);

    private static final Map<String, String> DEFAULTS = defaults();
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]]{1,253}");

    public GatewayConfig
    {
        requireNonNull(bindAddress, "bindAddress is null");
        requireNonNull(masterHost, "masterHost is null");
        requireNonNull(masterConnectTimeout, "masterConnectTimeout is null");
        requireNonNull(masterReadTimeout, "masterReadTimeout is null");
        requireNonNull(sessionTimeout, "sessionTimeout is null");
    }

    /** Every key this record understands, with its default value as text. */
    public static Map<String, String> defaults()
    {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(BIND, "127.0.0.1");
        defaults.put(PORT, "8080");
        defaults.put(MASTER_HOST, "127.0.0.1");
        defaults.put(MASTER_PORT, "11511");
        defaults.put(MASTER_CONNECT_TIMEOUT, "5s");
        defaults.put(MASTER_READ_TIMEOUT, "40s");
        defaults.put(MASTER_MAX_CONNECTIONS, "32");
        defaults.put(SESSION_TIMEOUT, "30m");
        defaults.put(SECURE_COOKIES, "false");
        return defaults;
    }

    /**
     * Reads the settings from key/value text, applying defaults for missing keys. Every problem is gathered
     * (unknown keys, bad numbers, bad durations, out of range) and reported together in one
     * {@link IllegalArgumentException} whose message names each key and says what is expected.
     */
    public static GatewayConfig fromProperties(Map<String, String> properties)
    {
        requireNonNull(properties, "properties is null");
        List<String> problems = new ArrayList<>();
        Set<String> unknown = new TreeSet<>(properties.keySet());
        unknown.removeAll(DEFAULTS.keySet());
        for (String key : unknown) {
            problems.add("unknown key '" + key + "' (known keys: " + String.join(", ", DEFAULTS.keySet()) + ")");
        }
        Parser parser = new Parser(properties, problems);
        String bind = parser.host(BIND);
        int port = parser.integer(PORT, 0, 65535);
        String masterHost = parser.host(MASTER_HOST);
        int masterPort = parser.integer(MASTER_PORT, 1, 65535);
        Duration connectTimeout = parser.duration(MASTER_CONNECT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5));
        Duration readTimeout = parser.duration(MASTER_READ_TIMEOUT, EVENTS_LONG_POLL.plus(READ_TIMEOUT_MARGIN), Duration.ofHours(1));
        int maxConnections = parser.integer(MASTER_MAX_CONNECTIONS, 2, 10_000);
        Duration sessionTimeout = parser.duration(SESSION_TIMEOUT, Duration.ofMinutes(1), Duration.ofDays(1));
        boolean secureCookies = parser.bool(SECURE_COOKIES);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway configuration (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems));
        }
        return new GatewayConfig(bind, port, masterHost, masterPort, connectTimeout, readTimeout, maxConnections,
                sessionTimeout, secureCookies);
    }

    /** "30s", "5m", "500ms", "1h": a whole number and a unit, nothing else. */
    public static Duration parseDuration(String text)
    {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write a whole number and a unit: 500ms, 30s, 5m, 1h");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new AssertionError(matcher.group(2));
        };
    }

    /** The master's address for messages, "host:port". */
    public String masterAddress()
    {
        return masterHost + ":" + masterPort;
    }

    @Override
    public String toString()
    {
        // nothing here is secret today; list fields explicitly so a future secret field is not logged by accident
        return "GatewayConfig{" + BIND + "=" + bindAddress + ", " + PORT + "=" + port
                + ", " + MASTER_HOST + "=" + masterHost + ", " + MASTER_PORT + "=" + masterPort
                + ", " + MASTER_CONNECT_TIMEOUT + "=" + masterConnectTimeout + ", " + MASTER_READ_TIMEOUT + "=" + masterReadTimeout
                + ", " + MASTER_MAX_CONNECTIONS + "=" + masterMaxConnections + ", " + SESSION_TIMEOUT + "=" + sessionTimeout
                + ", " + SECURE_COOKIES + "=" + secureCookies + "}";
    }

    private record Parser(Map<String, String> properties, List<String> problems)
    {
        String text(String key)
        {
            String value = properties.get(key);
            return value == null ? DEFAULTS.get(key) : value.strip();
        }

        String host(String key)
        {
            String value = text(key);
            if (!HOST.matcher(value).matches()) {
                problems.add(key + ": '" + value + "' is not a host name or IP address");
            }
            return value;
        }

        int integer(String key, int min, int max)
        {
            String value = text(key);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    problems.add(key + ": " + parsed + " is out of range; expected " + min + ".." + max);
                }
                return parsed;
            }
            catch (NumberFormatException e) {
                problems.add(key + ": '" + value + "' is not a whole number; expected " + min + ".." + max);
                return min;
            }
        }

        Duration duration(String key, Duration min, Duration max)
        {
            String value = text(key);
            try {
                Duration parsed = parseDuration(value);
                if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                    problems.add(key + ": " + value + " is out of range; expected " + format(min) + " to " + format(max));
                }
                return parsed;
            }
            catch (IllegalArgumentException e) {
                problems.add(key + ": " + e.getMessage());
                return min;
            }
        }

        boolean bool(String key)
        {
            String value = text(key);
            return switch (value) {
                case "true" -> true;
                case "false" -> false;
                default -> {
                    problems.add(key + ": '" + value + "' is not a boolean; write true or false");
                    yield false;
                }
            };
        }

        private static String format(Duration duration)
        {
            return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        }
    }
}
