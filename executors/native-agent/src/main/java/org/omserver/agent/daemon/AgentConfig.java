package org.omserver.agent.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The agent daemon's configuration, immutable. {@link #fromProperties} gathers every problem (unknown keys, bad
 * values, missing required keys) into one exception naming each key. See executors/native-agent/README.md.
 *
 * @param bind the address the agent listens on; also the source address of its calls to the master (unless it
 *     is a wildcard), so the master sees the agent at the address it will call back
 * @param tokenFile where the one-time enrollment token is, needed only until the agent has its own key
 * @param askApproval when set, an agent with neither identity nor token asks the master to enroll it and waits for an
 *     admin's decision, asking again at this interval ({@code enroll.ask-interval}); empty: a token is required
 */
public record AgentConfig(
        String bind,
        int port,
        String masterHost,
        int masterPort,
        Path stateDir,
        Optional<Path> tokenFile,
        Duration heartbeatInterval,
        Duration connectTimeout,
        Duration readTimeout,
        Duration envelopeWindow,
        int maxFrameBytes,
        int workerThreads,
        int maxConcurrentRuns,
        int maxOutputBytes,
        Duration keepFinished,
        Path diskPath,
        AllowList allowList,
        Set<String> builtins,
        List<Path> downloadRoots,
        HostCommandsConfig hostCommands,
        Optional<Duration> askApproval,
        SyncApps syncApps,
        SelfUpdateConfig selfUpdate)
{
    private static final Pattern ALLOW_KEY = Pattern.compile("allow\\.([a-z0-9][a-z0-9_-]{0,63})\\.(program|args)");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})(|KiB|MiB)");

    public AgentConfig
    {
        requireNonNull(bind, "bind is null");
        requireNonNull(masterHost, "masterHost is null");
        requireNonNull(stateDir, "stateDir is null");
        requireNonNull(tokenFile, "tokenFile is null");
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(readTimeout, "readTimeout is null");
        requireNonNull(envelopeWindow, "envelopeWindow is null");
        requireNonNull(keepFinished, "keepFinished is null");
        requireNonNull(diskPath, "diskPath is null");
        requireNonNull(allowList, "allowList is null");
        builtins = Set.copyOf(requireNonNull(builtins, "builtins is null"));
        downloadRoots = List.copyOf(requireNonNull(downloadRoots, "downloadRoots is null"));
        requireNonNull(hostCommands, "hostCommands is null");
        requireNonNull(askApproval, "askApproval is null");
        requireNonNull(syncApps, "syncApps is null");
        requireNonNull(selfUpdate, "selfUpdate is null");
    }

    public static AgentConfig fromProperties(Map<String, String> properties)
    {
        Parser p = new Parser(properties);
        String bind = p.get("agent.bind", "127.0.0.1", AgentConfig::address);
        int port = p.get("agent.port", "11520", text -> range(integer(text), 0, 65535));
        String masterHost = p.get("master.host", "127.0.0.1", AgentConfig::address);
        int masterPort = p.get("master.port", "11512", text -> range(integer(text), 1, 65535));
        Optional<String> stateDir = p.required("state.dir", "a directory only this agent's account can write, where it keeps its id and key");
        Optional<Path> tokenFile = p.get("enroll.token-file", "", text -> text.isEmpty() ? Optional.<Path>empty() : Optional.of(Path.of(text)));
        Optional<Duration> askApproval = p.get("enroll.ask-interval", "", text -> text.isEmpty() ? Optional.<Duration>empty()
                : Optional.of(positiveDuration(text)));
        Duration heartbeat = p.get("heartbeat.interval", "60s", AgentConfig::positiveDuration);
        Duration connect = p.get("rpc.connect-timeout", "10s", AgentConfig::positiveDuration);
        Duration read = p.get("rpc.read-timeout", "60s", AgentConfig::positiveDuration);
        Duration window = p.get("envelope.window", "2m", AgentConfig::positiveDuration);
        int maxFrame = p.get("rpc.max-frame-bytes", "16MiB", text -> (int) range(size(text), 1024, Integer.MAX_VALUE));
        int workers = p.get("rpc.worker-threads", "32", text -> range(integer(text), 2, 1024));
        int maxRuns = p.get("run.max-concurrent", "16", text -> range(integer(text), 1, 1024));
        int maxOutput = p.get("run.max-output-bytes", "8MiB", text -> (int) range(size(text), 1024, Integer.MAX_VALUE));
        Duration keep = p.get("run.keep-finished", "5m", AgentConfig::positiveDuration);
        Path disk = p.get("metrics.disk-path", "/", Path::of);
        boolean builtin = p.get("allow.builtin-modules", "false", text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        });
        Set<String> builtins = p.get("allow.builtins", String.join(",", new TreeSet<>(Builtins.DEFAULT_ENABLED)), AgentConfig::names);
        List<Path> downloadRoots = p.get("allow.download-roots", "", AgentConfig::roots);
        HostCommandsConfig hostCommands = new HostCommandsConfig(
                p.get("allow.unzip-roots", "", HostCommandsConfig::roots),
                p.get("unzip.max-bytes", "1024MiB", text -> rangeLong(size(text), 1, Long.MAX_VALUE)),
                p.get("unzip.max-entries", "10000", text -> (int) range(integer(text), 1, 1_000_000)),
                p.get("password.allow-system-accounts", "false", AgentConfig::bool),
                p.get("cron.max-entries", "100", text -> (int) range(integer(text), 1, 10_000)));
        SelfUpdateConfig selfUpdate = new SelfUpdateConfig(
                p.get("update.public-key", "", SelfUpdateConfig::keys),
                p.get("update.install-dir", "", SelfUpdateConfig::installDir),
                p.get("update.health-timeout", "30s", AgentConfig::positiveDuration));

        Map<String, Map<String, String>> entries = new TreeMap<>();
        if (builtin) {
            builtinModuleEntries().forEach((key, value) -> addEntry(entries, ALLOW_KEY.matcher(key), value));
        }
        for (String key : new TreeSet<>(properties.keySet())) {
            if (p.known(key)) {
                continue;
            }
            Matcher matcher = ALLOW_KEY.matcher(key);
            if (matcher.matches()) {
                addEntry(entries, matcher, properties.get(key));
            }
            else if (!SyncApps.KEY.matcher(key).matches()) {
                p.problems.add("unknown key '" + key + "'; see executors/native-agent/README.md for the keys the agent reads");
            }
        }
        SyncApps syncApps = SyncApps.from(properties, p.problems);
        AllowList allowList = AllowList.NOTHING;
        try {
            allowList = AllowList.fromEntries(entries);
        }
        catch (IllegalArgumentException e) {
            p.problems.add(e.getMessage());
        }
        if (!p.problems.isEmpty()) {
            throw new IllegalArgumentException("invalid agent configuration (" + p.problems.size() + " problem"
                    + (p.problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", p.problems));
        }
        return new AgentConfig(bind, port, masterHost, masterPort, Path.of(stateDir.orElseThrow()), tokenFile, heartbeat, connect, read, window,
                maxFrame, workers, maxRuns, maxOutput, keep, disk, allowList, builtins, downloadRoots, hostCommands, askApproval, syncApps, selfUpdate);
    }

    /** {@code allow.download-roots}: absolute directories separated by commas, where the downloads built-in may write. */
    private static List<Path> roots(String text)
    {
        List<Path> roots = new java.util.ArrayList<>();
        for (String part : text.split(",", -1)) {
            String trimmed = part.strip();
            if (trimmed.isEmpty() && text.isBlank()) {
                continue;
            }
            Path root = Path.of(trimmed);
            if (!root.isAbsolute() || !root.normalize().equals(root) || trimmed.contains("..")) {
                throw new IllegalArgumentException("'" + trimmed + "' is not an absolute, normalized directory; write e.g. /srv/deploy,/opt/app");
            }
            roots.add(root);
        }
        return roots;
    }

    /** {@code allow.builtins}: names separated by commas ({@code none} for an empty set); checked against the agent's built-ins at start. */
    private static Set<String> names(String text)
    {
        if (text.strip().equals("none")) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        for (String name : text.split(",", -1)) {
            String trimmed = name.strip();
            if (!trimmed.matches("[a-z][a-z0-9_-]{0,31}")) {
                throw new IllegalArgumentException("'" + trimmed + "' is not a built-in command name; write names like agentlist,version separated by commas, 'all' or 'none'");
            }
            names.add(trimmed);
        }
        return names;
    }

    private static void addEntry(Map<String, Map<String, String>> entries, Matcher matcher, String value)
    {
        if (!matcher.matches()) {
            throw new IllegalStateException("bad built-in allow-list key " + matcher);
        }
        entries.computeIfAbsent(matcher.group(1), name -> new TreeMap<>()).put(matcher.group(2), value.strip());
    }

    /** The entries modules 1001-1007 need, shipped in builtin-modules.properties next to this class. */
    static Map<String, String> builtinModuleEntries()
    {
        java.util.Properties builtin = new java.util.Properties();
        try (var in = AgentConfig.class.getResourceAsStream("builtin-modules.properties")) {
            builtin.load(new java.io.InputStreamReader(requireNonNull(in, "builtin-modules.properties is missing from the agent jar"),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the built-in allow-list: " + e.getMessage(), e);
        }
        Map<String, String> entries = new TreeMap<>();
        builtin.stringPropertyNames().forEach(key -> entries.put(key, builtin.getProperty(key)));
        return entries;
    }

    /** Whether calls to the master leave from {@link #bind} (it is a specific address, not 0.0.0.0 or ::). */
    public boolean bindsSource()
    {
        return !bind.equals("0.0.0.0") && !bind.equals("::");
    }

    private static String address(String text)
    {
        if (text.isBlank() || !text.matches("[A-Za-z0-9.:-]{1,253}")) {
            throw new IllegalArgumentException("'" + text + "' is not an address; use an IP address such as 127.0.0.1 or a host name");
        }
        return text;
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
        return (int) rangeLong(value, min, max);
    }

    private static long rangeLong(long value, long min, long max)
    {
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
        }
        return value;
    }

    private static boolean bool(String text)
    {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
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

    static Duration positiveDuration(String text)
    {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write a whole number and a unit: 500ms, 30s, 5m, 2h, 1d");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
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
                return parse.apply(text == null ? defaultText : text.strip());
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
                return Optional.of("");
            }
            return Optional.of(text.strip());
        }

        boolean known(String key)
        {
            return known.contains(key);
        }
    }
}
