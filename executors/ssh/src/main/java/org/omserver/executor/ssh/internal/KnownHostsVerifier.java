package org.omserver.executor.ssh.internal;

import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Verifies host keys against one OpenSSH known_hosts file, loaded once and shared by all connections of an
 * executor. Unknown hosts are refused, or with trust-on-first-use accepted and appended to the file; a host
 * whose key differs from the recorded one is always refused. Each connection gets its own {@link Check},
 * which remembers why a key was refused so the failure message can say so. The file is read again when its
 * size or modification time changed since it was last read, so a removed or replaced line takes effect for the
 * next connection and for every reuse of a pooled one ({@link #stillAccepts}).
 */
public final class KnownHostsVerifier
{
    private static final Logger log = LoggerFactory.getLogger(KnownHostsVerifier.class);

    /** Why the last verification under the lock refused a key. */
    public enum Refusal
    {
        NONE,
        UNKNOWN_HOST,
        CHANGED_KEY,
        OTHER
    }

    private final Path file;
    private final boolean trustOnFirstUse;
    // SSHJ's entry list is a plain ArrayList that trust-on-first-use appends to; all access goes through this lock
    private final ReentrantLock lock = new ReentrantLock();
    // replaced when the file changes; guarded by the lock
    private KnownHosts knownHosts;
    private FileStamp stamp;

    public KnownHostsVerifier(Path file, boolean trustOnFirstUse)
    {
        this.file = requireNonNull(file, "file is null");
        this.trustOnFirstUse = trustOnFirstUse;
        try {
            this.stamp = FileStamp.of(file);
            this.knownHosts = new KnownHosts(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read known_hosts file " + file, e);
        }
    }

    /** What tells us the file changed: its size and modification time (absent when the file does not exist). */
    private record FileStamp(long size, FileTime modified)
    {
        static FileStamp of(Path file)
                throws IOException
        {
            if (!Files.exists(file)) {
                return new FileStamp(-1, FileTime.fromMillis(0));
            }
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attributes.size(), attributes.lastModifiedTime());
        }
    }

    /** Reads the file again if it changed since the last read; keeps the old entries if it cannot be read. Holds the lock. */
    private void reloadIfChanged()
    {
        try {
            FileStamp now = FileStamp.of(file);
            if (!now.equals(stamp)) {
                knownHosts = new KnownHosts(file);
                stamp = now;
                log.info("known_hosts file {} changed: read it again", file);
            }
        }
        catch (IOException e) {
            log.warn("cannot read the changed known_hosts file {}; keeping the entries read before", file, e);
        }
    }

    /**
     * Whether the file (read again if it changed) still accepts {@code key} for the host: the check before a pooled
     * connection is reused. Never adds an entry, whatever trust-on-first-use says: a connection whose host is no
     * longer listed is dropped, and the new connection that replaces it goes through {@link Check#verify}.
     */
    public boolean stillAccepts(String hostname, int port, PublicKey key)
    {
        lock.lock();
        try {
            reloadIfChanged();
            knownHosts.strict = true;
            try {
                return knownHosts.verify(hostname, port, key);
            }
            finally {
                knownHosts.strict = false;
            }
        }
        finally {
            lock.unlock();
        }
    }

    public Path file()
    {
        return file;
    }

    public boolean trustOnFirstUse()
    {
        return trustOnFirstUse;
    }

    /** A verifier for one connection. */
    public Check newCheck()
    {
        return new Check();
    }

    public final class Check
            implements HostKeyVerifier
    {
        private volatile Refusal refusal = Refusal.NONE;
        private volatile PublicKey presentedKey;
        private volatile PublicKey acceptedKey;

        /** Why the host key was refused, {@link Refusal#NONE} if it was not (or verification never ran). */
        public Refusal refusal()
        {
            return refusal;
        }

        /** The host key this check accepted, empty when it refused it or has not run. */
        public Optional<PublicKey> acceptedKey()
        {
            return Optional.ofNullable(acceptedKey);
        }

        /** SHA256 fingerprint of the key the host presented, empty before verification. */
        public String fingerprint()
        {
            // computed on demand: only refusal messages need it
            PublicKey key = presentedKey;
            return key == null ? "" : Fingerprints.sha256(key);
        }

        @Override
        public boolean verify(String hostname, int port, PublicKey key)
        {
            presentedKey = key;
            lock.lock();
            try {
                reloadIfChanged();
                knownHosts.lastRefusal = Refusal.OTHER;
                boolean accepted = knownHosts.verify(hostname, port, key);
                refusal = accepted ? Refusal.NONE : knownHosts.lastRefusal;
                acceptedKey = accepted ? key : null;
                return accepted;
            }
            finally {
                lock.unlock();
            }
        }

        @Override
        public List<String> findExistingAlgorithms(String hostname, int port)
        {
            lock.lock();
            try {
                reloadIfChanged();
                return knownHosts.findExistingAlgorithms(hostname, port);
            }
            finally {
                lock.unlock();
            }
        }
    }

    private final class KnownHosts
            extends OpenSSHKnownHosts
    {
        // written and read only while holding the lock
        private Refusal lastRefusal = Refusal.NONE;
        // true while checking a pooled connection: never add a host then
        private boolean strict;

        KnownHosts(Path file)
                throws IOException
        {
            super(file.toFile());
        }

        @Override
        protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key)
        {
            if (!trustOnFirstUse || strict) {
                lastRefusal = Refusal.UNKNOWN_HOST;
                return false;
            }
            try {
                HostEntry entry = new HostEntry(null, hostname, KeyType.fromKey(key), key);
                entries().add(entry);
                write(entry);
                // our own append is not a change to read back
                stamp = FileStamp.of(file);
                log.info("trust-on-first-use: added {} key {} of {} to {}", KeyType.fromKey(key), Fingerprints.sha256(key), hostname, file);
                return true;
            }
            catch (IOException e) {
                // refusing is the safe answer when the key cannot be recorded
                log.warn("trust-on-first-use: cannot append key of {} to {}", hostname, file, e);
                lastRefusal = Refusal.OTHER;
                return false;
            }
        }

        @Override
        protected boolean hostKeyChangedAction(String hostname, PublicKey key)
        {
            lastRefusal = Refusal.CHANGED_KEY;
            return false;
        }
    }
}
