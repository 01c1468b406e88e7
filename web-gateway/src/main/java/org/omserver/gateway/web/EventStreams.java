package org.omserver.gateway.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterClient;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Live results as Server-Sent Events. Each stream is an async request served by one thread of a fixed pool of
 * {@code maxStreams} threads, so streams never hold Jetty's request threads; when every slot is taken a new stream
 * is refused with 503 instead of queueing. A stream long-polls the master by cursor and writes each host event as
 * <pre>id: &lt;seq&gt;\nevent: host\ndata: &lt;json&gt;\n\n</pre> then {@code event: progress}; an empty poll writes a
 * {@code : keepalive} comment (which is also how a gone client is noticed). Events at or below the resume cursor are
 * never written again, so a reconnect with {@code Last-Event-ID} neither loses nor repeats any. When the master says
 * the job is complete the stream writes {@code event: done} and ends. If the master becomes unreachable the stream
 * ends without {@code done}, and the browser reconnects on its own from the last id.
 */
public final class EventStreams
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    private static final int MAX_EVENTS_PER_POLL = 500;
    private static final int RETRY_MILLIS = 3000;

    private final MasterClient master;
    private final int longPollMillis;
    private final Semaphore slots;
    private final ExecutorService pool;

    public EventStreams(MasterClient master, int maxStreams, Duration longPoll)
    {
        this.master = requireNonNull(master, "master is null");
        this.longPollMillis = Math.toIntExact(longPoll.toMillis());
        this.slots = new Semaphore(maxStreams);
        AtomicInteger counter = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(maxStreams, runnable -> {
            Thread thread = new Thread(runnable, "gateway-events-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    void start(HttpServletRequest request, HttpServletResponse response, UserSession user, long jobId, long cursor)
            throws IOException
    {
        start(request, response, user.masterToken(), user.username(), jobId, cursor);
    }

    /** Streams job {@code jobId} after {@code cursor} with the master session {@code masterToken}; {@code who} is for the log. */
    public void start(HttpServletRequest request, HttpServletResponse response, String masterToken, String who, long jobId, long cursor)
            throws IOException
    {
        if (!slots.tryAcquire()) {
            log.warn("job {}: live stream for {} refused, all {} stream slots busy", jobId, who, slots.availablePermits());
            response.setHeader("Retry-After", "10");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many live result streams; try again shortly");
            return;
        }
        try {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding(UTF_8.name());
            response.setHeader("X-Accel-Buffering", "no");
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            AtomicBoolean gone = new AtomicBoolean();
            async.addListener(new AsyncListener()
            {
                @Override
                public void onComplete(AsyncEvent event) { gone.set(true); }

                @Override
                public void onTimeout(AsyncEvent event) { gone.set(true); }

                @Override
                public void onError(AsyncEvent event) { gone.set(true); }

                @Override
                public void onStartAsync(AsyncEvent event) {}
            });
            pool.execute(() -> {
                try {
                    stream(response.getOutputStream(), masterToken, jobId, cursor, gone);
                }
                catch (IOException e) {
                    log.debug("job {}: live stream closed by the client: {}", jobId, e.toString());
                }
                catch (RuntimeException e) {
                    log.error("job {}: live stream failed", jobId, e);
                }
                finally {
                    slots.release();
                    try {
                        async.complete();
                    }
                    catch (IllegalStateException ignored) {
                        // already completed because the client went away
                    }
                }
            });
        }
        catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    private void stream(ServletOutputStream out, String masterToken, long jobId, long startCursor, AtomicBoolean gone)
            throws IOException
    {
        long cursor = startCursor;
        write(out, "retry: " + RETRY_MILLIS + "\n\n");
        while (!gone.get() && !Thread.currentThread().isInterrupted()) {
            EventsReply reply;
            try {
                reply = master.events(masterToken, jobId, cursor, longPollMillis, MAX_EVENTS_PER_POLL);
            }
            catch (MasterException e) {
                // refusals are final (no such job, not allowed, session over): tell the page and stop for good
                write(out, "event: failure\ndata: " + SafeJson.write(Map.of("code", e.code().name(), "message", e.getMessage(),
                        "final", true)) + "\n\n");
                return;
            }
            catch (MasterUnavailableException e) {
                log.warn("job {}: live stream lost the master: {}", jobId, e.getMessage());
                write(out, "event: failure\ndata: " + SafeJson.write(Map.of("code", "UNAVAILABLE",
                        "message", "The master is unreachable; reconnecting.", "final", false)) + "\n\n");
                return;
            }
            StringBuilder chunk = new StringBuilder();
            for (HostEvent event : reply.getEvents()) {
                if (event.getSeq() <= cursor) {
                    continue;
                }
                chunk.append("id: ").append(event.getSeq()).append("\nevent: host\ndata: ").append(SafeJson.forScriptBlock(json(event))).append("\n\n");
                cursor = event.getSeq();
            }
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("done", reply.getHostsDone());
            progress.put("total", reply.getHostsTotal());
            if (!chunk.isEmpty()) {
                chunk.append("event: progress\ndata: ").append(SafeJson.write(progress)).append("\n\n");
            }
            if (reply.isComplete()) {
                chunk.append("event: done\ndata: ").append(SafeJson.write(progress)).append("\n\n");
                write(out, chunk.toString());
                return;
            }
            if (chunk.isEmpty()) {
                chunk.append(": keepalive\n\n");
            }
            write(out, chunk.toString());
        }
    }

    private static void write(ServletOutputStream out, String text)
            throws IOException
    {
        out.write(text.getBytes(UTF_8));
        out.flush();
    }

    /** A host event as the stream sends it ({@code event: host}); the JSON API uses the same shape. */
    public static Map<String, Object> json(HostEvent event)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seq", event.getSeq());
        json.put("kind", event.getKind().name());
        json.put("lanIp", event.getLanIp());
        json.put("hostName", event.getHostName());
        if (event.isSetText()) {
            json.put("text", event.getText());
        }
        if (event.isSetStatus()) {
            json.put("status", event.getStatus().name());
        }
        if (event.isSetExitCode()) {
            json.put("exitCode", event.getExitCode());
        }
        if (event.isSetFailureReason()) {
            json.put("failureReason", event.getFailureReason());
        }
        if (event.isSetFailureMessage()) {
            json.put("failureMessage", event.getFailureMessage());
        }
        if (event.isSetDurationMillis()) {
            json.put("durationMillis", event.getDurationMillis());
        }
        return json;
    }

    @Override
    public void close()
    {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                log.info("live streams still waiting on the master at shutdown; their threads are daemons");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
