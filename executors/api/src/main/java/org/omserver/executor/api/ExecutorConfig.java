package org.omserver.executor.api;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A backend's configuration: the keys under its prefix ({@code executor.ssh.connect-timeout} arrives here as
 * {@code connect-timeout}). Backends must reject keys they do not know.
 */
public record ExecutorConfig(Map<String, String> properties)
{
    public ExecutorConfig
    {
        properties = Map.copyOf(requireNonNull(properties, "properties is null"));
    }

    public static ExecutorConfig empty()
    {
        return new ExecutorConfig(Map.of());
    }

    public Optional<String> get(String key)
    {
        return Optional.ofNullable(properties.get(key));
    }

    @Override
    public String toString()
    {
        // sorted, and values of keys that look secret are masked: this string goes to logs
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((key, value) -> shown.put(key, key.matches("(?i).*(password|secret|passphrase).*") ? "****" : value));
        return "ExecutorConfig" + shown;
    }
}
