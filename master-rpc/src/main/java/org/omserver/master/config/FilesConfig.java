package org.omserver.master.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The master's file store ({@code files.*} keys).
 *
 * @param dir where the content is kept; empty: the file store is off and its calls say how to turn it on
 * @param maxBytes the largest file accepted
 * @param maxUploads uploads in progress at once
 * @param uploadIdle an upload with no chunk for this long is discarded
 */
public record FilesConfig(Optional<Path> dir, long maxBytes, int maxUploads, Duration uploadIdle)
{
    public FilesConfig
    {
        requireNonNull(dir, "dir is null");
        requireNonNull(uploadIdle, "uploadIdle is null");
    }

    @Override
    public String toString()
    {
        return dir.map(path -> "[dir=" + path + ", max-bytes=" + maxBytes + ", max-uploads=" + maxUploads + ", upload-idle=" + Durations.format(uploadIdle) + "]")
                .orElse("[off]");
    }
}
