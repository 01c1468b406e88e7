package org.omserver.agent.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.omserver.agent.wire.CommandWords;

import static java.util.Objects.requireNonNull;

/**
 * The sync map of module 1005: per application name, the store file, the fixed directory it goes to and the follow-up
 * argument vector. Defaults in {@code sync-apps.properties} (this jar); keys {@code sync.<app>.file|dir|then} in the
 * agent's configuration override them one by one and may add applications.
 */
record SyncApps(Map<String, App> apps)
{
    static final Pattern KEY = Pattern.compile("sync\\.([a-z0-9][a-z0-9_-]{0,31})\\.(file|dir|then)");

    record App(String name, String file, Path dir, List<String> then)
    {
        App
        {
            requireNonNull(name, "name is null");
            requireNonNull(file, "file is null");
            requireNonNull(dir, "dir is null");
            then = List.copyOf(then);
        }
    }

    SyncApps
    {
        apps = Map.copyOf(apps);
    }

    /** The defaults with the configuration's {@code sync.*} keys on top; every problem is added to {@code problems}. */
    static SyncApps from(Map<String, String> properties, List<String> problems)
    {
        Map<String, Map<String, String>> byApp = new TreeMap<>();
        defaults().forEach((key, value) -> put(byApp, key, value));
        properties.forEach((key, value) -> {
            if (KEY.matcher(key).matches()) {
                put(byApp, key, value);
            }
        });
        Map<String, App> apps = new TreeMap<>();
        byApp.forEach((name, keys) -> {
            String file = keys.getOrDefault("file", "").strip();
            String dir = keys.getOrDefault("dir", "").strip();
            if (!file.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || file.contains("..")) {
                problems.add("sync." + name + ".file: '" + file + "' is not a file name of the store (letters, digits, '.', '_', '-')");
                return;
            }
            Path path = Path.of(dir.isEmpty() ? "relative" : dir);
            if (!path.isAbsolute() || !path.normalize().equals(path) || dir.contains("..")) {
                problems.add("sync." + name + ".dir: '" + dir + "' is not an absolute, normalized directory");
                return;
            }
            List<String> then;
            try {
                String text = keys.getOrDefault("then", "").strip();
                then = text.isEmpty() ? List.of() : CommandWords.split(text);
            }
            catch (IllegalArgumentException e) {
                problems.add("sync." + name + ".then: " + e.getMessage());
                return;
            }
            apps.put(name, new App(name, file, path, then));
        });
        return new SyncApps(apps);
    }

    private static void put(Map<String, Map<String, String>> byApp, String key, String value)
    {
        Matcher matcher = KEY.matcher(key);
        if (matcher.matches()) {
            byApp.computeIfAbsent(matcher.group(1), name -> new TreeMap<>()).put(matcher.group(2), value);
        }
    }

    private static Map<String, String> defaults()
    {
        Properties properties = new Properties();
        try (InputStream in = SyncApps.class.getResourceAsStream("sync-apps.properties")) {
            properties.load(requireNonNull(in, "sync-apps.properties is missing from the agent's jar"));
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot read sync-apps.properties from the agent's jar", e);
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}
