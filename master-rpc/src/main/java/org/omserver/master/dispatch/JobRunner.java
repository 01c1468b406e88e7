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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import static java.util.Objects.requireNonNull;

/**
 * Runs jobs: one virtual thread per host, at most {@code maxParallel} hosts of a job in flight (a semaphore per
 * job), so a slow host holds back nobody but itself. Each host's result goes to the job's event sequence and to
 * the database as soon as it arrives; the job row turns FINISHED after the last host.
 */
public final class JobRunner
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(15);

    private final Backends backends;
    private final JobRepository repository;
    private final JobRegistry registry;
    private final int maxParallel;
    private final Clock clock;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    public JobRunner(Backends backends, JobRepository repository, JobRegistry registry, int maxParallel, Clock clock)
    {
        this.backends = requireNonNull(backends, "backends is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.maxParallel = maxParallel;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Starts the job (already created in the database) and returns at once. */
    public Job start(long jobId, int moduleId, String moduleName, List<String> argv, Duration timeout, boolean needsRoot, List<PlannedHost> hosts)
    {
        return start(jobId, moduleId, moduleName, argv, timeout, needsRoot, hosts, java.util.OptionalInt.empty());
    }

    /** As above, with the module's own parallelism limit: at most min(module limit, run.max-parallel) hosts at once. */
    public Job start(long jobId, int moduleId, String moduleName, List<String> argv, Duration timeout, boolean needsRoot, List<PlannedHost> hosts,
            java.util.OptionalInt moduleMaxParallel)
    {
        if (closing) {
            throw new IllegalStateException("the master is shutting down");
        }
        Job job = new Job(jobId, moduleId, moduleName, hosts.stream().map(PlannedHost::target).toList(), clock);
        registry.add(job);
        Semaphore slots = new Semaphore(Math.min(maxParallel, moduleMaxParallel.orElse(maxParallel)));
        log.info("job {}: module {} ({}) on {} hosts", jobId, moduleId, moduleName, hosts.size());
        for (PlannedHost host : hosts) {
            Invocation invocation = new Invocation(jobId, host.target(), argv, timeout, needsRoot);
            Thread thread = Thread.ofVirtual().name("job-" + jobId + "-" + host.target().address()).unstarted(
                    () -> runHost(job, host, invocation, slots));
            threads.add(thread);
            thread.start();
        }
        return job;
    }

    private void runHost(Job job, PlannedHost host, Invocation invocation, Semaphore slots)
    {
        HostTarget target = host.target();
        long startNanos = System.nanoTime();
        try {
            slots.acquire();
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
            finally {
                slots.release();
            }
        }
        catch (InterruptedException e) {
            finish(job, target, HostResult.failed(FailureReason.INTERRUPTED, "the master stopped before this host started", elapsed(startNanos)));
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException | Error e) {
            log.error("job {}: backend {} failed on {}", job.id(), host.backend(), target.address(), e);
            finish(job, target, HostResult.failed(FailureReason.INTERNAL,
                    "backend " + host.backend() + " failed: " + e.getClass().getSimpleName() + "; see the master log", elapsed(startNanos)));
        }
        finally {
            threads.remove(Thread.currentThread());
        }
    }

    /** Stores the host's result (and the job's status after the last host) before readers see the FINISHED event. */
    private void finish(Job job, HostTarget target, HostResult result)
    {
        Optional<Job.Claim> claim = job.claimFinished(target, result);
        if (claim.isEmpty()) {
            return;
        }
        try {
            repository.addHostResult(job.id(), claim.get().record());
            if (claim.get().last()) {
                boolean interrupted = job.results().values().stream()
                        .anyMatch(r -> r.failureReason().filter(FailureReason.INTERRUPTED.name()::equals).isPresent());
                JobStatus status = closing && interrupted ? JobStatus.INTERRUPTED : JobStatus.FINISHED;
                repository.setStatus(job.id(), status);
                log.info("job {}: {}", job.id(), status);
            }
        }
        catch (RuntimeException e) {
            // the event sequence still has the result; only the history row is missing
            log.error("job {}: cannot store the result of {}", job.id(), target.address(), e);
        }
        finally {
            job.publishFinished(target);
        }
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
        List<Thread> running = List.copyOf(threads);
        if (!running.isEmpty()) {
            log.info("interrupting {} running hosts", running.size());
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
                repository.setStatus(job.id(), JobStatus.INTERRUPTED);
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
