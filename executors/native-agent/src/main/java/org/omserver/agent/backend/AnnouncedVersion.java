package org.omserver.agent.backend;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An agent's last announcement as the master stored it.
 *
 * @param at when the master received it (the master's clock)
 * @param updateState its last self-update's state (PENDING, UPDATED, ROLLED_BACK), empty if it never updated
 * @param updateTo the version that update went to
 * @param updateDetail why it was rolled back
 */
public record AnnouncedVersion(String version, Optional<Instant> at, Optional<String> updateState, String updateFrom, String updateTo,
        String updateDetail)
{
    public AnnouncedVersion
    {
        requireNonNull(version, "version is null");
        requireNonNull(at, "at is null");
        requireNonNull(updateState, "updateState is null");
        requireNonNull(updateFrom, "updateFrom is null");
        requireNonNull(updateTo, "updateTo is null");
        requireNonNull(updateDetail, "updateDetail is null");
    }
}
