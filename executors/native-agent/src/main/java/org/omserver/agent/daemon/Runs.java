package org.omserver.agent.daemon;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.security.SecureRandom;

import org.omserver.protocol.agent.OutputChunk;
import org.omserver.protocol.agent.PollReply;
import org.omserver.protocol.agent.RunFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The commands this agent runs: each an argument vector started with {@link ProcessBuilder} (no shell), stdin
 * from /dev/null, or a {@link Builtin} on a thread of its own; stdout and stderr kept as numbered chunks that the master reads by cursor. A run ends by
 * exiting, by its timeout, or by a cancel; both of the latter kill the whole process tree. Finished runs are
 * kept for a while so the master can read the end, then forgotten. Bounded: runs at once, output per run.
 */
final class Runs
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Runs.class);
    /** Longest a poll may wait for output, whatever the master asks: below any sane read timeout. */
    static final Duration MAX_POLL_WAIT = Duration.ofSeconds(20);

    private final int maxConcurrent;
    private final int maxOutputBytes;
    private final Duration keepFinished;
    private final Clock clock;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("agent-run-timer").daemon(true).unstarted(runnable));
    private final SecureRandom random = new SecureRandom();

    Runs(int maxConcurrent, int maxOutputBytes, Duration keepFinished, Clock clock)
    {
        this.maxConcurrent = maxConcurrent;
        this.maxOutputBytes = maxOutputBytes;
        this.keepFinished = keepFinished;
        this.clock = clock;
    }

    /** Starts {@code argv}; a program that cannot start gives a run that is already finished with START_FAILED. */
    String start(long jobId, List<String> argv, Duration timeout)
            throws BusyException
    {
        Run run = newRun(jobId);
        String runId = run.runId;
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            run.process = process;
            ScheduledFuture<?> timer = timers.schedule(() -> run.kill(RunFailure.TIMEOUT, "the command ran longer than its timeout of " + timeout.toMillis() + " ms"),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            Thread out = Thread.ofVirtual().name(runId + "-out").start(() -> run.pump(process.getInputStream(), false));
            Thread err = Thread.ofVirtual().name(runId + "-err").start(() -> run.pump(process.getErrorStream(), true));
            Thread.ofVirtual().name(runId + "-wait").start(() -> {
                try {
                    int exit = process.waitFor();
                    out.join();
                    err.join();
                    timer.cancel(false);
                    run.exited(exit);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    run.kill(RunFailure.CANCELLED, "the agent is stopping");
                }
            });
            log.info("job {} run {} started: {}", jobId, runId, argv.get(0));
        }
        catch (IOException e) {
            run.failed(RunFailure.START_FAILED, "cannot start '" + argv.get(0) + "': " + e.getMessage());
        }
        return runId;
    }

    /**
     * Starts a {@link Builtin} on a virtual thread of its own, with the same output, timeout and cancel as a
     * process; its arguments were checked by the caller ({@link Builtin#refusal}).
     */
    String startBuiltin(long jobId, Builtin builtin, List<String> args, Duration timeout)
            throws BusyException
    {
        Run run = newRun(jobId);
        ScheduledFuture<?> timer = timers.schedule(() -> run.kill(RunFailure.TIMEOUT, "the command ran longer than its timeout of " + timeout.toMillis() + " ms"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        run.worker = Thread.ofVirtual().name(run.runId + "-" + builtin.name()).start(() -> {
            try {
                int exit = builtin.run(List.copyOf(args), run.output());
                timer.cancel(false);
                run.exited(exit);
            }
            catch (InterruptedException e) {
                run.failed(RunFailure.CANCELLED, "interrupted");
            }
            catch (RuntimeException e) {
                log.warn("job {} run {}: built-in {} failed", jobId, run.runId, builtin.name(), e);
                timer.cancel(false);
                run.output().err(builtin.name() + " failed: " + e.getMessage() + "\n");
                run.exited(1);
            }
        });
        log.info("job {} run {} started: built-in {}, timeout {} ms", jobId, run.runId, builtin.name(), timeout.toMillis());
        return run.runId;
    }

    PollReply poll(String runId, long cursor, Duration maxWait)
            throws NotFoundException, InterruptedException
    {
        Run run = find(runId);
        long wait = Math.min(Math.max(0, maxWait.toMillis()), MAX_POLL_WAIT.toMillis());
        return run.read(cursor, wait);
    }

    /** True when the run was still going (it is killed with CANCELLED). */
    boolean cancel(String runId)
            throws NotFoundException
    {
        return find(runId).kill(RunFailure.CANCELLED, "cancelled by the master");
    }

    private Run newRun(long jobId)
            throws BusyException
    {
        forgetOld();
        if (running() >= maxConcurrent) {
            throw new BusyException("this agent already runs " + maxConcurrent + " commands (run.max-concurrent); retry later");
        }
        byte[] id = new byte[12];
        random.nextBytes(id);
        Run run = new Run("run-" + HexFormat.of().formatHex(id), jobId);
        runs.put(run.runId, run);
        return run;
    }

    int running()
    {
        return (int) runs.values().stream().filter(run -> !run.isFinished()).count();
    }

    private Run find(String runId)
            throws NotFoundException
    {
        Run run = runs.get(runId);
        if (run == null) {
            throw new NotFoundException("no run " + runId + " on this agent (finished runs are kept for " + keepFinished.toSeconds() + " s)");
        }
        return run;
    }

    private void forgetOld()
    {
        Instant limit = clock.instant().minus(keepFinished);
        runs.values().removeIf(run -> run.finishedBefore(limit));
    }

    @Override
    public void close()
    {
        runs.values().forEach(run -> run.kill(RunFailure.CANCELLED, "the agent is stopping"));
        timers.shutdownNow();
    }

    static final class BusyException
            extends Exception
    {
        BusyException(String message)
        {
            super(message);
        }
    }

    static final class NotFoundException
            extends Exception
    {
        NotFoundException(String message)
        {
            super(message);
        }
    }

    /** One command: its chunks, and how it ended. Guarded by its own monitor. */
    private final class Run
    {
        private final String runId;
        private final long jobId;
        private final List<OutputChunk> chunks = new ArrayList<>();
        private volatile Process process;
        /** The thread of a built-in, interrupted by a timeout or cancel. */
        private volatile Thread worker;
        private long outputChars;
        private boolean truncated;
        private boolean finished;
        private Instant finishedAt;
        private OptionalInt exitCode = OptionalInt.empty();
        private RunFailure failure;
        private String message = "";
        /** What to do once the master has read the end (updateself's restart), or null. */
        private Runnable afterEndRead;

        Run(String runId, long jobId)
        {
            this.runId = runId;
            this.jobId = jobId;
        }

        void pump(InputStream stream, boolean stderr)
        {
            char[] buffer = new char[8192];
            try (Reader reader = new InputStreamReader(stream, UTF_8)) {
                int read;
                while ((read = reader.read(buffer)) > 0) {
                    int end = read;
                    // never end a chunk inside a surrogate pair: keep a trailing high surrogate for the next read
                    if (Character.isHighSurrogate(buffer[end - 1])) {
                        int next = reader.read();
                        add(stderr, new String(buffer, 0, end) + (next < 0 ? "" : Character.toString((char) next)));
                        continue;
                    }
                    add(stderr, new String(buffer, 0, end));
                }
            }
            catch (IOException e) {
                // the process was killed and its pipe closed: what was read is kept
            }
        }

        Builtin.Output output()
        {
            return new Builtin.Output()
            {
                @Override
                public void out(String text)
                {
                    add(false, text);
                }

                @Override
                public void err(String text)
                {
                    add(true, text);
                }

                @Override
                public void afterEndRead(Runnable action)
                {
                    synchronized (Run.this) {
                        afterEndRead = action;
                    }
                }
            };
        }

        private synchronized void add(boolean stderr, String text)
        {
            // a built-in interrupted by a timeout may still write: the end was reported, nothing follows it
            if (truncated || finished || text.isEmpty()) {
                return;
            }
            if (outputChars + text.length() > maxOutputBytes) {
                truncated = true;
                chunks.add(new OutputChunk(true, "\n[output cut at " + maxOutputBytes + " characters (run.max-output-bytes)]\n"));
            }
            else {
                outputChars += text.length();
                chunks.add(new OutputChunk(stderr, text));
            }
            notifyAll();
        }

        synchronized void exited(int exit)
        {
            if (finished) {
                return;
            }
            exitCode = OptionalInt.of(exit);
            finish();
        }

        synchronized void failed(RunFailure reason, String text)
        {
            if (finished) {
                return;
            }
            failure = reason;
            message = text;
            finish();
        }

        boolean kill(RunFailure reason, String text)
        {
            synchronized (this) {
                if (finished || failure != null) {
                    return false;
                }
                failure = reason;
                message = text;
            }
            Process running = process;
            Thread builtin = worker;
            if (builtin != null) {
                // end the run first, so whatever the interrupted built-in does next cannot change how it ended
                failed(reason, text);
                builtin.interrupt();
            }
            else if (running != null) {
                running.descendants().forEach(ProcessHandle::destroyForcibly);
                running.destroyForcibly();
            }
            else {
                failed(reason, text);
            }
            log.info("job {} run {} killed: {}", jobId, runId, text);
            return true;
        }

        private void finish()
        {
            finished = true;
            finishedAt = clock.instant();
            notifyAll();
        }

        synchronized PollReply read(long cursor, long waitMillis)
                throws InterruptedException
        {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            long from = Math.max(0, Math.min(cursor, chunks.size()));
            while (from >= chunks.size() && !finished) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
            List<OutputChunk> page = new ArrayList<>(chunks.subList((int) from, chunks.size()));
            // finished is reported only with the last chunk, so the master never misses output
            PollReply reply = new PollReply(page, chunks.size(), finished);
            if (finished) {
                if (failure != null) {
                    reply.setFailure(failure);
                    reply.setMessage(message);
                }
                else if (exitCode.isPresent()) {
                    reply.setExitCode(exitCode.getAsInt());
                }
                if (afterEndRead != null) {
                    Thread.ofVirtual().name(runId + "-after-end").start(afterEndRead);
                    afterEndRead = null;
                }
            }
            return reply;
        }

        synchronized boolean isFinished()
        {
            return finished;
        }

        synchronized boolean finishedBefore(Instant limit)
        {
            return finished && finishedAt.isBefore(limit);
        }
    }
}
