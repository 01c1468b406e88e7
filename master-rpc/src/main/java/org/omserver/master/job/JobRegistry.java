package org.omserver.master.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The jobs held in memory. Finished jobs stay for {@code retention} (so readers can page to the end), and at most
 * {@code maxFinished} of them; older ones are dropped here and read back from the database when asked for.
 */
public final class JobRegistry
{
    private final Map<Long, Job> jobs = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration retention;
    private final int maxFinished;

    public JobRegistry(Clock clock, Duration retention, int maxFinished)
    {
        this.clock = requireNonNull(clock, "clock is null");
        this.retention = requireNonNull(retention, "retention is null");
        this.maxFinished = maxFinished;
    }

    public void add(Job job)
    {
        evict();
        jobs.put(job.id(), job);
    }

    public Optional<Job> find(long id)
    {
        return Optional.ofNullable(jobs.get(id));
    }

    public List<Job> unfinished()
    {
        return jobs.values().stream().filter(job -> !job.complete()).toList();
    }

    public int size()
    {
        return jobs.size();
    }

    /** Drops finished jobs past their retention, then the oldest finished ones beyond the cap. */
    public void evict()
    {
        Instant oldest = clock.instant().minus(retention);
        jobs.values().removeIf(job -> job.finishedAt().map(at -> at.isBefore(oldest)).orElse(false));
        List<Job> finished = jobs.values().stream()
                .filter(job -> job.finishedAt().isPresent())
                .sorted(Comparator.comparing(job -> job.finishedAt().orElseThrow()))
                .toList();
        for (int i = 0; i < finished.size() - maxFinished; i++) {
            jobs.remove(finished.get(i).id());
        }
    }
}
