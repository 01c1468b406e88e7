package org.omserver.master.config;

import org.omserver.catalog.DatabaseConfig;
import org.omserver.executor.api.ExecutorConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The master's configuration, immutable once built. {@link #fromProperties} is the only way in from text: it
 * gathers every problem (unknown keys, bad values, missing required keys) into one exception whose message
 * names each key, so an operator fixes the file in one go. See master-rpc/README.md for every key.
 *
 * @param executors per backend name, the keys under {@code executor.<name>.} with that prefix removed
 * @param maxParallel hosts of one job running at the same time
 * @param maxPendingPerSelector accepted connections queued per selector thread before new ones wait
 */
public record MasterConfig(
        String bind,
        int port,
        DatabaseConfig database,
        boolean legacyEnabled,
        boolean legacyAcceptV1,
        String defaultExecutor,
        Map<String, ExecutorConfig> executors,
        int maxParallel,
        Duration legacyTimeout,
        int maxFrameBytes,
        Duration clientTimeout,
        int selectorThreads,
        int workerThreads,
        int maxPendingPerSelector,
        Duration envelopeWindow,
        Duration sessionTimeout,
        int loginMaxFailures,
        History history,
        AgentsConfig agents,
        FilesConfig files)
{
    /** Login failures are counted per user and address over this period. */
    public static final Duration LOGIN_FAILURE_PERIOD = Duration.ofMinutes(15);

    private static final Pattern EXECUTOR_KEY = Pattern.compile("executor\\.([a-z][a-z0-9-]*)\\.(.+)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})(|KiB|MiB)");

    public MasterConfig
    {
        requireNonNull(bind, "bind is null");
        requireNonNull(database, "database is null");
        requireNonNull(defaultExecutor, "defaultExecutor is null");
        executors = Map.copyOf(requireNonNull(executors, "executors is null"));
        requireNonNull(legacyTimeout, "legacyTimeout is null");
        requireNonNull(clientTimeout, "clientTimeout is null");
        requireNonNull(envelopeWindow, "envelopeWindow is null");
        requireNonNull(sessionTimeout, "sessionTimeout is null");
        requireNonNull(history, "history is null");
        requireNonNull(agents, "agents is null");
        requireNonNull(files, "files is null");
    }

    /**
     * Issue 5: how long the job history is kept and how often the master looks for due schedules.
     *
     * @param retentionDays delete ended jobs older than this many days; 0 keeps them
     * @param maxJobs keep at most this many jobs (the newest); 0 for no limit
     * @param retentionInterval how often retention runs
     * @param schedulePoll how often the scheduler looks for due schedules; zero turns the background loop off (tests drive it)
     */
    public record History(int retentionDays, int maxJobs, Duration retentionInterval, Duration schedulePoll)
    {
        public History
        {
            requireNonNull(retentionInterval, "retentionInterval is null");
            requireNonNull(schedulePoll, "schedulePoll is null");
        }
    }

    /** v1 (unauthenticated) envelopes are accepted only when both legacy switches are on. */
    public boolean acceptsV1()
    {
        return legacyEnabled && legacyAcceptV1;
    }

    /** Backend names this master must load: the default and every backend with configuration keys. */
    public Set<String> backendNames()
    {
        Set<String> names = new TreeSet<>(executors.keySet());
        names.add(defaultExecutor);
        if (agents.enabled()) {
            names.add("agent");
        }
        return names;
    }

    public ExecutorConfig executorConfig(String backend)
    {
        return executors.getOrDefault(backend, ExecutorConfig.empty());
    }

    public static MasterConfig fromProperties(Map<String, String> properties)
    {
        Parser p = new Parser(properties);
        String bind = p.get("master.bind", "127.0.0.1", text -> {
            if (text.isBlank() || text.contains(" ")) {
                throw new IllegalArgumentException("'" + text + "' is not an address; use an IP address such as 127.0.0.1 or 0.0.0.0");
            }
            return text;
        });
        int port = p.get("master.port", "11511", text -> range(integer(text), 0, 65535));
        Optional<String> url = p.required("db.url", "the JDBC URL of the catalog, e.g. jdbc:mysql://127.0.0.1:3306/omserver or jdbc:h2:./omserver;MODE=MySQL");
        String user = p.get("db.user", "", Function.identity());
        String password = p.get("db.password", "", Function.identity());
        int poolSize = p.get("db.pool-size", "10", text -> range(integer(text), 1, 1000));
        boolean legacyEnabled = p.get("legacy.enabled", "false", MasterConfig::bool);
        boolean legacyAcceptV1 = p.get("legacy.accept-v1", "false", MasterConfig::bool);
        String defaultExecutor = p.get("executor.default", "ssh", text -> {
            if (!text.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("'" + text + "' is not a backend name (lower-case letters, digits, -), e.g. ssh");
            }
            return text;
        });
        int maxParallel = p.get("run.max-parallel", "64", text -> range(integer(text), 1, 10_000));
        Duration legacyTimeout = p.get("run.legacy-timeout", "5m", text -> positive(Durations.parse(text)));
        int maxFrame = p.get("rpc.max-frame-bytes", "16MiB", text -> (int) range(size(text), 1024, Integer.MAX_VALUE));
        Duration clientTimeout = p.get("rpc.client-timeout", "60s", text -> positive(Durations.parse(text)));
        int selectors = p.get("rpc.selector-threads", "2", text -> range(integer(text), 1, 64));
        int workers = p.get("rpc.worker-threads", "64", text -> range(integer(text), 1, 1024));
        int pending = p.get("rpc.max-pending-per-selector", "4096", text -> range(integer(text), 1, 1_000_000));
        Duration window = p.get("envelope.window", "2m", text -> positive(Durations.parse(text)));
        Duration sessionTimeout = p.get("session.timeout", "30m", text -> positive(Durations.parse(text)));
        int maxFailures = p.get("login.max-failures", "5", text -> range(integer(text), 1, 1000));
        int retentionDays = p.get("history.retention-days", "0", text -> range(integer(text), 0, 100_000));
        int maxJobs = p.get("history.max-jobs", "0", text -> range(integer(text), 0, 1_000_000_000));
        Duration retentionInterval = p.get("history.retention-interval", "1h", text -> positive(Durations.parse(text)));
        Duration schedulePoll = p.get("schedule.poll-interval", "5s", Durations::parse);
        // native agent (issue #3): the AgentIntake port and liveness
        AgentsConfig agents = new AgentsConfig(p.get("agents.enabled", "true", MasterConfig::bool),
                p.get("agents.bind", bind, text -> text),
                p.get("agents.port", "11512", text -> range(integer(text), 0, 65535)),
                p.get("agents.online-window", "3m", text -> positive(Durations.parse(text))),
                p.get("agents.metrics-retention", "7d", text -> positive(Durations.parse(text))),
                p.get("agents.worker-threads", "16", text -> range(integer(text), 1, 1024)));
        // file store (issue 3)
        FilesConfig files = new FilesConfig(p.get("files.dir", "", text -> text.isBlank() ? Optional.<Path>empty() : Optional.of(Path.of(text))),
                p.get("files.max-bytes", "1024MiB", text -> {
                    long bytes = size(text);
                    if (bytes < 1) {
                        throw new IllegalArgumentException("must be at least 1 byte");
                    }
                    return bytes;
                }),
                p.get("files.max-uploads", "16", text -> range(integer(text), 1, 1024)),
                p.get("files.upload-idle", "10m", text -> positive(Durations.parse(text))));

        Map<String, Map<String, String>> executorKeys = new TreeMap<>();
        for (String key : new TreeSet<>(properties.keySet())) {
            if (p.known(key) || key.equals("executor.default")) {
                continue;
            }
            Matcher matcher = EXECUTOR_KEY.matcher(key);
            if (matcher.matches()) {
                executorKeys.computeIfAbsent(matcher.group(1), name -> new TreeMap<>()).put(matcher.group(2), properties.get(key));
            }
            else {
                p.problems.add("unknown key '" + key + "'; see master-rpc/README.md for the keys the master reads");
            }
        }

        DatabaseConfig database = null;
        if (url.isPresent()) {
            try {
                database = new DatabaseConfig(url.get(), user, password, poolSize);
            }
            catch (IllegalArgumentException e) {
                p.problems.add("db.url: " + e.getMessage());
            }
        }
        if (!p.problems.isEmpty()) {
            throw new IllegalArgumentException("invalid master configuration (" + p.problems.size() + " problem"
                    + (p.problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", p.problems));
        }
        Map<String, ExecutorConfig> executors = new LinkedHashMap<>();
        executorKeys.forEach((name, keys) -> executors.put(name, new ExecutorConfig(keys)));
        return new MasterConfig(bind, port, database, legacyEnabled, legacyAcceptV1, defaultExecutor, executors, maxParallel,
                legacyTimeout, maxFrame, clientTimeout, selectors, workers, pending, window, sessionTimeout, maxFailures,
                new History(retentionDays, maxJobs, retentionInterval, schedulePoll), agents, files);
    }

    @Override
    public String toString()
    {
        // logged once at start: the database password and backend secrets are masked
        return "MasterConfig[bind=" + bind + ", port=" + port + ", database=" + database
                + ", legacyEnabled=" + legacyEnabled + ", legacyAcceptV1=" + legacyAcceptV1
                + ", defaultExecutor=" + defaultExecutor + ", executors=" + new TreeMap<>(executors)
                + ", maxParallel=" + maxParallel + ", legacyTimeout=" + Durations.format(legacyTimeout)
                + ", maxFrameBytes=" + maxFrameBytes + ", clientTimeout=" + Durations.format(clientTimeout)
                + ", selectorThreads=" + selectorThreads + ", workerThreads=" + workerThreads
                + ", maxPendingPerSelector=" + maxPendingPerSelector + ", envelopeWindow=" + Durations.format(envelopeWindow)
                + ", sessionTimeout=" + Durations.format(sessionTimeout) + ", loginMaxFailures=" + loginMaxFailures
                + ", historyRetentionDays=" + history.retentionDays() + ", historyMaxJobs=" + history.maxJobs()
                + ", historyRetentionInterval=" + Durations.format(history.retentionInterval())
                + ", schedulePollInterval=" + Durations.format(history.schedulePoll()) + ", agents=" + agents + ", files=" + files + "]";
    }

    private static long integer(String text)
    {
        if (!text.matches("-?\\d{1,18}")) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
        return Long.parseLong(text);
    }

    private static int range(long value, long min, long max)
    {
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
        }
        return (int) value;
    }

    private static long size(String text)
    {
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write bytes (1048576) or with KiB / MiB (16MiB)");
        }
        long unit = switch (matcher.group(2)) {
            case "KiB" -> 1024;
            case "MiB" -> 1024 * 1024;
            default -> 1;
        };
        return Long.parseLong(matcher.group(1)) * unit;
    }

    private static boolean bool(String text)
    {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    private static Duration positive(Duration duration)
    {
        if (duration.isZero()) {
            throw new IllegalArgumentException("must be longer than 0");
        }
        return duration;
    }

    /** Reads keys, remembering which ones it knows and every problem it met. */
    private static final class Parser
    {
        private final Map<String, String> properties;
        private final Set<String> known = new TreeSet<>();
        private final List<String> problems = new ArrayList<>();

        Parser(Map<String, String> properties)
        {
            this.properties = new HashMap<>(requireNonNull(properties, "properties is null"));
        }

        <T> T get(String key, String defaultText, Function<String, T> parse)
        {
            known.add(key);
            String text = properties.get(key);
            try {
                return parse.apply(text == null ? defaultText : text.trim());
            }
            catch (IllegalArgumentException e) {
                problems.add(key + ": " + e.getMessage());
                return parse.apply(defaultText);
            }
        }

        Optional<String> required(String key, String what)
        {
            known.add(key);
            String text = properties.get(key);
            if (text == null || text.isBlank()) {
                problems.add(key + " is required: " + what);
                return Optional.empty();
            }
            return Optional.of(text.trim());
        }

        boolean known(String key)
        {
            return known.contains(key);
        }
    }
}
