package org.omserver.catalog.file;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One file of the master's file store: its name, size and checksums (lower-case hex), who stored it and when. */
public record StoredFile(String name, long size, String md5, String sha256, String uploadedBy, Instant uploadedAt, Instant hashedAt)
{
    public StoredFile
    {
        requireNonNull(name, "name is null");
        requireNonNull(md5, "md5 is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(uploadedBy, "uploadedBy is null");
        requireNonNull(uploadedAt, "uploadedAt is null");
        requireNonNull(hashedAt, "hashedAt is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (!md5.matches("[0-9a-f]{32}") || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("checksums must be lower-case hex (md5 32, sha256 64 digits)");
        }
    }
}
