package org.omserver.agent.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The agent's bounds for the IOMS host commands (unzip, password, cron); see executors/native-agent/README.md.
 *
 * @param unzipRoots {@code allow.unzip-roots}: archives are read from and extracted under these directories only;
 *     empty refuses every unzip
 * @param allowSystemAccounts {@code password.allow-system-accounts}: let {@code password} change root's and
 *     system accounts' passwords (uid below UID_MIN of /etc/login.defs)
 */
public record HostCommandsConfig(List<Path> unzipRoots, long unzipMaxBytes, int unzipMaxEntries, boolean allowSystemAccounts, int cronMaxEntries)
{
    public static final HostCommandsConfig DEFAULTS = new HostCommandsConfig(List.of(), 1024L * 1024 * 1024, 10_000, false, 100);

    public HostCommandsConfig
    {
        unzipRoots = List.copyOf(requireNonNull(unzipRoots, "unzipRoots is null"));
    }

    /** Absolute directories separated by commas. */
    static List<Path> roots(String text)
    {
        List<Path> roots = new ArrayList<>();
        if (text.isBlank()) {
            return roots;
        }
        for (String part : text.split(",", -1)) {
            String trimmed = part.strip();
            Path path = Path.of(trimmed);
            if (trimmed.isEmpty() || !path.isAbsolute() || !path.normalize().equals(path) || trimmed.contains("..")) {
                throw new IllegalArgumentException("'" + trimmed + "' is not an absolute, normalized directory; write directories such as /srv/apps,/opt/releases");
            }
            roots.add(path);
        }
        return roots;
    }
}
