package org.omserver.executor.ssh;

import org.omserver.executor.api.ExecutorConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The SSH backend's configuration, parsed from the keys under {@code executor.ssh.}.
 *
 * @param privateKey OpenSSH private key used for publickey authentication ({@code private-key}, required)
 * @param knownHosts known_hosts file host keys are verified against ({@code known-hosts}, required)
 * @param trustOnFirstUse accept and append keys of hosts not yet in {@code knownHosts}; a changed key is
 *     always refused ({@code trust-on-first-use}, default false)
 * @param user remote account when the host names none ({@code user}, default: the local user)
 * @param connectTimeout bound on TCP connect plus SSH handshake and authentication ({@code connect-timeout},
 *     default 10s)
 * @param poolMaxConnections idle authenticated connections kept for reuse, across all hosts
 *     ({@code pool-max-connections}, default 128; 0 turns reuse off)
 * @param poolIdleTimeout how long a kept connection may sit unused before it is closed ({@code pool-idle-timeout},
 *     default 60s)
 */
public record SshConfig(Path privateKey, Path knownHosts, boolean trustOnFirstUse, String user, Duration connectTimeout,
        int poolMaxConnections, Duration poolIdleTimeout)
{
    public static final String PRIVATE_KEY = "private-key";
    public static final String KNOWN_HOSTS = "known-hosts";
    public static final String TRUST_ON_FIRST_USE = "trust-on-first-use";
    public static final String USER = "user";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String POOL_MAX_CONNECTIONS = "pool-max-connections";
    public static final String POOL_IDLE_TIMEOUT = "pool-idle-timeout";

    public static final Set<String> KEYS = Set.of(PRIVATE_KEY, KNOWN_HOSTS, TRUST_ON_FIRST_USE, USER, CONNECT_TIMEOUT, POOL_MAX_CONNECTIONS,
            POOL_IDLE_TIMEOUT);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_POOL_MAX_CONNECTIONS = 128;
    // each kept connection holds a socket, an SSHJ reader thread here and an sshd process on the host
    public static final int MAX_POOL_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    public SshConfig
    {
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(knownHosts, "knownHosts is null");
        requireNonNull(user, "user is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        if (user.isBlank()) {
            throw new IllegalArgumentException("user is blank");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
        }
        requireNonNull(poolIdleTimeout, "poolIdleTimeout is null");
        if (poolMaxConnections < 0 || poolMaxConnections > MAX_POOL_MAX_CONNECTIONS) {
            throw new IllegalArgumentException("poolMaxConnections must be 0-" + MAX_POOL_MAX_CONNECTIONS + ", was " + poolMaxConnections);
        }
        if (poolIdleTimeout.isNegative() || poolIdleTimeout.isZero()) {
            throw new IllegalArgumentException("poolIdleTimeout must be positive, was " + poolIdleTimeout);
        }
    }

    /**
     * Parses and checks {@code config}. Every problem is gathered into one {@link IllegalArgumentException}
     * whose message names each bad key and how to fix it.
     */
    public static SshConfig from(ExecutorConfig config)
    {
        requireNonNull(config, "config is null");
        List<String> problems = new ArrayList<>();

        Set<String> unknown = new TreeSet<>(config.properties().keySet());
        unknown.removeAll(KEYS);
        for (String key : unknown) {
            problems.add("unknown key '" + key + "': remove it (known keys: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }

        boolean trustOnFirstUse = false;
        String tofu = config.get(TRUST_ON_FIRST_USE).orElse("false").trim().toLowerCase(Locale.ROOT);
        switch (tofu) {
            case "true" -> trustOnFirstUse = true;
            case "false" -> trustOnFirstUse = false;
            default -> problems.add(TRUST_ON_FIRST_USE + "='" + config.get(TRUST_ON_FIRST_USE).orElseThrow() + "' is not a boolean: use true or false");
        }

        Path privateKey = null;
        String privateKeyValue = config.get(PRIVATE_KEY).map(String::trim).orElse("");
        if (privateKeyValue.isEmpty()) {
            problems.add(PRIVATE_KEY + " is missing: set it to the path of an OpenSSH private key (e.g. ~/.ssh/id_ed25519)");
        }
        else {
            privateKey = Path.of(privateKeyValue);
            if (!Files.isRegularFile(privateKey) || !Files.isReadable(privateKey)) {
                problems.add(PRIVATE_KEY + "=" + privateKeyValue + " is not a readable file: point it at an existing OpenSSH private key");
            }
        }

        Path knownHosts = null;
        String knownHostsValue = config.get(KNOWN_HOSTS).map(String::trim).orElse("");
        if (knownHostsValue.isEmpty()) {
            problems.add(KNOWN_HOSTS + " is missing: set it to the path of a known_hosts file listing the hosts' keys (e.g. ~/.ssh/known_hosts)");
        }
        else {
            knownHosts = Path.of(knownHostsValue);
            if (Files.exists(knownHosts)) {
                if (!Files.isRegularFile(knownHosts) || !Files.isReadable(knownHosts)) {
                    problems.add(KNOWN_HOSTS + "=" + knownHostsValue + " is not a readable file: point it at a known_hosts file");
                }
            }
            else if (!trustOnFirstUse) {
                problems.add(KNOWN_HOSTS + "=" + knownHostsValue + " does not exist: create it (ssh-keyscan) or enable " + TRUST_ON_FIRST_USE);
            }
            else {
                Path parent = knownHosts.toAbsolutePath().getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    problems.add(KNOWN_HOSTS + "=" + knownHostsValue + " cannot be created: its directory does not exist");
                }
            }
        }

        String user = config.get(USER).map(String::trim).orElse(System.getProperty("user.name"));
        if (user == null || user.isEmpty()) {
            problems.add(USER + " is empty: set it to the remote account to log in as");
        }

        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        if (config.get(CONNECT_TIMEOUT).isPresent()) {
            String value = config.get(CONNECT_TIMEOUT).orElseThrow();
            try {
                connectTimeout = parseDuration(value);
            }
            catch (IllegalArgumentException e) {
                problems.add(CONNECT_TIMEOUT + "='" + value + "' is not a positive duration: use a number with a unit, e.g. 500ms, 10s, 2m");
            }
        }

        int poolMaxConnections = DEFAULT_POOL_MAX_CONNECTIONS;
        if (config.get(POOL_MAX_CONNECTIONS).isPresent()) {
            String value = config.get(POOL_MAX_CONNECTIONS).orElseThrow().trim();
            try {
                poolMaxConnections = Integer.parseInt(value);
            }
            catch (NumberFormatException e) {
                poolMaxConnections = -1;
            }
            if (poolMaxConnections < 0 || poolMaxConnections > MAX_POOL_MAX_CONNECTIONS) {
                problems.add(POOL_MAX_CONNECTIONS + "='" + value + "' is not a whole number from 0 to " + MAX_POOL_MAX_CONNECTIONS
                        + ": set how many idle connections to keep (0 turns reuse off)");
                poolMaxConnections = DEFAULT_POOL_MAX_CONNECTIONS;
            }
        }

        Duration poolIdleTimeout = DEFAULT_POOL_IDLE_TIMEOUT;
        if (config.get(POOL_IDLE_TIMEOUT).isPresent()) {
            String value = config.get(POOL_IDLE_TIMEOUT).orElseThrow();
            try {
                poolIdleTimeout = parseDuration(value);
            }
            catch (IllegalArgumentException e) {
                problems.add(POOL_IDLE_TIMEOUT + "='" + value + "' is not a positive duration: use a number with a unit, e.g. 30s, 5m");
            }
        }

        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid ssh executor configuration:\n  - " + String.join("\n  - ", problems));
        }
        return new SshConfig(privateKey, knownHosts, trustOnFirstUse, user, connectTimeout, poolMaxConnections, poolIdleTimeout);
    }

    /** Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; the value must be positive. */
    public static Duration parseDuration(String text)
    {
        Matcher matcher = DURATION.matcher(requireNonNull(text, "text is null").trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "'");
        }
        long amount;
        try {
            amount = Long.parseLong(matcher.group(1));
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "'", e);
        }
        Duration duration = switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalStateException("unit " + matcher.group(2));
        };
        if (duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: '" + text + "'");
        }
        return duration;
    }
}
