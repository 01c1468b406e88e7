package org.omserver.executor.ssh.internal;

import net.schmizz.sshj.SSHClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * Idle, authenticated SSH connections kept for reuse, keyed by (address, port, user). At most
 * {@code maxConnections} are kept across all hosts (a connection handed back when the pool is full is closed), and
 * none longer than {@code idleTimeout} (closed by a sweeper thread, and never handed out once expired). A connection
 * is in the pool only while nobody uses it: a taker owns it until it hands it back or closes it. The pool does not
 * check host keys; the executor re-checks the key each connection was opened with before reusing it.
 */
public final class ConnectionPool
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);
    private static final Duration MAX_SWEEP_PERIOD = Duration.ofSeconds(30);
    private static final Duration MIN_SWEEP_PERIOD = Duration.ofSeconds(1);

    /** Which connections may serve an invocation: same address, port and remote account. */
    public record Key(String address, int port, String user)
    {
        public Key
        {
            requireNonNull(address, "address is null");
            requireNonNull(user, "user is null");
        }
    }

    /**
     * An authenticated connection, the host key verified when it was opened, and the {@link ShellSession} kept open on
     * it once the first command needed one.
     */
    public record Connection(SSHClient client, PublicKey hostKey, AtomicReference<ShellSession> shell)
    {
        public Connection
        {
            requireNonNull(client, "client is null");
            requireNonNull(hostKey, "hostKey is null");
            requireNonNull(shell, "shell is null");
        }

        public Connection(SSHClient client, PublicKey hostKey)
        {
            this(client, hostKey, new AtomicReference<>());
        }

        /** The connection's shell, opened now if it has none yet. Only its current owner calls this. */
        public ShellSession openShell()
                throws IOException
        {
            ShellSession open = shell.get();
            if (open == null) {
                open = ShellSession.open(client);
                shell.set(open);
            }
            return open;
        }

        boolean usable()
        {
            ShellSession open = shell.get();
            return client.isConnected() && client.isAuthenticated() && (open == null || open.isOpen());
        }
    }

    /**
     * Counters since the pool was created, and the connections idle in it now.
     *
     * @param idle connections in the pool now
     * @param opened new connections the executor established (host key accepted)
     * @param reused invocations that ran on a pooled connection
     * @param dropped pooled connections closed because they were dead or their host key was no longer accepted
     */
    public record Stats(int idle, long opened, long reused, long dropped) {}

    private record Idle(Connection connection, Instant since) {}

    private final int maxConnections;
    private final Duration idleTimeout;
    private final Clock clock;
    private final ScheduledExecutorService sweeper;
    // guarded by this
    private final Map<Key, Deque<Idle>> idle = new HashMap<>();
    private int idleCount;
    private long opened;
    private long reused;
    private long dropped;
    private boolean closed;

    public ConnectionPool(int maxConnections, Duration idleTimeout, Clock clock)
    {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must not be negative, was " + maxConnections);
        }
        this.maxConnections = maxConnections;
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (maxConnections == 0) {
            sweeper = null;
        }
        else {
            sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform().name("ssh-pool-sweeper").daemon(true).unstarted(runnable));
            long period = Math.clamp(idleTimeout.toMillis() / 2, MIN_SWEEP_PERIOD.toMillis(), MAX_SWEEP_PERIOD.toMillis());
            sweeper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** Counts a connection opened by the executor (for {@link #stats}). */
    public synchronized void countOpened()
    {
        opened++;
    }

    /** Counts an invocation that ran on a pooled connection (for {@link #stats}). */
    public synchronized void countReused()
    {
        reused++;
    }

    /**
     * The most recently returned live connection for {@code key}, now owned by the caller. Expired and dead
     * connections of this key found on the way are closed (those of other keys are left to the sweeper, so a
     * call costs the same whatever the number of hosts).
     */
    public Optional<Connection> take(Key key)
    {
        List<Connection> toClose = new ArrayList<>();
        Connection found = null;
        synchronized (this) {
            Instant oldest = clock.instant().minus(idleTimeout);
            Deque<Idle> connections = idle.get(key);
            while (found == null && connections != null && !connections.isEmpty()) {
                Idle candidate = connections.pollLast();
                idleCount--;
                if (!candidate.since().isAfter(oldest)) {
                    toClose.add(candidate.connection());
                }
                else if (candidate.connection().usable()) {
                    found = candidate.connection();
                }
                else {
                    toClose.add(candidate.connection());
                    dropped++;
                }
            }
            if (connections != null && connections.isEmpty()) {
                idle.remove(key);
            }
        }
        closeAll(toClose);
        return Optional.ofNullable(found);
    }

    /** Hands {@code connection} back for reuse; closes it instead when the pool is full, closed, or it is dead. */
    public void release(Key key, Connection connection)
    {
        List<Connection> toClose = new ArrayList<>();
        synchronized (this) {
            if (closed || idleCount >= maxConnections || !connection.usable()) {
                toClose.add(connection);
            }
            else {
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Idle(connection, clock.instant()));
                idleCount++;
            }
        }
        closeAll(toClose);
    }

    /** Closes a connection taken from the pool that must not be used (dead on use, or its host key no longer accepted). */
    public void discard(Connection connection)
    {
        synchronized (this) {
            dropped++;
        }
        disconnect(connection);
    }

    public synchronized Stats stats()
    {
        return new Stats(idleCount, opened, reused, dropped);
    }

    /** Closes every connection idle for longer than the idle timeout. */
    void closeExpired()
    {
        List<Connection> toClose = new ArrayList<>();
        synchronized (this) {
            removeExpired(toClose);
        }
        closeAll(toClose);
    }

    // holds the lock
    private void removeExpired(List<Connection> toClose)
    {
        Instant oldest = clock.instant().minus(idleTimeout);
        for (Iterator<Deque<Idle>> perKey = idle.values().iterator(); perKey.hasNext(); ) {
            Deque<Idle> connections = perKey.next();
            // oldest first: stop at the first one still fresh
            while (!connections.isEmpty() && !connections.peekFirst().since().isAfter(oldest)) {
                toClose.add(connections.pollFirst().connection());
                idleCount--;
            }
            if (connections.isEmpty()) {
                perKey.remove();
            }
        }
    }

    private static void closeAll(List<Connection> connections)
    {
        connections.forEach(ConnectionPool::disconnect);
    }

    private static void disconnect(Connection connection)
    {
        try {
            connection.client().disconnect();
        }
        catch (IOException | RuntimeException e) {
            log.debug("closing a pooled connection failed", e);
        }
    }

    /** Closes every idle connection now, whatever its age; the pool stays open and keeps connections handed back later. */
    public void closeIdle()
    {
        List<Connection> toClose = new ArrayList<>();
        synchronized (this) {
            takeAllIdle(toClose);
        }
        closeAll(toClose);
    }

    // holds the lock
    private void takeAllIdle(List<Connection> toClose)
    {
        idle.values().forEach(connections -> connections.forEach(entry -> toClose.add(entry.connection())));
        idle.clear();
        idleCount = 0;
    }

    /** Closes every idle connection; connections handed back later are closed at once. */
    @Override
    public void close()
    {
        List<Connection> toClose = new ArrayList<>();
        synchronized (this) {
            closed = true;
            takeAllIdle(toClose);
        }
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        closeAll(toClose);
    }
}
