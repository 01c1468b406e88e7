package org.omserver.agent.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code omserver:unzip ARCHIVE DESTINATION}: extracts a zip archive that is on the host, safely.
 *
 * <ol>
 *   <li>Both paths are absolute and, resolved through any symbolic links, under a directory of
 *       {@code allow.unzip-roots}; the destination is an existing directory, or does not exist and its parent does.</li>
 *   <li>Before anything is written: at most {@code unzip.max-entries} entries (read from the central directory);
 *       every name relative, without {@code ..}, backslashes, drive letters or control characters, and given once;
 *       symbolic links only to relative targets without {@code ..} (so a link can only point down inside the
 *       tree), and no entry inside a link.</li>
 *   <li>Extraction into a fresh hidden directory next to (or, when it exists, inside) the destination, counting
 *       the bytes actually inflated: more than {@code unzip.max-bytes} in total stops it. Permissions keep the
 *       rwx bits only (no setuid, setgid, sticky).</li>
 *   <li>Into place: a new destination is the extracted directory renamed atomically; into an existing one every
 *       file is renamed over its counterpart (each replacement atomic, the whole not), after checking that no
 *       existing path on the way is a symbolic link and no file would replace a directory.</li>
 * </ol>
 * Any refusal or failure leaves the destination as it was and removes the hidden directory.
 */
final class UnzipBuiltin
        implements Builtin
{
    private static final String TEMP_PREFIX = ".omserver-unzip-";
    private static final int PROGRESS_EVERY = 500;

    private final HostCommandsConfig config;
    private final SecureRandom random = new SecureRandom();

    UnzipBuiltin(HostCommandsConfig config)
    {
        this.config = config;
    }

    @Override
    public String name()
    {
        return "unzip";
    }

    @Override
    public String usage()
    {
        return "ARCHIVE DESTINATION: extracts the zip archive into the directory, both under allow.unzip-roots, bounded and zip-slip safe";
    }

    @Override
    public Optional<String> refusal(List<String> args)
    {
        if (args.size() != 2) {
            return Optional.of("unzip takes two arguments, the archive and the destination directory; got " + args.size());
        }
        if (config.unzipRoots().isEmpty()) {
            return Optional.of("unzip is not allowed on this agent: allow.unzip-roots lists no directories");
        }
        for (String arg : args) {
            Path path = Path.of(arg);
            if (!path.isAbsolute() || !path.normalize().equals(path) || arg.contains("..") || arg.chars().anyMatch(Character::isISOControl)) {
                return Optional.of("'" + printable(arg) + "' is not an absolute, normalized path (no .., no control characters)");
            }
            if (config.unzipRoots().stream().noneMatch(path::startsWith)) {
                return Optional.of("'" + printable(arg) + "' is outside the directories this agent unzips in (allow.unzip-roots " + config.unzipRoots() + ")");
            }
        }
        return Optional.empty();
    }

    @Override
    public int run(List<String> args, Output output)
            throws InterruptedException
    {
        Path archive = Path.of(args.get(0));
        Path destination = Path.of(args.get(1));
        try {
            return extract(archive, destination, output);
        }
        catch (Refused e) {
            output.err("unzip refused: " + e.getMessage() + "\n");
            return 2;
        }
        catch (IOException e) {
            output.err("unzip failed: " + e.getMessage() + "; the destination is unchanged\n");
            return 1;
        }
    }

    private int extract(Path archive, Path destination, Output output)
            throws IOException, InterruptedException
    {
        Path realArchive = underRoots(archive.toRealPath(), "the archive " + archive);
        if (!Files.isRegularFile(realArchive)) {
            throw new Refused(archive + " is not a file");
        }
        boolean exists = Files.exists(destination, LinkOption.NOFOLLOW_LINKS);
        Path base;
        if (exists) {
            if (!Files.isDirectory(destination)) {
                throw new Refused(destination + " exists and is not a directory");
            }
            base = underRoots(destination.toRealPath(), "the destination " + destination);
        }
        else {
            Path parent = destination.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new Refused("the parent directory of " + destination + " does not exist; create it first");
            }
            base = underRoots(parent.toRealPath(), "the destination " + destination).resolve(destination.getFileName());
        }

        List<ZipDirectory.Entry> modes;
        try {
            modes = ZipDirectory.read(realArchive, config.unzipMaxEntries());
        }
        catch (ZipDirectory.TooManyEntries e) {
            throw new Refused("the archive has " + e.entries + " entries, more than the " + config.unzipMaxEntries() + " allowed (unzip.max-entries)");
        }
        try (ZipFile zip = new ZipFile(realArchive.toFile(), UTF_8)) {
            List<ZipEntry> entries = zip.stream().map(entry -> (ZipEntry) entry).toList();
            List<Planned> plan = plan(entries, modes);
            long declared = entries.stream().mapToLong(ZipEntry::getSize).filter(size -> size > 0).sum();
            if (declared > config.unzipMaxBytes()) {
                throw new Refused("the archive declares " + declared + " bytes uncompressed, more than the " + config.unzipMaxBytes() + " allowed (unzip.max-bytes)");
            }
            output.out("checked " + archive + ": " + plan.size() + " entries, " + declared + " bytes declared\n");

            Path temp = (exists ? base : base.getParent()).resolve(TEMP_PREFIX + HexFormat.of().formatHex(randomBytes()));
            Files.createDirectory(temp);
            try {
                long written = write(zip, plan, temp, output);
                if (exists) {
                    merge(plan, temp, base);
                }
                else {
                    Files.move(temp, base, StandardCopyOption.ATOMIC_MOVE);
                }
                output.out("extracted " + plan.size() + " entries (" + written + " bytes) into " + destination + "\n");
                return 0;
            }
            finally {
                deleteTree(temp);
            }
        }
        catch (java.util.zip.ZipException e) {
            throw new Refused("not a readable zip archive: " + e.getMessage());
        }
    }

    /** What one entry becomes: a directory, a file, or a link; {@code path} is relative and checked. */
    private record Planned(ZipEntry entry, String path, Kind kind, int mode) {}

    private enum Kind { DIRECTORY, FILE, SYMLINK }

    private List<Planned> plan(List<ZipEntry> entries, List<ZipDirectory.Entry> modes)
            throws Refused
    {
        if (entries.size() != modes.size()) {
            throw new Refused("the archive's central directory is inconsistent (" + entries.size() + " entries read, " + modes.size() + " listed)");
        }
        List<Planned> plan = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> links = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            ZipEntry entry = entries.get(i);
            ZipDirectory.Entry listed = modes.get(i);
            if (!listed.name().equals(entry.getName())) {
                throw new Refused("the archive's central directory is inconsistent at entry " + (i + 1));
            }
            String name = entry.getName();
            String path = checkedName(name);
            if (!seen.add(path)) {
                throw new Refused("the archive holds '" + printable(name) + "' twice");
            }
            Kind kind = listed.symlink() ? Kind.SYMLINK : entry.isDirectory() ? Kind.DIRECTORY : Kind.FILE;
            if (kind == Kind.SYMLINK) {
                links.add(path);
            }
            plan.add(new Planned(entry, path, kind, listed.unixMode() < 0 ? (kind == Kind.DIRECTORY ? 0755 : 0644) : listed.unixMode() & 0777));
        }
        for (Planned planned : plan) {
            for (String link : links) {
                if (planned.path.startsWith(link + "/")) {
                    throw new Refused("the entry '" + printable(planned.path) + "' lies inside the symbolic link '" + printable(link) + "'");
                }
            }
        }
        return plan;
    }

    /** The entry's path, relative and normalized, or why it is refused (zip-slip and friends). */
    private static String checkedName(String name)
            throws Refused
    {
        if (name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
            throw new Refused("the archive holds an entry with an empty name or control characters");
        }
        if (name.startsWith("/") || name.contains("\\") || name.matches("[A-Za-z]:.*")) {
            throw new Refused("the entry '" + printable(name) + "' has an absolute path; entries must be relative");
        }
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        List<String> parts = new ArrayList<>();
        for (String part : trimmed.split("/", -1)) {
            if (part.equals("..")) {
                throw new Refused("the entry '" + printable(name) + "' climbs out with '..' (zip-slip)");
            }
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.startsWith(TEMP_PREFIX)) {
                throw new Refused("the entry '" + printable(name) + "' uses the agent's own temporary name");
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            throw new Refused("the archive holds an entry without a name ('" + printable(name) + "')");
        }
        return String.join("/", parts);
    }

    private long write(ZipFile zip, List<Planned> plan, Path temp, Output output)
            throws IOException, InterruptedException
    {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        int done = 0;
        List<Planned> links = new ArrayList<>();
        for (Planned planned : plan) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            Path target = temp.resolve(planned.path);
            switch (planned.kind) {
                case DIRECTORY -> Files.createDirectories(target);
                case SYMLINK -> links.add(planned);
                case FILE -> {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(planned.entry); OutputStream out = Files.newOutputStream(target)) {
                        int read;
                        while ((read = in.read(buffer)) > 0) {
                            total += read;
                            if (total > config.unzipMaxBytes()) {
                                throw new Refused("the archive expands to more than the " + config.unzipMaxBytes() + " bytes allowed (unzip.max-bytes); nothing was extracted");
                            }
                            out.write(buffer, 0, read);
                            if (Thread.interrupted()) {
                                throw new InterruptedException();
                            }
                        }
                    }
                    Files.setPosixFilePermissions(target, permissions(planned.mode));
                }
            }
            if (++done % PROGRESS_EVERY == 0) {
                output.out("extracted " + done + " of " + plan.size() + " entries, " + total + " bytes\n");
            }
        }
        for (Planned planned : links) {
            String linkTarget;
            try (InputStream in = zip.getInputStream(planned.entry)) {
                byte[] bytes = in.readNBytes(4097);
                linkTarget = new String(bytes, UTF_8);
            }
            if (linkTarget.isEmpty() || linkTarget.length() > 4096 || linkTarget.startsWith("/") || linkTarget.contains("\\")
                    || linkTarget.chars().anyMatch(Character::isISOControl) || Stream.of(linkTarget.split("/", -1)).anyMatch(".."::equals)) {
                throw new Refused("the symbolic link '" + printable(planned.path) + "' points to '" + printable(linkTarget)
                        + "', which may leave the destination; links must be relative and without '..'");
            }
            Path target = temp.resolve(planned.path);
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, Path.of(linkTarget));
        }
        for (Planned planned : plan) {
            if (planned.kind == Kind.DIRECTORY) {
                Files.setPosixFilePermissions(temp.resolve(planned.path), permissions(planned.mode | 0700));
            }
        }
        return total;
    }

    /** Moves every extracted file over its counterpart in the existing destination, after checking the whole tree first. */
    private static void merge(List<Planned> plan, Path temp, Path base)
            throws IOException
    {
        List<Planned> sorted = plan.stream().sorted(Comparator.comparing(Planned::path)).toList();
        for (Planned planned : sorted) {
            Path target = base.resolve(planned.path);
            Path walk = base;
            for (Path part : base.relativize(target.getParent() == null ? base : target.getParent())) {
                walk = walk.resolve(part);
                if (Files.isSymbolicLink(walk) || (Files.exists(walk, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(walk, LinkOption.NOFOLLOW_LINKS))) {
                    throw new Refused(walk + " is in the way (a symbolic link or a file where the archive has a directory)");
                }
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && planned.kind != Kind.DIRECTORY) {
                throw new Refused(target + " is a directory; the archive has a file there");
            }
            if (planned.kind == Kind.DIRECTORY && Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(target + " exists and is not a directory; the archive has a directory there");
            }
        }
        for (Planned planned : sorted) {
            Path target = base.resolve(planned.path);
            if (planned.kind == Kind.DIRECTORY) {
                try {
                    Files.createDirectory(target);
                }
                catch (FileAlreadyExistsException e) {
                    // already there: the files go into it
                }
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.move(temp.resolve(planned.path), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path underRoots(Path real, String what)
            throws IOException
    {
        for (Path root : config.unzipRoots()) {
            if (Files.isDirectory(root) && real.startsWith(root.toRealPath())) {
                return real;
            }
        }
        throw new Refused(what + " resolves to " + real + ", outside allow.unzip-roots " + config.unzipRoots());
    }

    private static Set<PosixFilePermission> permissions(int mode)
    {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                out.add(order[bit]);
            }
        }
        return out;
    }

    private static void deleteTree(Path root)
            throws IOException
    {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private byte[] randomBytes()
    {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String printable(String text)
    {
        String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** A refusal of the archive or destination: exit code 2, the destination untouched. */
    private static final class Refused
            extends IOException
    {
        Refused(String message)
        {
            super(message);
        }
    }
}
