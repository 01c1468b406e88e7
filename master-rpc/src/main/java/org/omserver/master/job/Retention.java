package org.omserver.master.job;

import org.omserver.catalog.job.JobRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Applies the history retention: ended jobs older than {@code history.retention-days}, and the oldest beyond the
 * newest {@code history.max-jobs}, are deleted with their host rows in batches of {@link #BATCH} jobs (each batch a
 * short statement, so the history stays usable while a large backlog is removed). Running jobs are never deleted.
 */
public final class Retention
        implements AutoCloseable
{
    public static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final JobRepository jobs;
    private final Clock clock;
    private final int retentionDays;
    private final int maxJobs;
    private final Duration interval;
    private volatile Thread loop;

    public Retention(JobRepository jobs, Clock clock, int retentionDays, int maxJobs, Duration interval)
    {
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.retentionDays = retentionDays;
        this.maxJobs = maxJobs;
        this.interval = requireNonNull(interval, "interval is null");
    }

    /** Starts the background loop when a limit is configured. */
    public void start()
    {
        if (retentionDays == 0 && maxJobs == 0) {
            return;
        }
        loop = Thread.ofPlatform().name("history-retention").daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    apply();
                    Thread.sleep(interval);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                catch (RuntimeException e) {
                    log.error("history retention failed; trying again in {}", interval, e);
                    try {
                        Thread.sleep(interval);
                    }
                    catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
    }

    /** Deletes what the limits allow, batch by batch; returns how many jobs it deleted. */
    public synchronized int apply()
    {
        int deleted = 0;
        if (retentionDays > 0) {
            Instant cutoff = clock.instant().minus(Duration.ofDays(retentionDays));
            for (int batch = jobs.deleteCreatedBefore(cutoff, BATCH); batch > 0; batch = jobs.deleteCreatedBefore(cutoff, BATCH)) {
                deleted += batch;
            }
        }
        if (maxJobs > 0) {
            for (int batch = jobs.deleteBeyondNewest(maxJobs, BATCH); batch > 0; batch = jobs.deleteBeyondNewest(maxJobs, BATCH)) {
                deleted += batch;
            }
        }
        if (deleted > 0) {
            log.info("history retention: deleted {} jobs (older than {} days / beyond the newest {})", deleted, retentionDays, maxJobs);
        }
        return deleted;
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
