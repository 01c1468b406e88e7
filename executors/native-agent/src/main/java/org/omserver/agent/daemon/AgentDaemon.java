package org.omserver.agent.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TThreadedSelectorServer;
import org.apache.thrift.transport.TNonblockingServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.agent.update.AgentSupervisor;
import org.omserver.agent.update.UpdateManifest;
import org.omserver.agent.update.UpdateState;
import org.omserver.agent.wire.AgentSeal;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.protocol.agent.Agent;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentErrorCode;
import org.omserver.protocol.agent.EnrollmentAnswer;
import org.omserver.protocol.agent.HostFacts;
import org.omserver.protocol.agent.UpdateReport;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.ReplayCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The agent on a host. {@link #start} in order: bind the listening socket (so the port is known), enroll with the
 * one-time token unless an identity is already kept, announce the host's facts, serve the master's calls, then
 * heartbeat every {@code heartbeat.interval}. A heartbeat answered REVOKED makes the agent refuse every call.
 */
public final class AgentDaemon
        implements AutoCloseable
{
    /** The version built into this jar; an agent started by the restart supervisor reports the installed version instead. */
    public static final String VERSION = "0.1.0";
    /** Environment variable holding the enrollment token, instead of {@code enroll.token-file}. */
    public static final String TOKEN_VARIABLE = "OMSERVER_AGENT_TOKEN";
    private static final Logger log = LoggerFactory.getLogger(AgentDaemon.class);
    private static final int REPLAY_CACHE_ENTRIES = 100_000;

    private final AgentIdentity identity;
    private final TThreadedSelectorServer server;
    private final TNonblockingServerSocket socket;
    private final ExecutorService workers;
    private final ScheduledExecutorService heartbeats;
    private final Runs runs;
    private final Thread serving;
    private final CronTable cron;

    private AgentDaemon(AgentIdentity identity, TThreadedSelectorServer server, TNonblockingServerSocket socket, ExecutorService workers,
            ScheduledExecutorService heartbeats, Runs runs, Thread serving, CronTable cron)
    {
        this.cron = cron;
        this.identity = identity;
        this.server = server;
        this.socket = socket;
        this.workers = workers;
        this.heartbeats = heartbeats;
        this.runs = runs;
        this.serving = serving;
    }

    /** Downloads outside a running agent (configuration checks, tests): there is no master to read from. */
    private static final FileSource NOT_CONNECTED = (name, offset, length) -> {
        throw new IllegalStateException("this agent is not connected to a master");
    };

    /** Ends the agent for the supervisor to start the new current version; the half second lets the last reply reach the master. */
    private static final Runnable RESTART_FOR_UPDATE = () -> {
        try {
            Thread.sleep(500);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("exiting with code {} for the supervisor to start the updated agent", AgentSupervisor.RESTART_FOR_UPDATE);
        System.exit(AgentSupervisor.RESTART_FOR_UPDATE);
    };

    /** Whether the restart supervisor started this agent (it sets the version in the environment). */
    static boolean supervised()
    {
        return System.getenv(AgentSupervisor.VERSION_VARIABLE) != null;
    }

    /** The installed version the supervisor started, else {@link #VERSION}. */
    public static String version()
    {
        String installed = System.getenv(AgentSupervisor.VERSION_VARIABLE);
        if (installed == null) {
            return VERSION;
        }
        return UpdateManifest.checkVersion(installed);
    }

    /** Every built-in this agent has, enabled as {@code allow.builtins} says. */
    static Builtins builtins(AgentConfig config, String hostname)
    {
        return builtins(config, hostname, cronTable(config, Clock.systemUTC()));
    }

    /** The agent's cron table in its state directory, in the host's time zone (not loaded yet). */
    static CronTable cronTable(AgentConfig config, Clock clock)
    {
        return new CronTable(config.stateDir(), clock, java.time.ZoneId.systemDefault(), CronTable.ProcessTable.PROC, config::allowList,
                config.hostCommands().cronMaxEntries());
    }

    static Builtins builtins(AgentConfig config, String hostname, CronTable cron)
    {
        return builtins(config, hostname, cron, NOT_CONNECTED);
    }

    /** @param files where downloads reads the master's file store */
    static Builtins builtins(AgentConfig config, String hostname, CronTable cron, FileSource files)
    {
        AtomicReference<Builtins> self = new AtomicReference<>();
        List<Builtin> all = new ArrayList<>(ProbeBuiltins.all(version(), hostname, () -> self.get().enabled()));
        all.addAll(hostCommands(config, cron));
        DownloadsBuiltin downloads = new DownloadsBuiltin(config.downloadRoots(), files);
        all.add(downloads);
        all.add(new SyncBuiltin(config.syncApps(), downloads, config.allowList()));
        all.add(new UpdateSelfBuiltin(config.selfUpdate(), config.stateDir(), supervised(), version(), files, RESTART_FOR_UPDATE, Clock.systemUTC()));
        self.set(Builtins.of(all, config.builtins()));
        return self.get();
    }

    /** The IOMS host commands: command, password, unzip, cronlist/cronadd/cronremove. */
    private static List<Builtin> hostCommands(AgentConfig config, CronTable cron)
    {
        List<Builtin> commands = new ArrayList<>(List.of(new CommandBuiltin(config.allowList()),
                new PasswordBuiltin(config.hostCommands().allowSystemAccounts(), Path.of("/etc/passwd"), Path.of("/etc/login.defs"), AgentHandler::isRoot),
                new UnzipBuiltin(config.hostCommands())));
        commands.addAll(CronBuiltins.all(cron));
        return commands;
    }

    /** Fails with a message naming what to fix (token, master address, state.dir); nothing stays open on failure. */
    public static AgentDaemon start(AgentConfig config, Clock clock)
    {
        requireNonNull(config, "config is null");
        requireNonNull(clock, "clock is null");
        log.info("starting the agent with {}", config);
        AgentSeal seal = new AgentSeal(clock, config.envelopeWindow(), config.maxFrameBytes(), new ReplayCache(clock, REPLAY_CACHE_ENTRIES));
        IntakeClient intake = new IntakeClient(config, seal);
        HostProbe probe = new HostProbe(config.diskPath());
        TNonblockingServerSocket socket;
        try {
            socket = new TNonblockingServerSocket(new TNonblockingServerSocket.NonblockingAbstractServerSocketArgs()
                    .bindAddr(new InetSocketAddress(config.bind(), config.port()))
                    .clientTimeout((int) config.readTimeout().toMillis()));
        }
        catch (TTransportException e) {
            throw new IllegalStateException("cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage()
                    + "; check agent.bind and agent.port (is another agent running?)", e);
        }
        Runs runs = new Runs(config.maxConcurrentRuns(), config.maxOutputBytes(), config.keepFinished(), clock);
        CronTable cron = null;
        ExecutorService workers = null;
        ScheduledExecutorService heartbeats = null;
        try {
            HostFacts facts = probe.facts(version(), socket.getPort(), config.bind());
            AgentIdentity identity = identity(config, intake, facts);
            Optional<UpdateState> update = lastUpdate(config);
            String address = intake.announce(identity, facts, update.map(AgentDaemon::report)).getAddress();
            log.info("agent {} announced to the master at {}:{} as version {}; the master calls it at {}:{}", identity.agentId(), config.masterHost(),
                    config.masterPort(), version(), address, socket.getPort());
            if (supervised()) {
                markAnnounced(config);
            }

            AtomicBoolean revoked = new AtomicBoolean();
            cron = cronTable(config, clock);
            cron.load();
            Builtins builtins = builtins(config, facts.getHostname(), cron, (name, offset, length) -> intake.fileRead(identity, name, offset, length));
            AgentHandler handler = new AgentHandler(identity, seal, config.allowList(), builtins, runs, version(), facts.getHostname(), revoked::get,
                    () -> "the master");
            workers = workerPool(config.workerThreads());
            TThreadedSelectorServer.Args args = new TThreadedSelectorServer.Args(socket)
                    .selectorThreads(1)
                    .stopTimeoutVal(2)
                    .stopTimeoutUnit(TimeUnit.SECONDS)
                    .executorService(workers)
                    .processor(new Agent.Processor<>(handler))
                    .protocolFactory(new TBinaryProtocol.Factory(config.maxFrameBytes(), config.maxFrameBytes()))
                    .transportFactory(new TFramedTransport.Factory(config.maxFrameBytes()));
            args.maxReadBufferBytes = config.maxFrameBytes() + 4L;
            TThreadedSelectorServer server = new TThreadedSelectorServer(args);
            Thread serving = Thread.ofPlatform().name("agent-rpc").daemon(false).start(server::serve);

            heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform().name("agent-heartbeat").daemon(true).unstarted(runnable));
            ScheduledExecutorService scheduler = heartbeats;
            heartbeats.scheduleWithFixedDelay(() -> heartbeat(intake, identity, probe, revoked, scheduler), 0,
                    config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
            log.info("agent {} listening on {}:{} ({} allow-list entries, built-ins {}, heartbeat every {} s)", identity.agentId(), config.bind(),
                    socket.getPort(), config.allowList().size(), builtins.enabled().stream().map(Builtin::name).toList(), config.heartbeatInterval().toSeconds());
            cron.start();
            return new AgentDaemon(identity, server, socket, workers, heartbeats, runs, serving, cron);
        }
        catch (TException | EnvelopeException e) {
            closeCron(cron);
            closeQuietly(socket, workers, heartbeats, runs);
            throw new IllegalStateException("the agent cannot register with the master at " + config.masterHost() + ":" + config.masterPort() + ": "
                    + describe(e), e);
        }
        catch (RuntimeException | Error e) {
            closeCron(cron);
            closeQuietly(socket, workers, heartbeats, runs);
            throw e;
        }
    }

    private static Optional<UpdateState> lastUpdate(AgentConfig config)
    {
        try {
            return UpdateState.read(config.stateDir());
        }
        catch (IOException e) {
            log.warn("cannot read the last self-update: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static UpdateReport report(UpdateState update)
    {
        return new UpdateReport(update.state().name(), update.from(), update.to(), update.pkg(), update.at().toEpochMilli(), update.detail());
    }

    /** Tells the supervisor this version is up and reached the master: its health check passes. */
    private static void markAnnounced(AgentConfig config)
    {
        try {
            UpdateState.markAnnounced(config.stateDir(), version(), ProcessHandle.current().pid());
        }
        catch (IOException e) {
            // the supervisor then rolls a fresh update back: better than running a version that cannot write its state
            log.error("cannot tell the supervisor this agent announced itself: {}", e.getMessage());
        }
    }

    /**
     * The kept identity, or a new one from enrollment (then kept, and the token file is no longer needed): with the
     * token when there is one, otherwise by asking for an admin's approval when {@code enroll.ask-interval} is set.
     */
    private static AgentIdentity identity(AgentConfig config, IntakeClient intake, HostFacts facts)
            throws TException, EnvelopeException
    {
        var kept = AgentIdentity.load(config.stateDir());
        if (kept.isPresent()) {
            return kept.get();
        }
        Optional<String> tokenText = tokenText(config);
        if (tokenText.isEmpty() && config.askApproval().isPresent()) {
            return askApproval(config, intake, facts, config.askApproval().get());
        }
        EnrollmentToken token = EnrollmentToken.parse(tokenText.orElseThrow(() -> new IllegalArgumentException("this agent is not enrolled yet (no "
                + config.stateDir().resolve(AgentIdentity.FILE) + "): set enroll.token-file or " + TOKEN_VARIABLE
                + " to a token from 'omserver agent-token', or set enroll.ask-interval to ask an admin to approve it")));
        AgentIdentity identity = intake.enroll(token, facts);
        identity.save(config.stateDir());
        log.info("enrolled as agent {} with token {}; identity kept in {}", identity.agentId(), token.id(), config.stateDir());
        return identity;
    }

    /**
     * Asks the master to enroll this agent and waits for an admin's decision, asking again every {@code interval}.
     * Nothing is served meanwhile. Rejected: fails, naming the file to delete to ask again.
     */
    private static AgentIdentity askApproval(AgentConfig config, IntakeClient intake, HostFacts facts, Duration interval)
            throws EnvelopeException
    {
        EnrollmentRequest request;
        try {
            request = EnrollmentRequest.loadOrCreate(config.stateDir());
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot keep the enrollment request in " + config.stateDir() + ": " + e.getMessage(), e);
        }
        log.info("asking the master at {}:{} to enroll this agent: request {}, key {}; an admin approves it on the agents page or with "
                + "'omserver agents --approve {}'", config.masterHost(), config.masterPort(), request.requestId(), request.fingerprint(), request.requestId());
        while (true) {
            try {
                EnrollmentAnswer answer = intake.askEnrollment(request, facts);
                switch (answer.getState()) {
                    case APPROVED -> {
                        AgentIdentity identity = intake.approved(request, answer);
                        identity.save(config.stateDir());
                        EnrollmentRequest.delete(config.stateDir());
                        log.info("enrolled as agent {} by approval of request {}; identity kept in {}", identity.agentId(), request.requestId(), config.stateDir());
                        return identity;
                    }
                    case REJECTED -> throw new IllegalStateException("the master rejected enrollment request " + request.requestId() + ": "
                            + answer.getMessage() + "; delete " + config.stateDir().resolve(EnrollmentRequest.FILE) + " to ask again");
                    case PENDING -> log.info("enrollment request {} is pending: {}", request.requestId(), answer.getMessage());
                }
            }
            catch (AgentError e) {
                log.warn("enrollment request {} refused: {} {}", request.requestId(), e.getCode(), e.getMessage());
            }
            catch (TException e) {
                log.warn("enrollment request {}: cannot reach the master: {}", request.requestId(), describe(e));
            }
            catch (IOException e) {
                throw new IllegalStateException("cannot keep the identity in " + config.stateDir() + ": " + e.getMessage(), e);
            }
            try {
                Thread.sleep(interval);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the enrollment to be approved", e);
            }
        }
    }

    private static Optional<String> tokenText(AgentConfig config)
    {
        String fromEnvironment = System.getenv(TOKEN_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(fromEnvironment);
        }
        if (config.tokenFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = config.tokenFile().get();
        try {
            return Optional.of(Files.readString(file, UTF_8));
        }
        catch (IOException e) {
            throw new IllegalArgumentException("cannot read enroll.token-file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void heartbeat(IntakeClient intake, AgentIdentity identity, HostProbe probe, AtomicBoolean revoked, ScheduledExecutorService scheduler)
    {
        try {
            intake.heartbeat(identity, probe.metrics());
        }
        catch (AgentError e) {
            if (e.getCode() == AgentErrorCode.REVOKED) {
                log.error("the master revoked agent {}: refusing every call from now on; enroll again with a new token", identity.agentId());
                revoked.set(true);
                scheduler.shutdown();
                return;
            }
            log.warn("heartbeat of agent {} refused: {} {}", identity.agentId(), e.getCode(), e.getMessage());
        }
        catch (TException | EnvelopeException | RuntimeException e) {
            log.warn("heartbeat of agent {} failed: {}", identity.agentId(), describe(e));
        }
    }

    private static String describe(Exception e)
    {
        if (e instanceof AgentError error) {
            return error.getCode() + ": " + error.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static ExecutorService workerPool(int threads)
    {
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> Thread.ofPlatform().name("agent-rpc-worker-" + counter.incrementAndGet()).daemon(true).unstarted(runnable));
    }

    public String agentId()
    {
        return identity.agentId();
    }

    public int port()
    {
        return socket.getPort();
    }

    @Override
    public void close()
    {
        log.info("agent {} stopping", identity.agentId());
        server.stop();
        try {
            serving.join(5_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeCron(cron);
        closeQuietly(socket, workers, heartbeats, runs);
    }

    private static void closeCron(CronTable cron)
    {
        if (cron != null) {
            cron.close();
        }
    }

    private static void closeQuietly(TNonblockingServerSocket socket, ExecutorService workers, ScheduledExecutorService heartbeats, Runs runs)
    {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        runs.close();
        if (workers != null) {
            workers.shutdownNow();
        }
        socket.close();
    }
}
