package org.omserver.agent.update;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The last self-update of this agent, kept in {@code <state.dir>/update.properties} so that it survives the restart:
 * the {@code updateself} built-in writes it PENDING before it swaps, the restart supervisor turns it into UPDATED
 * (the new version announced itself in time) or ROLLED_BACK (with the reason), and every agent start reports it to
 * the master in its announcement. Written to a temporary file, fsynced and renamed, like the identity.
 *
 * @param at when the update began (the agent's clock)
 */
public record UpdateState(State state, String from, String to, String pkg, Instant at, String detail)
{
    public static final String FILE = "update.properties";
    /** Written by the agent after it announced itself, with its version and pid: the supervisor's health signal. */
    public static final String ANNOUNCED_FILE = "announced.properties";

    public enum State
    {
        PENDING, UPDATED, ROLLED_BACK
    }

    public UpdateState
    {
        requireNonNull(state, "state is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(pkg, "pkg is null");
        requireNonNull(at, "at is null");
        requireNonNull(detail, "detail is null");
    }

    public UpdateState with(State newState, String newDetail)
    {
        return new UpdateState(newState, from, to, pkg, at, newDetail);
    }

    public static Optional<UpdateState> read(Path stateDir)
            throws IOException
    {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = load(file);
        try {
            return Optional.of(new UpdateState(State.valueOf(p.getProperty("state")), p.getProperty("from", ""), p.getProperty("to", ""),
                    p.getProperty("package", ""), Instant.parse(p.getProperty("at")), p.getProperty("detail", "")));
        }
        catch (RuntimeException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "); delete it to forget the last update", e);
        }
    }

    public void write(Path stateDir)
            throws IOException
    {
        Properties p = new Properties();
        p.setProperty("state", state.name());
        p.setProperty("from", from);
        p.setProperty("to", to);
        p.setProperty("package", pkg);
        p.setProperty("at", at.toString());
        p.setProperty("detail", detail);
        store(stateDir.resolve(FILE), p);
    }

    /** The agent announced itself to the master as {@code version}, from process {@code pid}. */
    public static void markAnnounced(Path stateDir, String version, long pid)
            throws IOException
    {
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("pid", Long.toString(pid));
        store(stateDir.resolve(ANNOUNCED_FILE), p);
    }

    /** True when process {@code pid} marked itself announced as {@code version}. */
    static boolean announced(Path stateDir, String version, long pid)
    {
        Path file = stateDir.resolve(ANNOUNCED_FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try {
            Properties p = load(file);
            return version.equals(p.getProperty("version")) && Long.toString(pid).equals(p.getProperty("pid"));
        }
        catch (IOException e) {
            return false;
        }
    }

    static void clearAnnounced(Path stateDir)
            throws IOException
    {
        Files.deleteIfExists(stateDir.resolve(ANNOUNCED_FILE));
    }

    private static Properties load(Path file)
            throws IOException
    {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            p.load(reader);
        }
        return p;
    }

    private static void store(Path file, Properties p)
            throws IOException
    {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp, UTF_8)) {
            p.store(writer, null);
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
