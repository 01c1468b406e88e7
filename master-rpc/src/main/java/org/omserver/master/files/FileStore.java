package org.omserver.master.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.omserver.catalog.file.FileRepository;
import org.omserver.catalog.file.StoredFile;
import org.omserver.master.files.FileStoreException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The master's file store: content on disk under {@code files.dir}, metadata in {@code oms_file}.
 * <p>
 * An upload is a session: {@link #begin} reserves a temporary file under {@code <dir>/.uploads} (a name no stored
 * file can have: stored names never start with a dot), {@link #chunk} appends at the expected offset while hashing,
 * {@link #commit} checks the size and the client's SHA-256, fsyncs, and moves the file into place atomically, then
 * writes the row. Anything else (a refused chunk, a wrong checksum, an abort, an upload idle longer than the
 * window, a master restart) deletes the temporary file: a failed upload leaves nothing. No file is ever held whole
 * in memory. Only the user who began an upload can continue it.
 */
public final class FileStore
{
    public static final int MAX_CHUNK_BYTES = 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(FileStore.class);
    private static final String UPLOADS = ".uploads";

    private final Path dir;
    private final Path uploads;
    private final FileRepository files;
    private final long maxFileBytes;
    private final int maxUploads;
    private final Duration uploadIdle;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Upload> active = new ConcurrentHashMap<>();

    public FileStore(Path dir, FileRepository files, long maxFileBytes, int maxUploads, Duration uploadIdle, Clock clock)
            throws IOException
    {
        this.dir = requireNonNull(dir, "dir is null").toAbsolutePath().normalize();
        this.files = requireNonNull(files, "files is null");
        this.maxFileBytes = maxFileBytes;
        this.maxUploads = maxUploads;
        this.uploadIdle = requireNonNull(uploadIdle, "uploadIdle is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.uploads = this.dir.resolve(UPLOADS);
        Files.createDirectories(uploads);
        // uploads interrupted by a stop of the master: nothing can continue them
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploads)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                log.info("deleted the unfinished upload {}", leftover.getFileName());
            }
        }
    }

    public long maxFileBytes()
    {
        return maxFileBytes;
    }

    public Path dir()
    {
        return dir;
    }

    public List<StoredFile> list()
    {
        return files.list();
    }

    public Optional<StoredFile> find(String name)
    {
        return files.find(name);
    }

    /** Starts an upload of {@code size} bytes named {@code name}; returns its id. */
    public String begin(String name, long size, String actor)
            throws FileStoreException
    {
        FileNames.check(name);
        if (size < 0) {
            throw new FileStoreException(Reason.TOO_LARGE, "the size must not be negative, was " + size);
        }
        if (size > maxFileBytes) {
            throw new FileStoreException(Reason.TOO_LARGE, "the file has " + size + " bytes; the store takes at most " + maxFileBytes
                    + " (files.max-bytes in the master's configuration)");
        }
        expireIdle();
        if (active.size() >= maxUploads) {
            throw new FileStoreException(Reason.TOO_LARGE, maxUploads + " uploads are already in progress; try again when one has finished");
        }
        byte[] raw = new byte[12];
        random.nextBytes(raw);
        String id = HexFormat.of().formatHex(raw);
        Path temp = uploads.resolve(id);
        try {
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            active.put(id, new Upload(id, name, size, actor, temp, channel, digest("SHA-256"), digest("MD5"), clock.instant()));
        }
        catch (IOException e) {
            throw new FileStoreException(Reason.IO, "cannot create a temporary file in " + uploads + ": " + e.getMessage(), e);
        }
        log.info("upload {} of {} ({} bytes) begun by {}", id, name, size, actor);
        return id;
    }

    /** Appends {@code data} at {@code offset}, which must be the bytes received so far; returns the new count. */
    public long chunk(String uploadId, String actor, long offset, ByteBuffer data)
            throws FileStoreException
    {
        Upload upload = upload(uploadId, actor);
        synchronized (upload) {
            try {
                if (offset != upload.received) {
                    throw new FileStoreException(Reason.BAD_OFFSET, "the chunk starts at byte " + offset + " but " + upload.received
                            + " bytes were received so far; send the chunks in order");
                }
                if (data.remaining() > MAX_CHUNK_BYTES) {
                    throw new FileStoreException(Reason.TOO_LARGE, "a chunk may hold at most " + MAX_CHUNK_BYTES + " bytes, this one has " + data.remaining());
                }
                if (upload.received + data.remaining() > upload.size) {
                    throw new FileStoreException(Reason.TOO_LARGE, "the upload declared " + upload.size + " bytes but more arrived; begin again with the right size");
                }
                ByteBuffer view = data.slice();
                upload.sha256.update(view.duplicate());
                upload.md5.update(view.duplicate());
                while (view.hasRemaining()) {
                    upload.channel.write(view);
                }
                upload.received += data.remaining();
                upload.touched = clock.instant();
                return upload.received;
            }
            catch (FileStoreException e) {
                discard(upload);
                throw e;
            }
            catch (IOException e) {
                discard(upload);
                throw new FileStoreException(Reason.IO, "cannot write the upload of " + upload.name + ": " + e.getMessage(), e);
            }
        }
    }

    /** Checks the size and the client's SHA-256, then moves the file into place atomically and records it. */
    public Committed commit(String uploadId, String actor, String sha256)
            throws FileStoreException
    {
        Upload upload = upload(uploadId, actor);
        synchronized (upload) {
            try {
                if (upload.received != upload.size) {
                    throw new FileStoreException(Reason.BAD_OFFSET, "the upload declared " + upload.size + " bytes but " + upload.received + " arrived");
                }
                String actual = HexFormat.of().formatHex(upload.sha256.digest());
                String md5 = HexFormat.of().formatHex(upload.md5.digest());
                if (!actual.equalsIgnoreCase(sha256 == null ? "" : sha256.strip())) {
                    throw new FileStoreException(Reason.CHECKSUM_MISMATCH, "the SHA-256 of the bytes received is " + actual + ", not the "
                            + FileNames.printable(String.valueOf(sha256)) + " the client computed; the file was damaged on the way, upload it again");
                }
                upload.channel.force(true);
                upload.channel.close();
                Path target = dir.resolve(upload.name);
                boolean replaced = files.find(upload.name).isPresent();
                move(upload.temp, target);
                Instant now = clock.instant();
                StoredFile stored = new StoredFile(upload.name, upload.size, md5, actual, actor, now, now);
                files.put(stored);
                active.remove(upload.id);
                log.info("upload {} stored as {} ({} bytes, sha256 {}) by {}", upload.id, upload.name, upload.size, actual, actor);
                return new Committed(stored, replaced);
            }
            catch (FileStoreException e) {
                discard(upload);
                throw e;
            }
            catch (IOException | RuntimeException e) {
                discard(upload);
                throw new FileStoreException(Reason.IO, "cannot store " + upload.name + ": " + e.getMessage(), e);
            }
        }
    }

    /** Drops an upload and its temporary file; false when there was none. */
    public boolean abort(String uploadId, String actor)
    {
        Upload upload = active.get(uploadId);
        if (upload == null || !upload.actor.equals(actor)) {
            return false;
        }
        synchronized (upload) {
            discard(upload);
        }
        return true;
    }

    public StoredFile remove(String name)
            throws FileStoreException
    {
        FileNames.check(name);
        StoredFile stored = files.find(name).orElseThrow(() -> notFound(name));
        // the row first: a crash in between leaves an unlisted file, which the next upload of the name replaces
        files.remove(name);
        try {
            Files.deleteIfExists(dir.resolve(name));
        }
        catch (IOException e) {
            throw new FileStoreException(Reason.IO, "removed " + name + " from the list but cannot delete its content: " + e.getMessage(), e);
        }
        return stored;
    }

    /** Recomputes the checksums of one file (or all) from disk; returns what changed, one line per file. */
    public Rehashed rehash(Optional<String> name)
            throws FileStoreException
    {
        List<StoredFile> targets = new ArrayList<>();
        if (name.isPresent()) {
            FileNames.check(name.get());
            targets.add(files.find(name.get()).orElseThrow(() -> notFound(name.get())));
        }
        else {
            targets.addAll(files.list());
        }
        List<StoredFile> result = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (StoredFile file : targets) {
            Path path = dir.resolve(file.name());
            if (!Files.isRegularFile(path)) {
                files.remove(file.name());
                changed.add(file.name() + ": missing on disk, removed from the list");
                continue;
            }
            MessageDigest sha256 = digest("SHA-256");
            MessageDigest md5 = digest("MD5");
            long size = 0;
            try (InputStream in = Files.newInputStream(path)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; size += n) {
                    sha256.update(buffer, 0, n);
                    md5.update(buffer, 0, n);
                }
            }
            catch (IOException e) {
                throw new FileStoreException(Reason.IO, "cannot read " + file.name() + ": " + e.getMessage(), e);
            }
            StoredFile now = new StoredFile(file.name(), size, HexFormat.of().formatHex(md5.digest()), HexFormat.of().formatHex(sha256.digest()),
                    file.uploadedBy(), file.uploadedAt(), clock.instant());
            if (!now.sha256().equals(file.sha256()) || !now.md5().equals(file.md5()) || now.size() != file.size()) {
                changed.add(file.name() + ": content changed on disk (sha256 " + file.sha256() + " -> " + now.sha256() + ")");
            }
            files.put(now);
            result.add(now);
        }
        return new Rehashed(result, changed);
    }

    /** Up to {@code length} bytes of a stored file from {@code offset}, with the file's row. */
    public Chunk read(String name, long offset, int length)
            throws FileStoreException
    {
        FileNames.check(name);
        StoredFile stored = files.find(name).orElseThrow(() -> notFound(name));
        if (offset < 0 || offset > stored.size() || length < 0) {
            throw new FileStoreException(Reason.BAD_OFFSET, "offset " + offset + " is outside " + name + " (" + stored.size() + " bytes)");
        }
        int wanted = (int) Math.min(Math.min(length, MAX_CHUNK_BYTES), stored.size() - offset);
        ByteBuffer buffer = ByteBuffer.allocate(wanted);
        try (FileChannel channel = FileChannel.open(dir.resolve(name), StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    break;
                }
            }
        }
        catch (NoSuchFileException e) {
            throw new FileStoreException(Reason.NOT_FOUND, name + " is listed but its content is missing; re-hash the store (cmd=genmd5)", e);
        }
        catch (IOException e) {
            throw new FileStoreException(Reason.IO, "cannot read " + name + ": " + e.getMessage(), e);
        }
        buffer.flip();
        return new Chunk(stored, buffer);
    }

    /** Number of uploads in progress (for tests and status). */
    public int uploadsInProgress()
    {
        expireIdle();
        return active.size();
    }

    private Upload upload(String uploadId, String actor)
            throws FileStoreException
    {
        expireIdle();
        Upload upload = uploadId == null ? null : active.get(uploadId);
        if (upload == null || !upload.actor.equals(actor)) {
            throw new FileStoreException(Reason.UNKNOWN_UPLOAD, "no upload " + FileNames.printable(String.valueOf(uploadId))
                    + " is in progress for you (it failed, was committed, or was idle longer than " + uploadIdle.toSeconds() + " s); begin again");
        }
        return upload;
    }

    private void expireIdle()
    {
        Instant limit = clock.instant().minus(uploadIdle);
        for (Upload upload : active.values()) {
            if (upload.touched.isBefore(limit)) {
                synchronized (upload) {
                    log.info("upload {} of {} idle since {}: discarded", upload.id, upload.name, upload.touched);
                    discard(upload);
                }
            }
        }
    }

    private void discard(Upload upload)
    {
        active.remove(upload.id);
        try {
            upload.channel.close();
            Files.deleteIfExists(upload.temp);
        }
        catch (IOException e) {
            log.warn("cannot delete the temporary file {} of upload {}: {}", upload.temp, upload.id, e.getMessage());
        }
    }

    private void move(Path from, Path to)
            throws IOException
    {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically; put files.dir on a local file system", e);
        }
        // the rename itself is durable only once the directory is
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
        catch (IOException e) {
            log.debug("cannot fsync the directory {}: {}", dir, e.getMessage());
        }
    }

    private static FileStoreException notFound(String name)
    {
        return new FileStoreException(Reason.NOT_FOUND, "the file store has no file named " + name + " (see cmd=dir)");
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

    public record Committed(StoredFile file, boolean replaced) {}

    public record Rehashed(List<StoredFile> files, List<String> changed)
    {
        public Rehashed
        {
            files = List.copyOf(files);
            changed = List.copyOf(changed);
        }
    }

    public record Chunk(StoredFile file, ByteBuffer data) {}

    private static final class Upload
    {
        final String id;
        final String name;
        final long size;
        final String actor;
        final Path temp;
        final FileChannel channel;
        final MessageDigest sha256;
        final MessageDigest md5;
        long received;
        Instant touched;

        Upload(String id, String name, long size, String actor, Path temp, FileChannel channel, MessageDigest sha256, MessageDigest md5, Instant touched)
        {
            this.id = id;
            this.name = name;
            this.size = size;
            this.actor = actor;
            this.temp = temp;
            this.channel = channel;
            this.sha256 = sha256;
            this.md5 = md5;
            this.touched = touched;
        }
    }
}
