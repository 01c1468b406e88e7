package org.omserver.catalog.agent;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A one-time enrollment token as stored: never the token, only its SHA-256 (64 hex digits).
 *
 * @param usedBy the agent id it enrolled, once used
 */
public record EnrollmentTokenRecord(String tokenId, String sha256Hex, Instant createdAt, String createdBy, Instant expiresAt,
        Optional<Instant> usedAt, Optional<String> usedBy)
{
    public EnrollmentTokenRecord
    {
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(sha256Hex, "sha256Hex is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(expiresAt, "expiresAt is null");
        requireNonNull(usedAt, "usedAt is null");
        requireNonNull(usedBy, "usedBy is null");
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("token digest must be 64 lower-case hex digits");
        }
    }
}
