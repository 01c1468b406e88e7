package org.omserver.master.schedule;

import org.omserver.catalog.job.JobStatus;
import org.omserver.catalog.schedule.ScheduleRecord;
import org.omserver.catalog.schedule.ScheduleRepository;
import org.omserver.catalog.job.JobRepository;
import org.omserver.master.job.Job;
import org.omserver.master.job.JobRegistry;
import org.omserver.master.pipeline.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Starts scheduled runs. {@link #runDue} looks at the schedules due at the clock's time and, per overlap policy,
 * starts a run, skips it (the previous run still runs), or queues it (it starts once the previous run ended; at
 * most one waits). Missed due times (master down) collapse into one run. A background thread calls it every
 * {@code schedule.poll-interval}; tests call it themselves after moving the clock.
 */
public final class Scheduler
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    /** Starts a scheduled run through the same checks as a submit; refuses like a submit. */
    public interface Launcher
    {
        Job launch(ScheduleRecord schedule)
                throws Refusal;
    }

    private final ScheduleRepository schedules;
    private final JobRepository jobs;
    private final JobRegistry registry;
    private final Launcher launcher;
    private final Clock clock;
    private final Duration poll;
    private volatile Thread loop;

    public Scheduler(ScheduleRepository schedules, JobRepository jobs, JobRegistry registry, Launcher launcher, Clock clock, Duration poll)
    {
        this.schedules = requireNonNull(schedules, "schedules is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.poll = requireNonNull(poll, "poll is null");
    }

    /** Starts the background loop (unless the poll interval is zero). */
    public void start()
    {
        if (poll.isZero()) {
            return;
        }
        loop = Thread.ofPlatform().name("scheduler").daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    runDue();
                    Thread.sleep(poll);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                catch (RuntimeException e) {
                    log.error("scheduler: cannot run due schedules; trying again in {}", poll, e);
                    try {
                        Thread.sleep(poll);
                    }
                    catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
    }

    /** Handles every schedule due now; returns how many runs it started. */
    public synchronized int runDue()
    {
        Instant now = clock.instant();
        int started = 0;
        for (ScheduleRecord schedule : schedules.due(now)) {
            Optional<Instant> next;
            try {
                next = CronSchedule.parse(schedule.cron()).nextAfter(now);
            }
            catch (IllegalArgumentException e) {
                // stored expressions were checked at creation; a library change could still reject one
                schedules.recordRun(schedule.id(), Optional.empty(), now, OptionalLong.empty(), "not run: " + e.getMessage(), false);
                continue;
            }
            boolean due = schedule.nextRunAt().map(at -> !at.isAfter(now)).orElse(false);
            Optional<Instant> nextRun = due ? next : schedule.nextRunAt();
            if (previousRunning(schedule)) {
                if (schedule.overlap().equals("QUEUE")) {
                    if (due || !schedule.runPending()) {
                        schedules.recordRun(schedule.id(), nextRun, now, schedule.lastJobId(),
                                "queued: job " + schedule.lastJobId().getAsLong() + " still running", true);
                    }
                }
                else if (due) {
                    schedules.recordRun(schedule.id(), nextRun, now, schedule.lastJobId(),
                            "skipped: job " + schedule.lastJobId().getAsLong() + " still running", false);
                    log.info("schedule {}: skipped, job {} still running", schedule.id(), schedule.lastJobId().getAsLong());
                }
                continue;
            }
            try {
                Job job = launcher.launch(schedule);
                schedules.recordRun(schedule.id(), nextRun, now, OptionalLong.of(job.id()), "started job " + job.id(), false);
                log.info("schedule {}: started job {}", schedule.id(), job.id());
                started++;
            }
            catch (Refusal refusal) {
                schedules.recordRun(schedule.id(), nextRun, now, schedule.lastJobId(), "not run: " + refusal.getMessage(), false);
                log.info("schedule {}: not run: {}", schedule.id(), refusal.getMessage());
            }
        }
        return started;
    }

    private boolean previousRunning(ScheduleRecord schedule)
    {
        if (schedule.lastJobId().isEmpty()) {
            return false;
        }
        long last = schedule.lastJobId().getAsLong();
        Optional<Job> live = registry.find(last);
        if (live.isPresent()) {
            return !live.get().complete();
        }
        return jobs.find(last).map(job -> job.status() == JobStatus.RUNNING).orElse(false);
    }

    @Override
    public void close()
    {
        Thread running = loop;
        if (running != null) {
            running.interrupt();
        }
    }
}
