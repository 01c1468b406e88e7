package org.omserver.master.rpc;

import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TThreadedSelectorServer;
import org.apache.thrift.transport.TNonblockingServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.agent.backend.AgentKeys;
import org.omserver.catalog.Catalog;
import org.omserver.master.authoring.AuthoringStages;
import org.omserver.master.files.FileStages;
import org.omserver.master.files.FileStore;
import org.omserver.executor.api.BackendServices;
import org.omserver.master.agents.CatalogAgentKeys;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.dispatch.Backends;
import org.omserver.master.dispatch.JobRunner;
import org.omserver.master.job.JobRegistry;
import org.omserver.master.job.Retention;
import org.omserver.master.pipeline.JobStages;
import org.omserver.master.pipeline.ScheduleStages;
import org.omserver.master.schedule.Scheduler;
import org.omserver.master.legacy.LegacyCall;
import org.omserver.master.pipeline.Pipeline;
import org.omserver.master.pipeline.Stages;
import org.omserver.master.session.LoginThrottle;
import org.omserver.master.session.SessionStore;
import org.omserver.master.users.UserStages;
import org.omserver.protocol.SealedMessages;
import org.omserver.protocol.envelope.LegacyEnvelope;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.envelope.SharedSecret;
import org.omserver.protocol.thrift.Master;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The master: the catalog, the executor backends, the job runner and the Thrift server in front of them.
 * {@link #start} wires everything by hand, in order; {@link #close} takes it down in reverse.
 */
public final class MasterServer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(MasterServer.class);
    /** Finished jobs stay in memory this long for readers still paging through them; the database keeps them after. */
    private static final Duration JOB_RETENTION = Duration.ofMinutes(10);
    private static final int MAX_FINISHED_JOBS_IN_MEMORY = 1000;
    private static final int REPLAY_CACHE_ENTRIES = 1_000_000;

    private final Catalog catalog;
    private final Backends backends;
    private final JobRunner runner;
    private final Scheduler scheduler;
    private final Retention retention;
    private final TThreadedSelectorServer server;
    private final TNonblockingServerSocket socket;
    private final ExecutorService workers;
    private final Thread serving;
    private final AgentIntakeServer agentIntake;
    private final Clock clock;
    private final Duration agentsOnlineWindow;
    private final Optional<FileStore> files;

    private MasterServer(Catalog catalog, Backends backends, JobRunner runner, Scheduler scheduler, Retention retention,
            TThreadedSelectorServer server, TNonblockingServerSocket socket, ExecutorService workers, Thread serving,
            AgentIntakeServer agentIntake, Clock clock, Duration agentsOnlineWindow, Optional<FileStore> files)
    {
        this.catalog = catalog;
        this.backends = backends;
        this.runner = runner;
        this.scheduler = scheduler;
        this.retention = retention;
        this.server = server;
        this.socket = socket;
        this.workers = workers;
        this.serving = serving;
        this.agentIntake = agentIntake;
        this.clock = clock;
        this.agentsOnlineWindow = agentsOnlineWindow;
        this.files = files;
    }

    /** The file store, when files.dir is set (the demo seeds it). */
    public Optional<FileStore> files()
    {
        return files;
    }

    /**
     * Opens (and migrates) the catalog, marks jobs left RUNNING by a previous master INTERRUPTED, loads the executor
     * backends and starts serving. Fails with a message naming what to fix; nothing stays open on failure.
     */
    public static MasterServer start(MasterConfig config, SharedSecret secret, Clock clock)
    {
        requireNonNull(config, "config is null");
        requireNonNull(secret, "secret is null");
        requireNonNull(clock, "clock is null");
        log.info("starting the master with {}", config);
        Catalog catalog = Catalog.open(config.database());
        Backends backends = null;
        JobRunner runner = null;
        Scheduler scheduler = null;
        Retention retention = null;
        ExecutorService workers = null;
        TNonblockingServerSocket socket = null;
        try {
            int interrupted = catalog.jobs().interruptRunning();
            if (interrupted > 0) {
                log.info("marked {} jobs of a previous run INTERRUPTED", interrupted);
            }
            backends = Backends.load(config, MasterServer.class.getClassLoader(),
                    new BackendServices(Map.of(AgentKeys.class, new CatalogAgentKeys(catalog.agents()))));
            JobRegistry jobs = new JobRegistry(clock, JOB_RETENTION, MAX_FINISHED_JOBS_IN_MEMORY);
            runner = new JobRunner(backends, catalog.jobs(), jobs, config.maxParallel(), clock);

            SealedEnvelope envelope = new SealedEnvelope(secret.bytes(), clock, config.envelopeWindow(), envelopeChars(config.maxFrameBytes()),
                    new ReplayCache(clock, REPLAY_CACHE_ENTRIES));
            SealedMessages messages = new SealedMessages(envelope, config.maxFrameBytes());
            SessionStore sessions = new SessionStore(clock, config.sessionTimeout());
            Stages stages = new Stages(catalog, messages, sessions,
                    new LoginThrottle(clock, config.loginMaxFailures(), MasterConfig.LOGIN_FAILURE_PERIOD), backends, runner, jobs, clock);
            LegacyCall legacy = new LegacyCall(config.legacyEnabled(), config.acceptsV1(), envelope,
                    new LegacyEnvelope(secret.bytes(), envelopeChars(config.maxFrameBytes())), config.legacyTimeout());
            Optional<FileStore> files = openFileStore(config, catalog, clock);
            MasterHandler handler = new MasterHandler(new Pipeline(catalog.audit()), stages, new JobStages(catalog, jobs, runner),
                    new ScheduleStages(catalog, clock), new AuthoringStages(catalog), new FileStages(files), new UserStages(catalog, sessions),
                    new org.omserver.master.agents.AgentStages(catalog.agents(), clock, config.agents().onlineWindow()),
                    new org.omserver.master.agents.AgentRequestStages(catalog, clock),
                    new org.omserver.master.agents.CommandAllowStages(catalog.commandAllowList(), clock),
                    new org.omserver.master.inventory.InventoryStages(catalog, clock, config.agents().onlineWindow(), backends.defaultName()), legacy, PeerTrackingServer::currentPeer, clock);
            scheduler = new Scheduler(catalog.schedules(), catalog.jobs(), jobs, handler::scheduledRun, clock, config.history().schedulePoll());
            retention = new Retention(catalog.jobs(), clock, config.history().retentionDays(), config.history().maxJobs(),
                    config.history().retentionInterval());

            socket = new TNonblockingServerSocket(new TNonblockingServerSocket.NonblockingAbstractServerSocketArgs()
                    .bindAddr(new InetSocketAddress(config.bind(), config.port()))
                    .clientTimeout((int) config.clientTimeout().toMillis()));
            workers = workerPool(config.workerThreads());
            TThreadedSelectorServer.Args args = new TThreadedSelectorServer.Args(socket)
                    .selectorThreads(config.selectorThreads())
                    .stopTimeoutVal(5)
                    .stopTimeoutUnit(TimeUnit.SECONDS)
                    .acceptQueueSizePerThread(config.maxPendingPerSelector())
                    .executorService(workers)
                    .processor(new Master.Processor<>(handler))
                    .protocolFactory(new TBinaryProtocol.Factory(config.maxFrameBytes(), config.maxFrameBytes()))
                    .transportFactory(new TFramedTransport.Factory(config.maxFrameBytes()));
            args.maxReadBufferBytes = config.maxFrameBytes() + 4L;
            TThreadedSelectorServer server = new PeerTrackingServer(args);
            Thread serving = Thread.ofPlatform().name("master-rpc").daemon(false).start(server::serve);
            waitUntilServing(server);
            // native agent (issue #3): AgentIntake on its own port
            AgentIntakeServer agentIntake = null;
            if (config.agents().enabled()) {
                try {
                    agentIntake = AgentIntakeServer.start(config, catalog, clock, files);
                }
                catch (RuntimeException e) {
                    server.stop();
                    throw e;
                }
            }
            MasterServer master = new MasterServer(catalog, backends, runner, scheduler, retention, server, socket, workers, serving, agentIntake,
                    clock, config.agents().onlineWindow(), files);
            scheduler.start();
            retention.start();
            log.info("master listening on {}:{} (backends: {}, legacy call {})", config.bind(), master.port(), String.join(", ", backends.names()),
                    !config.legacyEnabled() ? "off" : config.acceptsV1() ? "on, v1 and v2" : "on, v2 only");
            return master;
        }
        catch (TTransportException e) {
            closeQuietly(runner, backends, workers, socket, catalog::close);
            throw new IllegalStateException("cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage()
                    + "; check master.bind and master.port (is another master running?)", e);
        }
        catch (RuntimeException | Error e) {
            closeQuietly(runner, backends, workers, socket, catalog::close);
            throw e;
        }
    }

    /** Base64 of a frame-sized message, plus slack: the envelope cap matching the frame cap. */
    private static int envelopeChars(int maxFrameBytes)
    {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxFrameBytes);
    }

    private static ExecutorService workerPool(int threads)
    {
        AtomicInteger counter = new AtomicInteger();
        // bounded threads; calls queue up behind them (the selector threads bound what can arrive)
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> Thread.ofPlatform().name("master-rpc-worker-" + counter.incrementAndGet()).daemon(true).unstarted(runnable));
    }

    private static void waitUntilServing(TThreadedSelectorServer server)
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.isServing()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Thrift server did not start within 10 s; see the log above");
            }
            try {
                Thread.sleep(5);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the Thrift server", e);
            }
        }
    }

    /** The port actually listened on (master.port 0 picks a free one). */
    public int port()
    {
        return socket.getPort();
    }

    /** The port agents call (agents.port 0 picks a free one); empty when agents.enabled=false. */
    public java.util.OptionalInt agentPort()
    {
        return agentIntake == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(agentIntake.port());
    }

    /** The agents and their online state, judged with this master's clock and agents.online-window. */
    public org.omserver.master.agents.AgentDirectory agents()
    {
        return new org.omserver.master.agents.AgentDirectory(catalog.agents(), clock, agentsOnlineWindow);
    }

    /** The file store under files.dir (created if missing; unfinished uploads of a previous run deleted), or none. */
    private static Optional<FileStore> openFileStore(MasterConfig config, Catalog catalog, Clock clock)
    {
        if (config.files().dir().isEmpty()) {
            log.info("file store off (files.dir is not set)");
            return Optional.empty();
        }
        FileStore store;
        try {
            store = new FileStore(config.files().dir().get(), catalog.files(), config.files().maxBytes(), config.files().maxUploads(),
                    config.files().uploadIdle(), clock);
        }
        catch (java.io.IOException e) {
            throw new IllegalStateException("cannot use files.dir " + config.files().dir().get() + ": " + e.getMessage()
                    + "; create it, or make it writable for the master", e);
        }
        log.info("file store in {} ({} files)", store.dir(), store.list().size());
        return Optional.of(store);
    }

    /**
     * Closes the executors' idle pooled connections, as their idle timeout would: the next job on those hosts is a
     * cold one on a master that has been up (the SSH benchmark measures cold jobs this way). Running jobs keep theirs.
     */
    public void closeIdleConnections()
    {
        backends.closeIdle();
    }

    public Catalog catalog()
    {
        return catalog;
    }

    /** Starts the schedules due at the clock's time now (the background loop does this every schedule.poll-interval). */
    public int runDueSchedules()
    {
        return scheduler.runDue();
    }

    /** Applies the history retention now (the background loop does this every history.retention-interval). */
    public int applyRetention()
    {
        return retention.apply();
    }

    /** Stops accepting calls, interrupts running hosts (their results are stored INTERRUPTED), then closes backends and catalog. */
    @Override
    public void close()
    {
        log.info("master stopping");
        scheduler.close();
        retention.close();
        if (agentIntake != null) {
            agentIntake.close();
        }
        server.stop();
        // interrupting the hosts first also wakes the event polls still holding worker threads
        closeQuietly(runner, null, null, null, () -> {});
        try {
            serving.join(Duration.ofSeconds(10));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(null, backends, workers, socket, catalog::close);
        log.info("master stopped");
    }

    private static void closeQuietly(JobRunner runner, Backends backends, ExecutorService workers, TNonblockingServerSocket socket, Runnable closeCatalog)
    {
        for (Runnable step : new Runnable[] {
                () -> {
                    if (runner != null) {
                        runner.close();
                    }
                },
                () -> {
                    if (workers != null) {
                        workers.shutdownNow();
                    }
                },
                () -> {
                    if (socket != null) {
                        socket.close();
                    }
                },
                () -> {
                    if (backends != null) {
                        backends.close();
                    }
                },
                closeCatalog}) {
            try {
                step.run();
            }
            catch (RuntimeException e) {
                log.warn("error while stopping the master", e);
            }
        }
    }
}
