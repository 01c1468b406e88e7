package org.omserver.executor.ssh;

import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.cipher.Cipher;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.omserver.executor.api.EventSink;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;
import org.omserver.executor.ssh.internal.ConnectionPool;
import org.omserver.executor.ssh.internal.Fingerprints;
import org.omserver.executor.ssh.internal.JdkAesGcm;
import org.omserver.executor.ssh.internal.KnownHostsVerifier;
import org.omserver.executor.ssh.internal.ShellQuoting;
import org.omserver.executor.ssh.internal.ShellSession;
import org.omserver.executor.ssh.internal.Utf8ChunkDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Runs invocations over SSH with SSHJ: connect (or reuse an idle pooled connection to the same address, port and
 * user whose host key known_hosts still accepts), verify the host key against known_hosts, publickey
 * authentication, run the command in the connection's {@link ShellSession} (opened with its first command), stream
 * stdout and stderr, collect the exit status, hand the connection and its shell back to the pool.
 * Thread-safe; the SSHJ configuration, the private key and the known_hosts file are loaded once.
 */
public final class SshExecutor
        implements Executor
{
    private static final Logger log = LoggerFactory.getLogger(SshExecutor.class);

    /**
     * For a command that needs root under another account, which runs through sudo in a session of its own (every
     * other command runs in the connection's {@link ShellSession}): runs the quoted argv ({@code "$@"}) in the
     * background with stdin from /dev/null, and a watcher that reads the channel's stdin (fd 3) until EOF, then sends the command SIGTERM and, 5 s later, SIGKILL. The executor never
     * writes to stdin: EOF means it gave up (timeout, interrupt) or the connection is gone. This is how a command is
     * stopped even where the SSH "signal" request is not honoured (OpenSSH ignores it for root, whose sessions run
     * without privilege separation). The wrapper exits with the command's status.
     */
    static final String WRAPPER = String.join("\n",
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "c=$!",
            "{ while read -r _ <&3; do :; done; kill -TERM \"$c\"; sleep 5; kill -KILL \"$c\"; } >/dev/null 2>&1 &",
            "w=$!",
            "exec 3<&-",
            // 2>/dev/null: the shell would print "Terminated" there when the command dies of a signal
            "wait \"$c\" 2>/dev/null",
            "r=$?",
            "kill \"$w\" 2>/dev/null",
            "exit \"$r\"");
    // the wrapper's $0 under sudo, visible in ps on the host
    private static final String WRAPPER_NAME = "omserver-exec";

    // after a timeout or interrupt: how long the remote command gets to exit on SIGTERM before the connection is cut
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    // how long the stream readers may take to drain once the channel is closed
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);
    private static final int READ_BUFFER_SIZE = 32 * 1024;
    private static final Pattern EXIT_STATUS = Pattern.compile("\\d{1,3}");

    private final SshConfig config;
    private final DefaultConfig sshjConfig;
    private final KeyProvider key;
    private final KnownHostsVerifier knownHosts;
    private final ExecutorService streamReaders;
    private final ConnectionPool pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    public SshExecutor(SshConfig config)
    {
        this(config, Clock.systemUTC());
    }

    /** {@code clock} measures how long pooled connections have been idle. */
    public SshExecutor(SshConfig config, Clock clock)
    {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(clock, "clock is null");
        // expensive (algorithm lists, crypto providers): built once and shared by every connection
        this.sshjConfig = new DefaultConfig();
        preferAesGcm(sshjConfig);
        this.key = loadKey(sshjConfig, config);
        this.knownHosts = new KnownHostsVerifier(config.knownHosts(), config.trustOnFirstUse());
        // after everything that can reject the configuration: the pool starts its sweeper thread
        this.pool = new ConnectionPool(config.poolMaxConnections(), config.poolIdleTimeout(), clock);
        AtomicInteger threadCount = new AtomicInteger();
        this.streamReaders = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "ssh-stream-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Offers aes128-gcm first (then SSHJ's own order), run on the JDK's AES-GCM ({@link JdkAesGcm}, AES-NI) rather
     * than Bouncy Castle's: SSHJ's chacha20-poly1305, which it prefers by default, looks up a new JCA cipher for every
     * packet (about 2% of the master's CPU in a 500-host profile, see bench/README.md), and Bouncy Castle's AES-GCM
     * expands the key again for every packet (5% of the samples).
     */
    private static void preferAesGcm(DefaultConfig sshjConfig)
    {
        List<Factory.Named<Cipher>> ciphers = new ArrayList<>();
        boolean jdkGcm = JdkAesGcm.available();
        for (Factory.Named<Cipher> factory : sshjConfig.getCipherFactories()) {
            boolean gcm = factory.getName().equals("aes128-gcm@openssh.com") || factory.getName().equals("aes256-gcm@openssh.com");
            ciphers.add(gcm && jdkGcm ? JdkAesGcm.factory(factory.getName()) : factory);
        }
        // stable: the others keep their order
        ciphers.sort(Comparator.comparing(factory -> !factory.getName().equals("aes128-gcm@openssh.com")));
        sshjConfig.setCipherFactories(ciphers);
    }

    private static KeyProvider loadKey(DefaultConfig sshjConfig, SshConfig config)
    {
        try {
            @SuppressWarnings("resource") // never connected: holds no socket or thread
            KeyProvider provider = new SSHClient(sshjConfig).loadKeys(config.privateKey().toString());
            // parse now, so a bad key fails at startup and not on every host
            provider.getPublic();
            return provider;
        }
        catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(SshConfig.PRIVATE_KEY + "=" + config.privateKey()
                    + " cannot be used as an OpenSSH private key without a passphrase (" + e + "): point it at an unencrypted OpenSSH or PEM key", e);
        }
    }

    public SshConfig config()
    {
        return config;
    }

    /** Connections opened and reused so far, and how many are idle in the pool now. */
    public ConnectionPool.Stats poolStats()
    {
        return pool.stats();
    }

    @Override
    public void execute(Invocation invocation, EventSink sink)
    {
        requireNonNull(invocation, "invocation is null");
        requireNonNull(sink, "sink is null");
        long start = System.nanoTime();
        Gate gate = new Gate(sink, invocation.target());
        HostResult result;
        if (closed.get()) {
            result = HostResult.failed(FailureReason.INTERRUPTED, "the ssh executor is shut down", Duration.ZERO);
        }
        else {
            result = new Attempt(invocation, gate, start).run();
        }
        HostTarget target = invocation.target();
        log.debug("job {} host {} ({}:{}): {} {} in {} ms", invocation.jobId(), target.name(), target.address(), target.port(),
                result.failure().map(Enum::name).orElse("OK"), result.message(), result.duration().toMillis());
        gate.finish(result);
    }

    /** Closes every idle pooled connection (the next job on those hosts connects afresh); running commands keep theirs. */
    @Override
    public void closeIdle()
    {
        pool.closeIdle();
    }

    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true)) {
            pool.close();
            streamReaders.shutdownNow();
        }
    }

    /** Where an attempt was when something went wrong; the same exception type means different things. */
    private enum Phase
    {
        CONNECT,
        AUTHENTICATE,
        START,
        RUN
    }

    /** One invocation on one host. */
    private final class Attempt
    {
        private final Invocation invocation;
        private final HostTarget target;
        private final Gate gate;
        private final long start;
        private final String user;
        private final String where;
        private Phase phase = Phase.CONNECT;

        Attempt(Invocation invocation, Gate gate, long start)
        {
            this.invocation = invocation;
            this.target = invocation.target();
            this.gate = gate;
            this.start = start;
            this.user = target.user().filter(name -> !name.isBlank()).orElse(config.user());
            this.where = target.address() + ":" + target.port();
        }

        /**
         * Runs on a pooled connection when there is one. A pooled connection that fails before the command starts
         * (the host or the network closed it while it sat idle) is dropped and the invocation is retried once on a
         * new connection, whose failure is then this host's result.
         */
        HostResult run()
        {
            ConnectionPool.Key poolKey = new ConnectionPool.Key(target.address(), target.port(), user);
            Optional<ConnectionPool.Connection> pooled = takePooled(poolKey);
            if (pooled.isPresent()) {
                try {
                    HostResult result = execute(poolKey, pooled.get());
                    pool.countReused();
                    return result;
                }
                catch (Exception e) {
                    pool.discard(pooled.get());
                    if (e instanceof InterruptedException || isInterrupted(e)) {
                        return classify(e, knownHosts.newCheck());
                    }
                    log.debug("job {} host {}: pooled connection to {} failed before the command started ({}); opening a new one",
                            invocation.jobId(), target.name(), where, e.toString());
                }
            }
            return runOnNewConnection(poolKey);
        }

        /** A pooled connection for this host whose host key known_hosts still accepts, if any. */
        private Optional<ConnectionPool.Connection> takePooled(ConnectionPool.Key poolKey)
        {
            Optional<ConnectionPool.Connection> pooled = pool.take(poolKey);
            if (pooled.isPresent() && !knownHosts.stillAccepts(target.address(), target.port(), pooled.get().hostKey())) {
                log.info("job {} host {}: {} no longer accepts the host key {} of the pooled connection to {}; closing it",
                        invocation.jobId(), target.name(), knownHosts.file(), Fingerprints.sha256(pooled.get().hostKey()), where);
                pool.discard(pooled.get());
                return Optional.empty();
            }
            return pooled;
        }

        private HostResult runOnNewConnection(ConnectionPool.Key poolKey)
        {
            phase = Phase.CONNECT;
            KnownHostsVerifier.Check hostKeyCheck = knownHosts.newCheck();
            SSHClient client = new SSHClient(sshjConfig);
            try {
                int connectMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
                client.addHostKeyVerifier(hostKeyCheck);
                client.setConnectTimeout(connectMillis);
                // SO_TIMEOUT bounds the identification exchange, which SSHJ reads in this thread
                client.setTimeout(connectMillis);
                client.getTransport().setTimeoutMs(connectMillis);
                // also bounds opening a channel, so a pooled connection that went silent fails within it
                client.getConnection().setTimeoutMs(connectMillis);
                client.connect(target.address(), target.port());
                pool.countOpened();

                phase = Phase.AUTHENTICATE;
                client.authPublickey(user, key);
                // The command may be silent for longer than the connect timeout: from now on the socket must not
                // time out. The read SSHJ's reader thread has in flight still uses the old value, but the channel
                // open confirmation below ends it, and later reads see 0.
                client.getSocket().setSoTimeout(0);

                PublicKey hostKey = hostKeyCheck.acceptedKey().orElseThrow(
                        () -> new IllegalStateException("connected to " + where + " without an accepted host key"));
                return execute(poolKey, new ConnectionPool.Connection(client, hostKey));
            }
            catch (Exception e) {
                disconnect(client);
                return classify(e, hostKeyCheck);
            }
        }

        /**
         * Starts the command on {@code connection} and runs it to its end. Throws if the command could not be started
         * (nothing ran then); once it started, every outcome is a result. The connection goes back to the pool when
         * the command ended cleanly, and is closed otherwise. A command runs in the connection's {@link ShellSession};
         * one that needs root under another account runs in a session of its own, through sudo.
         */
        private HostResult execute(ConnectionPool.Key poolKey, ConnectionPool.Connection connection)
                throws IOException
        {
            phase = Phase.START;
            Running running = invocation.needsRoot() && !user.equals("root") ? startWithSudo(connection.client()) : startInShell(connection);
            phase = Phase.RUN;
            HostResult result = runCommand(running);
            if (running.endedCleanly() && !Thread.currentThread().isInterrupted()) {
                pool.release(poolKey, connection);
            }
            else {
                disconnect(connection.client());
            }
            return result;
        }

        /**
         * Sends the command to the connection's shell and waits, at most the connect timeout, for its start line.
         * The stdout reader reports the start; the stderr reader begins once it has.
         */
        private Running startInShell(ConnectionPool.Connection connection)
                throws IOException
        {
            ShellSession shell = connection.openShell();
            ShellSession.Markers markers = shell.start(invocation.argv());
            CompletableFuture<Void> started = new CompletableFuture<>();
            Future<String> stdout = streamReaders.submit(() -> {
                try {
                    shell.stdout().skipPast(markers.startLine());
                }
                catch (IOException | RuntimeException e) {
                    started.completeExceptionally(e);
                    throw e;
                }
                if (!started.complete(null)) {
                    throw new IOException("the executor gave up waiting for the command to start");
                }
                gate.started();
                pump(shell.stdout().until(markers.end()), EventSink.OutputStream.STDOUT);
                return shell.stdout().restOfLine();
            });
            Future<?> stderr = streamReaders.submit(() -> {
                started.join();
                shell.stderr().skipPast(markers.startLine());
                pump(shell.stderr().until(markers.end()), EventSink.OutputStream.STDERR);
                return shell.stderr().restOfLine();
            });
            Duration wait = config.connectTimeout();
            try {
                started.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (TimeoutException e) {
                // the reader may have seen the start line just now: whoever completes the future first decides
                if (started.completeExceptionally(e)) {
                    throw new IOException("the shell on " + where + " did not start the command within " + describe(wait));
                }
            }
            catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
            catch (InterruptedException e) {
                started.completeExceptionally(e);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the command was starting on " + where);
            }
            return new ShellRun(connection.client(), shell, stdout, stderr);
        }

        /**
         * Runs {@link #WRAPPER} through {@code sudo -n} in a session of its own, with the quoted argv as its
         * positional parameters, named {@code omserver-exec} in ps.
         */
        private Running startWithSudo(SSHClient client)
                throws IOException
        {
            // not closed here: closing waits for the host to close its side, which a command that ignores SIGTERM
            // never does; the command's end closes the channel, and stop() disconnects in every other case
            @SuppressWarnings("resource")
            Session session = client.startSession();
            // -n: fail instead of waiting for a password prompt nobody can answer
            Session.Command command = session.exec("sudo -n -- sh -c " + ShellQuoting.quote(WRAPPER) + " " + WRAPPER_NAME + " "
                    + ShellQuoting.commandLine(invocation.argv()));
            gate.started();
            List<Future<?>> readers = List.of(
                    streamReaders.submit(() -> pump(command.getInputStream(), EventSink.OutputStream.STDOUT)),
                    streamReaders.submit(() -> pump(command.getErrorStream(), EventSink.OutputStream.STDERR)));
            return new SessionRun(client, command, readers);
        }

        private HostResult runCommand(Running running)
        {
            long deadline = System.nanoTime() + invocation.timeout().toNanos();
            try {
                for (Future<?> reader : running.readers()) {
                    reader.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
                }
                HostResult result = running.result(deadline);
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                return result;
            }
            catch (TimeoutException e) {
                stop(running);
                return failed(FailureReason.TIMEOUT, "command did not finish within " + describe(invocation.timeout()) + " on " + where
                        + "; it was sent SIGTERM");
            }
            catch (InterruptedException e) {
                stop(running);
                Thread.currentThread().interrupt();
                return failed(FailureReason.INTERRUPTED, "cancelled while the command ran on " + where + "; it was sent SIGTERM");
            }
            catch (ExecutionException e) {
                stop(running);
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof IOException) {
                    return failed(FailureReason.CONNECTION_LOST, "connection to " + where + " was lost while the command ran: " + cause);
                }
                return failed(FailureReason.INTERNAL, "unexpected " + cause.getClass().getName() + " while reading output from " + where + ": " + cause.getMessage());
            }
            catch (IOException e) {
                // reading the result failed: either the deadline passed without the channel closing, the thread was
                // interrupted, or the transport broke
                stop(running);
                if (isInterrupted(e)) {
                    Thread.currentThread().interrupt();
                    return failed(FailureReason.INTERRUPTED, "cancelled while the command ran on " + where);
                }
                if (remainingNanos(deadline) <= 0) {
                    return failed(FailureReason.TIMEOUT, "command did not finish within " + describe(invocation.timeout()) + " on " + where);
                }
                return failed(FailureReason.CONNECTION_LOST, "connection to " + where + " was lost while the command ran: " + e);
            }
        }

        private Void pump(InputStream in, EventSink.OutputStream stream)
                throws IOException
        {
            Utf8ChunkDecoder decoder = new Utf8ChunkDecoder();
            byte[] buffer = new byte[READ_BUFFER_SIZE];
            int read;
            while ((read = in.read(buffer)) != -1) {
                String chunk = decoder.decode(buffer, 0, read);
                if (!chunk.isEmpty()) {
                    gate.output(stream, chunk);
                }
            }
            String tail = decoder.finish();
            if (!tail.isEmpty()) {
                gate.output(stream, tail);
            }
            return null;
        }

        /**
         * Ends the remote command: EOF on its stdin makes the wrapper or the shell's relay send SIGTERM; after a short
         * grace the connection is cut whether or not the command ended. Then the stream readers get a moment to hand
         * over what they have. Keeps the caller's interrupt status.
         */
        private void stop(Running running)
        {
            boolean interrupted = Thread.interrupted();
            try {
                try {
                    running.endInput();
                }
                catch (IOException | RuntimeException e) {
                    log.debug("job {} host {}: sending EOF failed", invocation.jobId(), target.name(), e);
                }
                running.awaitEnd(STOP_GRACE);
                disconnect(running.client());
                interrupted |= awaitAll(running.readers(), DRAIN_WAIT, true);
            }
            finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The command in the connection's shell: its result is the status on the stdout reader's end line. */
        private final class ShellRun
                implements Running
        {
            private final SSHClient client;
            private final ShellSession shell;
            private final Future<String> stdout;
            private final List<Future<?>> readers;

            ShellRun(SSHClient client, ShellSession shell, Future<String> stdout, Future<?> stderr)
            {
                this.client = client;
                this.shell = shell;
                this.stdout = stdout;
                this.readers = List.of(stdout, stderr);
            }

            @Override
            public List<Future<?>> readers()
            {
                return readers;
            }

            @Override
            public HostResult result(long deadline)
                    throws IOException, InterruptedException
            {
                String status;
                try {
                    status = stdout.get().strip();
                }
                catch (ExecutionException e) {
                    throw new IOException(e.getCause());
                }
                if (!EXIT_STATUS.matcher(status).matches()) {
                    throw new IOException("the shell on " + where + " ended the command with '" + status + "' instead of an exit status");
                }
                return HostResult.exited(Integer.parseInt(status), elapsed());
            }

            @Override
            public boolean endedCleanly()
            {
                return true;
            }

            @Override
            public void endInput()
                    throws IOException
            {
                shell.endInput();
            }

            @Override
            public void awaitEnd(Duration grace)
            {
                // the relay's SIGTERM ends the shell and the command, and with them both streams
                if (awaitAll(readers, grace, false)) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public SSHClient client()
            {
                return client;
            }
        }

        /** The command in a session of its own (sudo): its result is the session's exit status. */
        private final class SessionRun
                implements Running
        {
            private final SSHClient client;
            private final Session.Command command;
            private final List<Future<?>> readers;

            SessionRun(SSHClient client, Session.Command command, List<Future<?>> readers)
            {
                this.client = client;
                this.command = command;
                this.readers = readers;
            }

            @Override
            public List<Future<?>> readers()
            {
                return readers;
            }

            @Override
            public HostResult result(long deadline)
                    throws IOException
            {
                // both streams are at their end; the exit status comes with the channel close
                command.join(Math.max(1, remainingNanos(deadline)), TimeUnit.NANOSECONDS);
                Integer status = command.getExitStatus();
                if (status != null) {
                    return HostResult.exited(status, elapsed());
                }
                Signal signal = command.getExitSignal();
                if (signal != null) {
                    return failed(FailureReason.NON_ZERO_EXIT, "command was killed by signal " + signal + " on " + where);
                }
                return failed(FailureReason.CONNECTION_LOST, "command on " + where + " ended without an exit status; the connection was probably cut");
            }

            @Override
            public boolean endedCleanly()
            {
                return !command.isOpen();
            }

            @Override
            public void endInput()
                    throws IOException
            {
                command.getOutputStream().close();
            }

            @Override
            public void awaitEnd(Duration grace)
            {
                try {
                    command.join(grace.toMillis(), TimeUnit.MILLISECONDS);
                }
                catch (IOException | RuntimeException e) {
                    // still open after the grace period, or the transport is gone: the caller disconnects either way
                }
            }

            @Override
            public SSHClient client()
            {
                return client;
            }
        }

        private HostResult classify(Exception e, KnownHostsVerifier.Check hostKeyCheck)
        {
            if (e instanceof InterruptedException || isInterrupted(e)) {
                Thread.currentThread().interrupt();
                return failed(FailureReason.INTERRUPTED, "cancelled while connecting to " + where);
            }
            if (find(e, UserAuthException.class) != null) {
                return failed(FailureReason.AUTH_FAILED, where + " did not accept user " + user + " with key " + config.privateKey()
                        + "; add the key's public half to that account's authorized_keys, or set the right user");
            }
            TransportException transport = find(e, TransportException.class);
            if (transport != null && transport.getDisconnectReason() == DisconnectReason.HOST_KEY_NOT_VERIFIABLE) {
                return failed(FailureReason.HOST_KEY_REJECTED, hostKeyMessage(hostKeyCheck));
            }
            if (phase == Phase.CONNECT) {
                String unreachable = unreachableReason(e);
                if (unreachable != null) {
                    return failed(FailureReason.UNREACHABLE, "cannot connect to " + where + ": " + unreachable
                            + "; check the address, the port, and that sshd runs and is not firewalled");
                }
            }
            if (phase == Phase.START && find(e, OpenFailException.class) != null) {
                return failed(FailureReason.REFUSED, where + " refused to open a session channel (" + find(e, OpenFailException.class).getMessage()
                        + "); check sshd's MaxSessions and that the account may run commands");
            }
            if (e instanceof IOException) {
                String when = switch (phase) {
                    case CONNECT -> "during the SSH handshake";
                    case AUTHENTICATE -> "during authentication";
                    case START -> "while starting the command";
                    case RUN -> "while the command ran";
                };
                return failed(FailureReason.CONNECTION_LOST, "connection to " + where + " failed " + when + ": " + e);
            }
            log.warn("job {} host {}: unexpected failure", invocation.jobId(), target.name(), e);
            return failed(FailureReason.INTERNAL, "unexpected " + e.getClass().getName() + " on " + where + ": " + e.getMessage());
        }

        private String hostKeyMessage(KnownHostsVerifier.Check check)
        {
            String file = knownHosts.file().toString();
            return switch (check.refusal()) {
                case UNKNOWN_HOST -> "host key of " + where + " (" + check.fingerprint() + ") is not in " + file
                        + "; add it (ssh-keyscan -p " + target.port() + " " + target.address() + ") or enable trust-on-first-use";
                case CHANGED_KEY -> "host key of " + where + " CHANGED: it presented " + check.fingerprint() + ", which differs from the key in "
                        + file + "; if the host was reinstalled replace its line there, otherwise suspect a man-in-the-middle";
                case NONE, OTHER -> "host key of " + where + " (" + check.fingerprint() + ") could not be verified against " + file
                        + "; check that the file is readable and writable";
            };
        }

        private HostResult failed(FailureReason reason, String message)
        {
            return HostResult.failed(reason, message, elapsed());
        }

        private Duration elapsed()
        {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /** A started command: its stream readers, how its result is read once they are done, and how it is stopped. */
    private interface Running
    {
        List<Future<?>> readers();

        /** Once every reader is done: the command's result. */
        HostResult result(long deadline)
                throws IOException, InterruptedException;

        /** After {@link #result}: whether the connection may serve another command. */
        boolean endedCleanly();

        /** EOF to the host: the wrapper or the shell's relay stops the command. */
        void endInput()
                throws IOException;

        /** Waits at most {@code grace} for the command to end after {@link #endInput}. */
        void awaitEnd(Duration grace);

        SSHClient client();
    }

    /**
     * Waits at most {@code wait} in all for the readers; those still running are cancelled when {@code cancel}.
     * Returns whether the wait was interrupted (the interrupt status is cleared then).
     */
    private static boolean awaitAll(List<Future<?>> readers, Duration wait, boolean cancel)
    {
        boolean interrupted = false;
        long deadline = System.nanoTime() + wait.toNanos();
        for (Future<?> reader : readers) {
            try {
                reader.get(Math.max(0, remainingNanos(deadline)), TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException | TimeoutException | CancellationException e) {
                if (cancel) {
                    reader.cancel(true);
                }
            }
            catch (InterruptedException e) {
                interrupted = true;
                reader.cancel(true);
            }
        }
        return interrupted;
    }

    private static void disconnect(SSHClient client)
    {
        try {
            client.disconnect();
        }
        catch (IOException | RuntimeException e) {
            log.debug("disconnect failed", e);
        }
    }

    private static String unreachableReason(Throwable e)
    {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host name";
            }
            if (t instanceof PortUnreachableException) {
                return "port unreachable";
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer in time";
            }
        }
        return null;
    }

    private static boolean isInterrupted(Throwable e)
    {
        return Thread.currentThread().isInterrupted() || find(e, InterruptedException.class) != null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type)
    {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static long remainingNanos(long deadline)
    {
        return deadline - System.nanoTime();
    }

    private static String describe(Duration duration)
    {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    /**
     * The sink as one invocation sees it: output is dropped once the host is finished, so a stream reader that
     * is slow to notice the channel closed cannot report after {@link EventSink#finished}.
     */
    private static final class Gate
    {
        private final EventSink sink;
        private final HostTarget target;
        private boolean finished;

        Gate(EventSink sink, HostTarget target)
        {
            this.sink = sink;
            this.target = target;
        }

        /** Dropped once finished: a shell's stdout reader reports the start, and could be late. */
        synchronized void started()
        {
            if (!finished) {
                sink.started(target);
            }
        }

        synchronized void output(EventSink.OutputStream stream, String chunk)
        {
            if (!finished) {
                sink.output(target, stream, chunk);
            }
        }

        void finish(HostResult result)
        {
            synchronized (this) {
                finished = true;
            }
            sink.finished(target, result);
        }
    }
}
