package org.omserver.agent.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.omserver.agent.update.UpdateKeys;

import static java.util.Objects.requireNonNull;

/**
 * The agent's {@code updateself} settings; see executors/native-agent/README.md.
 *
 * @param trustedKeys {@code update.public-key}: the Ed25519 keys (as {@code omserver update-key} writes them) whose
 *     signature a package must carry; none refuses every update
 * @param installDir {@code update.install-dir}: the install layout ({@code versions/}, {@code current}, {@code previous})
 *     that the restart supervisor starts the agent from; none refuses every update
 * @param healthTimeout {@code update.health-timeout}: how long the supervisor waits for a new version to announce
 *     itself to the master before it rolls back
 */
public record SelfUpdateConfig(List<Ed25519PublicKeyParameters> trustedKeys, Optional<Path> installDir, Duration healthTimeout)
{
    public static final SelfUpdateConfig OFF = new SelfUpdateConfig(List.of(), Optional.empty(), Duration.ofSeconds(30));

    public SelfUpdateConfig
    {
        trustedKeys = List.copyOf(requireNonNull(trustedKeys, "trustedKeys is null"));
        requireNonNull(installDir, "installDir is null");
        requireNonNull(healthTimeout, "healthTimeout is null");
    }

    /** One or more base64 public keys separated by commas (two while a signing key is rotated). */
    static List<Ed25519PublicKeyParameters> keys(String text)
    {
        List<Ed25519PublicKeyParameters> keys = new ArrayList<>();
        if (text.isBlank()) {
            return keys;
        }
        for (String part : text.split(",", -1)) {
            keys.add(UpdateKeys.parsePublic(part, "'" + (part.length() > 60 ? part.substring(0, 60) + "…" : part.strip()) + "'"));
        }
        return keys;
    }

    static Optional<Path> installDir(String text)
    {
        if (text.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(text);
        if (!path.isAbsolute() || !path.normalize().equals(path)) {
            throw new IllegalArgumentException("'" + text + "' is not an absolute, normalized directory; write e.g. /opt/omserver-agent");
        }
        return Optional.of(path);
    }
}
