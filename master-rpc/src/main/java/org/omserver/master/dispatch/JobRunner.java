package org.omserver.master.dispatch;

import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.job.JobStatus;
import org.omserver.executor.api.EventSink;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;
import org.omserver.master.job.Job;
import org.omserver.master.job.JobRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

import static java.util.Objects.requireNonNull;

/**
 * Runs jobs. Each job has one dispatcher (a virtual thread) that launches its hosts batch after batch, at most
 * {@code maxInFlight} at once (never more than {@code run.max-parallel}), each host on its own virtual thread, so a
 * slow host holds back nobody but its own batch. Before each launch the dispatcher checks whether the job was
 * cancelled or its failure threshold exceeded; hosts it does not launch finish SKIPPED. Each host's result goes to
 * the job's event sequence and to the database as soon as it arrives (hosts finishing together share one commit:
 * {@link ResultWriter}); the job row gets its final status and host counts after the last host.
 */
public final class JobRunner
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(15);

    private final Backends backends;
    private final JobRepository repository;
    private final ResultWriter results;
    private final JobRegistry registry;
    private final int maxParallel;
    private final Clock clock;
    /** The dispatcher and host threads of each running job: cancel and close interrupt them. */
    private final Map<Long, Set<Thread>> threads = new ConcurrentHashMap<>();
    private volatile boolean closing;

    public JobRunner(Backends backends, JobRepository repository, JobRegistry registry, int maxParallel, Clock clock)
    {
        this.backends = requireNonNull(backends, "backends is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.results = new ResultWriter(repository);
        this.registry = requireNonNull(registry, "registry is null");
        this.maxParallel = maxParallel;
        this.clock = requireNonNull(clock, "clock is null");
    }

    public int maxParallel()
    {
        return maxParallel;
    }

    /** Starts the job (already created in the database) with every host in one batch and returns at once. */
    public Job start(long jobId, int moduleId, String moduleName, List<String> argv, Duration timeout, boolean needsRoot, List<PlannedHost> hosts)
    {
        return start(jobId, moduleId, moduleName, argv, timeout, needsRoot, hosts, Rolling.allAtOnce(hosts.size(), maxParallel));
    }

    /** Starts the job (already created in the database) the rolling way and returns at once. */
    public Job start(long jobId, int moduleId, String moduleName, List<String> argv, Duration timeout, boolean needsRoot, List<PlannedHost> hosts,
            Rolling rolling)
    {
        if (closing) {
            throw new IllegalStateException("the master is shutting down");
        }
        Job job = new Job(jobId, moduleId, moduleName, hosts.stream().map(PlannedHost::target).toList(), clock);
        registry.add(job);
        Set<Thread> jobThreads = ConcurrentHashMap.newKeySet();
        threads.put(jobId, jobThreads);
        Duration commandTimeout = rolling.commandTimeout().orElse(timeout);
        log.info("job {}: module {} ({}) on {} hosts, batches of {}, {} in flight, failure threshold {}, command timeout {}", jobId, moduleId,
                moduleName, hosts.size(), rolling.batchSize(), Math.min(rolling.maxInFlight(), maxParallel),
                rolling.failureThreshold().isPresent() ? rolling.failureThreshold().getAsInt() : "none", commandTimeout);
        Thread dispatcher = Thread.ofVirtual().name("job-" + jobId + "-dispatch").unstarted(
                () -> dispatch(job, hosts, rolling, host -> new Invocation(jobId, host.target(), argv, commandTimeout, needsRoot), jobThreads));
        synchronized (jobThreads) {
            jobThreads.add(dispatcher);
            dispatcher.start();
        }
        return job;
    }

    private void dispatch(Job job, List<PlannedHost> hosts, Rolling rolling, java.util.function.Function<PlannedHost, Invocation> invocations,
            Set<Thread> jobThreads)
    {
        Semaphore slots = new Semaphore(Math.min(rolling.maxInFlight(), maxParallel));
        int next = 0;
        int batchIndex = 0;
        try {
            while (next < hosts.size()) {
                List<PlannedHost> batch = hosts.subList(next, Math.min(hosts.size(), next + rolling.batchSize(batchIndex)));
                CountDownLatch batchDone = new CountDownLatch(batch.size());
                for (PlannedHost host : batch) {
                    slots.acquire();
                    if (stopLaunching(job, rolling, host == batch.get(0) ? batchIndex - 1 : batchIndex)) {
                        slots.release();
                        return;
                    }
                    job.markLaunched(host.target());
                    Thread thread = Thread.ofVirtual().name("job-" + job.id() + "-" + host.target().address()).unstarted(() -> {
                        try {
                            runHost(job, host, invocations.apply(host));
                        }
                        finally {
                            slots.release();
                            batchDone.countDown();
                            jobThreads.remove(Thread.currentThread());
                        }
                    });
                    synchronized (jobThreads) {
                        // a cancel that came after the check above interrupts the threads in this set: add before it looks
                        jobThreads.add(thread);
                        thread.start();
                    }
                    next++;
                }
                batchDone.await();
                batchIndex++;
            }
        }
        catch (InterruptedException e) {
            // cancelled, or the master is closing: the hosts not launched are finished below
            Thread.currentThread().interrupt();
        }
        finally {
            finishNotLaunched(job, hosts);
            jobThreads.remove(Thread.currentThread());
        }
    }

    /**
     * True when no more hosts may start: the job was cancelled, the master is closing, or too many hosts failed.
     * {@code lastBatch} is the batch whose failure would stop this launch (0 is the first, the canary when there is one).
     */
    private boolean stopLaunching(Job job, Rolling rolling, int lastBatch)
    {
        if (closing || job.cancelled()) {
            return true;
        }
        if (rolling.failureThreshold().isPresent()) {
            int failed = job.progress().failed();
            int threshold = rolling.failureThreshold().getAsInt();
            if (failed > threshold) {
                job.stop(rolling.canary() && lastBatch == 0 ? "stopped: the canary host failed; no other host was touched"
                        : rolling.canary() ? "stopped: batch " + lastBatch + " after the canary had a failed host; no further host was launched"
                        : "stopped: " + failed + " failures exceeded the threshold of " + threshold);
                log.info("job {}: {}", job.id(), job.stopReason().orElseThrow());
                return true;
            }
        }
        return false;
    }

    private void finishNotLaunched(Job job, List<PlannedHost> hosts)
    {
        for (PlannedHost host : hosts) {
            if (job.hasFinished(host.target()) || job.launched(host.target())) {
                continue;
            }
            HostResult result = closing && !job.cancelled()
                    ? HostResult.failed(FailureReason.INTERRUPTED, "the master stopped before this host started", Duration.ZERO)
                    : HostResult.failed(FailureReason.SKIPPED, "not launched: " + job.stopReason().orElse("the job ended"), Duration.ZERO);
            finish(job, host.target(), result);
        }
    }

    private void runHost(Job job, PlannedHost host, Invocation invocation)
    {
        HostTarget target = host.target();
        long startNanos = System.nanoTime();
        try {
            Executor executor = backends.find(host.backend()).orElseThrow(
                    () -> new IllegalStateException("backend " + host.backend() + " is not loaded"));
            executor.execute(invocation, new JobSink(job));
            if (!job.hasFinished(target)) {
                finish(job, target, HostResult.failed(FailureReason.INTERNAL,
                        "backend " + host.backend() + " returned without reporting a result; see the master log", elapsed(startNanos)));
                log.error("job {}: backend {} returned for {} without a result", job.id(), host.backend(), target.address());
            }
        }
        catch (RuntimeException | Error e) {
            log.error("job {}: backend {} failed on {}", job.id(), host.backend(), target.address(), e);
            finish(job, target, HostResult.failed(FailureReason.INTERNAL,
                    "backend " + host.backend() + " failed: " + e.getClass().getSimpleName() + "; see the master log", elapsed(startNanos)));
        }
    }

    /** Stores the host's result (and the job's status after the last host) before readers see the FINISHED event. */
    private void finish(Job job, HostTarget target, HostResult result)
    {
        Optional<Job.Claim> claim = job.claimFinished(target, result);
        if (claim.isEmpty()) {
            return;
        }
        // a cancelled or interrupted host thread still stores its result: an interrupt would close the JDBC socket
        boolean interrupted = Thread.interrupted();
        try {
            results.store(job.id(), claim.get().record());
            if (claim.get().last()) {
                JobStatus status = finalStatus(job);
                repository.finish(job.id(), status, job.progress().counts(), job.stopReason());
                threads.remove(job.id());
                log.info("job {}: {}{}", job.id(), status, job.stopReason().map(reason -> " (" + reason + ")").orElse(""));
            }
        }
        catch (RuntimeException e) {
            // the event sequence still has the result; only the history row is missing
            log.error("job {}: cannot store the result of {}", job.id(), target.address(), e);
        }
        finally {
            job.publishFinished(target);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private JobStatus finalStatus(Job job)
    {
        if (job.cancelled()) {
            return JobStatus.CANCELLED;
        }
        boolean interrupted = job.results().values().stream()
                .anyMatch(r -> r.failureReason().filter(FailureReason.INTERRUPTED.name()::equals).isPresent());
        if (closing && interrupted) {
            return JobStatus.INTERRUPTED;
        }
        return job.stopReason().isPresent() ? JobStatus.STOPPED : JobStatus.FINISHED;
    }

    /**
     * Cancels a running job: no host is launched any more, running hosts are interrupted (backends stop the remote
     * command and finish them INTERRUPTED), hosts not launched finish SKIPPED, the job ends CANCELLED.
     * False when the job had already ended or was cancelled before.
     */
    public boolean cancel(Job job, String by)
    {
        if (!job.cancel("cancelled by " + by)) {
            return false;
        }
        log.info("job {}: cancelled by {}", job.id(), by);
        Set<Thread> jobThreads = threads.get(job.id());
        if (jobThreads != null) {
            synchronized (jobThreads) {
                jobThreads.forEach(Thread::interrupt);
            }
        }
        return true;
    }

    private static Duration elapsed(long startNanos)
    {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Interrupts every host still running (backends finish them INTERRUPTED) and waits for their results to be stored. */
    @Override
    public void close()
    {
        closing = true;
        List<Thread> running = threads.values().stream().flatMap(Set::stream).toList();
        if (!running.isEmpty()) {
            log.info("interrupting {} dispatcher and host threads", running.size());
        }
        running.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        for (Thread thread : running) {
            try {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    log.warn("{} did not stop within {}", thread.getName(), SHUTDOWN_GRACE);
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Job job : registry.unfinished()) {
            try {
                repository.finish(job.id(), JobStatus.INTERRUPTED, job.progress().counts(), job.stopReason());
            }
            catch (RuntimeException e) {
                log.error("job {}: cannot mark it INTERRUPTED", job.id(), e);
            }
        }
    }

    /** Forwards one job's executor callbacks to the job, storing each host result as it arrives. */
    private final class JobSink
            implements EventSink
    {
        private final Job job;

        private JobSink(Job job)
        {
            this.job = job;
        }

        @Override
        public void started(HostTarget target)
        {
            job.started(target);
        }

        @Override
        public void output(HostTarget target, OutputStream stream, String chunk)
        {
            job.output(target, stream, chunk);
        }

        @Override
        public void finished(HostTarget target, HostResult result)
        {
            finish(job, target, result);
        }
    }
}
