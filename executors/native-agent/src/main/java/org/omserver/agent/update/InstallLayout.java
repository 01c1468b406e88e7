package org.omserver.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@code <install>/versions/<v>/} holds each staged version; {@code current} and {@code previous} are symlinks into it.
 * A swap writes a fresh link beside the old one and renames it over, so a crash leaves either the old or the new link,
 * never none.
 */
public record InstallLayout(Path install)
{
    public Path versions()
    {
        return install.resolve("versions");
    }

    public Optional<String> current()
            throws IOException
    {
        return linked("current");
    }

    public Optional<String> previous()
            throws IOException
    {
        return linked("previous");
    }

    /** Points current at version (which must be staged) and previous at what current was. */
    public void activate(String version)
            throws IOException
    {
        UpdateManifest.checkVersion(version);
        if (!Files.isDirectory(versions().resolve(version), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("version " + version + " is not staged under " + versions());
        }
        Optional<String> old = current();
        if (old.isPresent() && !old.get().equals(version)) {
            relink("previous", old.get());
        }
        relink("current", version);
    }

    /** Points current back at previous; used when the new version fails its health check. */
    public String rollback()
            throws IOException
    {
        String prev = previous().orElseThrow(() -> new IOException("no previous version to roll back to under " + install));
        relink("current", prev);
        return prev;
    }

    private void relink(String name, String version)
            throws IOException
    {
        Path tmp = install.resolve("." + name + ".new");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of("versions", version));
        Files.move(tmp, install.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Optional<String> linked(String name)
            throws IOException
    {
        Path link = install.resolve(name);
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
    }
}
