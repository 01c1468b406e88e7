package org.omserver.master.rpc;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TThreadedSelectorServer;
import org.apache.thrift.transport.TNonblockingServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.agent.wire.AgentSeal;
import org.omserver.catalog.Catalog;
import org.omserver.master.agents.AgentIntakeHandler;
import org.omserver.master.config.MasterConfig;
import org.omserver.protocol.agent.AgentIntake;
import org.omserver.protocol.envelope.ReplayCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AgentIntake on its own port ({@code agents.bind}, {@code agents.port}): agents enroll, announce and heartbeat
 * here, apart from the Master service that users' calls reach. Also purges old metrics every hour.
 */
final class AgentIntakeServer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(AgentIntakeServer.class);

    private final TThreadedSelectorServer server;
    private final TNonblockingServerSocket socket;
    private final ExecutorService workers;
    private final ScheduledExecutorService purger;
    private final Thread serving;

    private AgentIntakeServer(TThreadedSelectorServer server, TNonblockingServerSocket socket, ExecutorService workers, ScheduledExecutorService purger,
            Thread serving)
    {
        this.server = server;
        this.socket = socket;
        this.workers = workers;
        this.purger = purger;
        this.serving = serving;
    }

    static AgentIntakeServer start(MasterConfig config, Catalog catalog, Clock clock, java.util.Optional<org.omserver.master.files.FileStore> files)
    {
        int maxFrame = config.maxFrameBytes();
        AgentSeal seal = new AgentSeal(clock, config.envelopeWindow(), maxFrame, new ReplayCache(clock, 1_000_000));
        AgentIntakeHandler handler = new AgentIntakeHandler(catalog, seal, config.agents(), PeerTrackingServer::currentPeer, clock, files);
        TNonblockingServerSocket socket;
        try {
            socket = new TNonblockingServerSocket(new TNonblockingServerSocket.NonblockingAbstractServerSocketArgs()
                    .bindAddr(new InetSocketAddress(config.agents().bind(), config.agents().port()))
                    .clientTimeout((int) config.clientTimeout().toMillis()));
        }
        catch (TTransportException e) {
            throw new IllegalStateException("cannot listen for agents on " + config.agents().bind() + ":" + config.agents().port() + ": " + e.getMessage()
                    + "; check agents.bind and agents.port, or set agents.enabled=false", e);
        }
        AtomicInteger counter = new AtomicInteger();
        ExecutorService workers = new ThreadPoolExecutor(config.agents().workerThreads(), config.agents().workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> Thread.ofPlatform().name("agent-intake-" + counter.incrementAndGet()).daemon(true).unstarted(runnable));
        TThreadedSelectorServer.Args args = new TThreadedSelectorServer.Args(socket)
                .selectorThreads(1)
                .stopTimeoutVal(2)
                .stopTimeoutUnit(TimeUnit.SECONDS)
                .executorService(workers)
                .processor(new AgentIntake.Processor<>(handler))
                .protocolFactory(new TBinaryProtocol.Factory(maxFrame, maxFrame))
                .transportFactory(new TFramedTransport.Factory(maxFrame));
        args.maxReadBufferBytes = maxFrame + 4L;
        TThreadedSelectorServer server = new PeerTrackingServer(args);
        Thread serving = Thread.ofPlatform().name("agent-intake").daemon(true).start(server::serve);
        ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform().name("agent-metrics-purge").daemon(true).unstarted(runnable));
        purger.scheduleWithFixedDelay(() -> {
            try {
                int deleted = handler.purgeMetrics();
                if (deleted > 0) {
                    log.info("deleted {} agent metric rows older than {}", deleted, config.agents().metricsRetention());
                }
            }
            catch (RuntimeException e) {
                log.warn("cannot purge agent metrics: {}", e.getMessage());
            }
        }, 1, 60, TimeUnit.MINUTES);
        log.info("agent intake listening on {}:{}", config.agents().bind(), socket.getPort());
        return new AgentIntakeServer(server, socket, workers, purger, serving);
    }

    int port()
    {
        return socket.getPort();
    }

    @Override
    public void close()
    {
        server.stop();
        purger.shutdownNow();
        try {
            serving.join(5_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        socket.close();
    }
}
