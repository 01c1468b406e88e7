package org.omserver.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.FileReadReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * IOMS {@code downloads}: {@code omserver:downloads FILE DIR} fetches FILE from the master's file store in 1 MiB
 * chunks (sealed with this agent's own key, like every call), writes it to a temporary file in DIR, checks its
 * SHA-256 and MD5 against the master's, and renames it into place atomically: DIR never holds a partial or corrupt
 * file. DIR must be under one of the agent's own {@code allow.download-roots} (default none: downloads refused),
 * checked on the path as given and again on its real path, so neither {@code ..} nor a symbolic link leads out.
 *
 * <p>Timeouts: each chunk is one call bounded by {@code rpc.read-timeout}, so a master that stops answering fails
 * the download within that; the whole transfer is bounded by the run's timeout, which the master's agent backend sets
 * to its {@code executor.agent.transfer-timeout} (an hour by default), not to the job's per-host command timeout.
 */
final class DownloadsBuiltin
        implements Builtin
{
    static final int CHUNK = 1024 * 1024;
    private static final Logger audit = LoggerFactory.getLogger("org.omserver.agent.audit");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final List<Path> roots;
    private final FileSource source;

    DownloadsBuiltin(List<Path> roots, FileSource source)
    {
        this.roots = List.copyOf(requireNonNull(roots, "roots is null"));
        this.source = requireNonNull(source, "source is null");
    }

    @Override
    public String name()
    {
        return "downloads";
    }

    @Override
    public String usage()
    {
        return "FILE DIR: copies FILE from the master's file store into DIR (under allow.download-roots), checksum verified, atomically";
    }

    @Override
    public Optional<String> refusal(List<String> args)
    {
        if (args.size() != 2) {
            return Optional.of("downloads takes FILE and DIR, got " + args.size() + " argument(s)");
        }
        Optional<String> badName = fileNameRefusal(args.get(0));
        if (badName.isPresent()) {
            return badName;
        }
        if (roots.isEmpty()) {
            return Optional.of("downloads are off on this agent: list the directories it may write in allow.download-roots in its configuration");
        }
        return underRoot(args.get(1));
    }

    /** Why {@code file} is not a name of the master's file store, or empty. */
    static Optional<String> fileNameRefusal(String file)
    {
        if (!FILE_NAME.matcher(file).matches() || file.contains("..")) {
            return Optional.of("'" + printable(file) + "' is not a file name of the store (letters, digits, '.', '_', '-'; no '..', no leading dot)");
        }
        return Optional.empty();
    }

    /** The lexical check: an absolute, normalized path under a root. The real path is checked again in run. */
    private Optional<String> underRoot(String dir)
    {
        if (dir.isEmpty() || dir.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("the destination directory is empty or holds control characters");
        }
        Path path = Path.of(dir);
        if (!path.isAbsolute() || dir.contains("/../") || dir.endsWith("/..") || !path.normalize().equals(path)) {
            return Optional.of("the destination '" + printable(dir) + "' must be an absolute path without '..' or '.' elements");
        }
        if (roots.stream().noneMatch(path::startsWith)) {
            return Optional.of("the destination " + printable(dir) + " is outside this agent's download roots " + roots + " (allow.download-roots)");
        }
        return Optional.empty();
    }

    @Override
    public int run(List<String> args, Output output)
            throws InterruptedException
    {
        String name = args.get(0);
        Path dir = Path.of(args.get(1));
        Path real;
        try {
            real = dir.toRealPath();
        }
        catch (IOException e) {
            output.err("the destination directory " + dir + " does not exist on this host (" + e.getClass().getSimpleName() + "); create it first\n");
            return 2;
        }
        if (!Files.isDirectory(real) || realRoots().stream().noneMatch(real::startsWith)) {
            audit.info("downloads of {} refused: {} resolves to {}, outside the download roots {}", name, dir, real, roots);
            output.err("the destination " + dir + " resolves to " + real + ", which is not a directory under the download roots " + roots
                    + " (a symbolic link leads out); refused\n");
            return 2;
        }
        Path target = real.resolve(name);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            output.err(target + " is a directory; refused\n");
            return 2;
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(real, "." + name + ".", ".part", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Transfer transfer = fetch(source, name, temp, output);
            String sha256 = HexFormat.of().formatHex(transfer.sha256);
            String md5 = HexFormat.of().formatHex(transfer.md5);
            if (!transfer.matches()) {
                audit.info("downloads of {} refused: checksum mismatch (sha256 {} expected {})", name, sha256, transfer.expectedSha256);
                output.err("checksum mismatch for " + name + ": received sha256 " + sha256 + " md5 " + md5 + ", the master's store says sha256 "
                        + transfer.expectedSha256 + " md5 " + transfer.expectedMd5 + "; the file was not written (re-hash the store, cmd=genmd5, if it changed there)\n");
                return 1;
            }
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            try (FileChannel directory = FileChannel.open(real, StandardOpenOption.READ)) {
                directory.force(true);
            }
            catch (IOException e) {
                // the rename is done; only its durability across a power cut is unsure
            }
            output.out(name + " -> " + target + " (" + transfer.size + " bytes, sha256 " + sha256 + ", md5 " + md5 + ")\n");
            return 0;
        }
        catch (AgentError e) {
            output.err("the master refused the download of " + name + ": " + e.getCode() + " " + e.getMessage() + "\n");
            return 1;
        }
        catch (InterruptedException e) {
            throw e;
        }
        catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("download of " + name + " interrupted");
            }
            output.err("the download of " + name + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage() + "\n");
            return 1;
        }
        finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                }
                catch (IOException e) {
                    output.err("cannot delete the temporary file " + temp + ": " + e.getMessage() + "\n");
                }
            }
        }
    }

    /** Reads {@code name} from the store into {@code temp}, hashing as it goes; the caller compares with {@link Transfer#matches()}. */
    static Transfer fetch(FileSource source, String name, Path temp, Output output)
            throws Exception
    {
        MessageDigest sha256 = digest("SHA-256");
        MessageDigest md5 = digest("MD5");
        long offset = 0;
        long size = -1;
        String expectedSha256 = null;
        String expectedMd5 = null;
        int shownTenth = -1;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            do {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("download of " + name + " interrupted");
                }
                FileReadReply reply = source.read(name, offset, CHUNK);
                if (size < 0) {
                    size = reply.getSize();
                    expectedSha256 = reply.getSha256();
                    expectedMd5 = reply.getMd5();
                    output.out("downloading " + name + " (" + size + " bytes, sha256 " + expectedSha256 + ")\n");
                }
                else if (reply.getSize() != size || !reply.getSha256().equals(expectedSha256)) {
                    throw new IOException(name + " was replaced in the file store during the download; run it again");
                }
                ByteBuffer data = reply.bufferForData();
                if (!data.hasRemaining() && offset < size) {
                    throw new IOException("the master sent no data at byte " + offset + " of " + size);
                }
                sha256.update(data.duplicate());
                md5.update(data.duplicate());
                offset += data.remaining();
                while (data.hasRemaining()) {
                    out.write(data);
                }
                int tenth = size == 0 ? 10 : (int) (offset * 10 / size);
                if (tenth != shownTenth && tenth < 10) {
                    output.out("  " + offset + " of " + size + " bytes (" + tenth * 10 + "%)\n");
                    shownTenth = tenth;
                }
            }
            while (offset < size);
            out.force(true);
        }
        return new Transfer(size, sha256.digest(), md5.digest(), expectedSha256, expectedMd5);
    }

    private List<Path> realRoots()
    {
        List<Path> real = new ArrayList<>();
        for (Path root : roots) {
            try {
                real.add(root.toRealPath());
            }
            catch (IOException e) {
                // a root that does not exist holds nothing
            }
        }
        return real;
    }

    private static String printable(String text)
    {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(300).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04X", c)));
        return out.toString();
    }

    private static MessageDigest digest(String algorithm)
    {
        try {
            return MessageDigest.getInstance(algorithm);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }

    record Transfer(long size, byte[] sha256, byte[] md5, String expectedSha256, String expectedMd5)
    {
        /** Both checksums equal the master's. */
        boolean matches()
        {
            return HexFormat.of().formatHex(sha256).equals(expectedSha256) && HexFormat.of().formatHex(md5).equals(expectedMd5);
        }
    }
}
