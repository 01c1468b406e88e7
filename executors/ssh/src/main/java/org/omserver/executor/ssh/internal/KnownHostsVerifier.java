package org.omserver.executor.ssh.internal;

import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Verifies host keys against one OpenSSH known_hosts file, loaded once and shared by all connections of an
 * executor. Unknown hosts are refused, or with trust-on-first-use accepted and appended to the file; a host
 * whose key differs from the recorded one is always refused. Each connection gets its own {@link Check},
 * which remembers why a key was refused so the failure message can say so.
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
    private final KnownHosts knownHosts;

    public KnownHostsVerifier(Path file, boolean trustOnFirstUse)
    {
        this.file = requireNonNull(file, "file is null");
        this.trustOnFirstUse = trustOnFirstUse;
        try {
            this.knownHosts = new KnownHosts(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read known_hosts file " + file, e);
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
        private volatile String fingerprint = "";

        /** Why the host key was refused, {@link Refusal#NONE} if it was not (or verification never ran). */
        public Refusal refusal()
        {
            return refusal;
        }

        /** SHA256 fingerprint of the key the host presented, empty before verification. */
        public String fingerprint()
        {
            return fingerprint;
        }

        @Override
        public boolean verify(String hostname, int port, PublicKey key)
        {
            fingerprint = Fingerprints.sha256(key);
            lock.lock();
            try {
                knownHosts.lastRefusal = Refusal.OTHER;
                boolean accepted = knownHosts.verify(hostname, port, key);
                refusal = accepted ? Refusal.NONE : knownHosts.lastRefusal;
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

        KnownHosts(Path file)
                throws IOException
        {
            super(file.toFile());
        }

        @Override
        protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key)
        {
            if (!trustOnFirstUse) {
                lastRefusal = Refusal.UNKNOWN_HOST;
                return false;
            }
            try {
                HostEntry entry = new HostEntry(null, hostname, KeyType.fromKey(key), key);
                entries().add(entry);
                write(entry);
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
