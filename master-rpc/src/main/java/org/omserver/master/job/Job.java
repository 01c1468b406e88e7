package org.omserver.master.job;

import org.omserver.catalog.job.HostCounts;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.job.OutputHash;
import org.omserver.executor.api.EventSink;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * A running (or recently finished) job in memory: an append-only event sequence numbered 1..n that readers
 * page through by cursor, and each host's output gathered for its database row. Writers are executor threads;
 * readers are long-polling RPC calls. One lock guards everything; a condition wakes readers on each append.
 */
public final class Job
{
    /** Per host and stream, what is kept for the database row (which then caps it at {@link JobRepository#OUTPUT_CAP_BYTES} of UTF-8). */
    public static final int STORED_OUTPUT_CHARS = JobRepository.OUTPUT_CAP_BYTES;
    /** Per host and stream, what the event sequence keeps in memory; beyond it one marker event says so. */
    public static final int EVENT_OUTPUT_CHARS = 1024 * 1024;

    private final long id;
    private final int moduleId;
    private final String moduleName;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final List<JobEvent> events = new ArrayList<>();
    private final Map<String, HostProgress> hosts = new LinkedHashMap<>();
    private int claimed;
    private int done;
    private Instant finishedAt;
    private boolean cancelled;
    private Optional<String> stopReason = Optional.empty();

    public Job(long id, int moduleId, String moduleName, List<HostTarget> targets, Clock clock)
    {
        this.id = id;
        this.moduleId = moduleId;
        this.moduleName = requireNonNull(moduleName, "moduleName is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("job " + id + " has no hosts");
        }
        lock.lock();
        try {
            for (HostTarget target : targets) {
                if (hosts.put(target.address(), new HostProgress(target)) != null) {
                    throw new IllegalArgumentException("job " + id + " lists host " + target.address() + " twice");
                }
                append(JobEvent.Kind.QUEUED, target, Optional.empty(), Optional.empty());
            }
        }
        finally {
            lock.unlock();
        }
    }

    public long id()
    {
        return id;
    }

    public int moduleId()
    {
        return moduleId;
    }

    public String moduleName()
    {
        return moduleName;
    }

    public List<HostTarget> targets()
    {
        return hosts.values().stream().map(HostProgress::target).toList();
    }

    /** The master handed the host to its backend (it counts as running from now on). */
    public void markLaunched(HostTarget target)
    {
        lock.lock();
        try {
            progress(target).launched = true;
        }
        finally {
            lock.unlock();
        }
    }

    public boolean launched(HostTarget target)
    {
        lock.lock();
        try {
            return progress(target).launched;
        }
        finally {
            lock.unlock();
        }
    }

    public void started(HostTarget target)
    {
        lock.lock();
        try {
            if (progress(target).result == null) {
                append(JobEvent.Kind.STARTED, target, Optional.empty(), Optional.empty());
            }
        }
        finally {
            lock.unlock();
        }
    }

    public void output(HostTarget target, EventSink.OutputStream stream, String chunk)
    {
        if (chunk.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            HostProgress progress = progress(target);
            if (progress.result != null) {
                return;
            }
            boolean stdout = stream == EventSink.OutputStream.STDOUT;
            StringBuilder stored = stdout ? progress.stdout : progress.stderr;
            int room = STORED_OUTPUT_CHARS - stored.length();
            if (chunk.length() > room) {
                progress.truncated = true;
            }
            stored.append(chunk, 0, Math.max(0, Math.min(room, chunk.length())));

            int evented = stdout ? progress.stdoutEvented : progress.stderrEvented;
            JobEvent.Kind kind = stdout ? JobEvent.Kind.STDOUT : JobEvent.Kind.STDERR;
            if (evented < EVENT_OUTPUT_CHARS) {
                String text = chunk.length() <= EVENT_OUTPUT_CHARS - evented ? chunk : chunk.substring(0, EVENT_OUTPUT_CHARS - evented);
                evented += text.length();
                append(kind, target, Optional.of(text), Optional.empty());
                if (evented >= EVENT_OUTPUT_CHARS) {
                    append(kind, target, Optional.of("\n[output beyond " + EVENT_OUTPUT_CHARS + " characters dropped]\n"), Optional.empty());
                }
                if (stdout) {
                    progress.stdoutEvented = evented;
                }
                else {
                    progress.stderrEvented = evented;
                }
            }
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * First half of a host's end: claims it (later reports for the host are ignored) and returns the record to store.
     * Readers do not see the end until {@link #publishFinished}, so a job that looks complete is already stored.
     * Empty when the host was already claimed (a backend breaking its contract is ignored).
     */
    public Optional<Claim> claimFinished(HostTarget target, HostResult result)
    {
        lock.lock();
        try {
            HostProgress progress = progress(target);
            if (progress.result != null) {
                return Optional.empty();
            }
            progress.result = result;
            claimed++;
            HostResultRecord record = record(progress);
            progress.outputHash = OutputHash.of(record.exitCode(), record.stdout(), record.stderr());
            return Optional.of(new Claim(record, claimed == hosts.size()));
        }
        finally {
            lock.unlock();
        }
    }

    /** Second half of a host's end: appends its FINISHED event. */
    public void publishFinished(HostTarget target)
    {
        lock.lock();
        try {
            HostProgress progress = progress(target);
            if (progress.result == null || progress.published) {
                throw new IllegalStateException("host " + target.address() + " of job " + id + " is not claimed, or already published");
            }
            progress.published = true;
            done++;
            append(JobEvent.Kind.FINISHED, target, Optional.empty(), Optional.of(progress.result));
            if (done == hosts.size()) {
                finishedAt = clock.instant();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * A host's stored record, and whether it was the job's last host to finish.
     */
    public record Claim(HostResultRecord record, boolean last) {}

    public boolean hasFinished(HostTarget target)
    {
        lock.lock();
        try {
            return progress(target).result != null;
        }
        finally {
            lock.unlock();
        }
    }

    public boolean complete()
    {
        lock.lock();
        try {
            return done == hosts.size();
        }
        finally {
            lock.unlock();
        }
    }

    /** When the last host finished; empty while running. */
    public Optional<Instant> finishedAt()
    {
        lock.lock();
        try {
            return Optional.ofNullable(finishedAt);
        }
        finally {
            lock.unlock();
        }
    }

    /** Each host's result so far, in target order; hosts still running are absent. */
    public Map<HostTarget, HostResultRecord> results()
    {
        lock.lock();
        try {
            Map<HostTarget, HostResultRecord> results = new LinkedHashMap<>();
            for (HostProgress progress : hosts.values()) {
                if (progress.result != null) {
                    results.put(progress.target, record(progress));
                }
            }
            return results;
        }
        finally {
            lock.unlock();
        }
    }

    // caller holds the lock
    private static HostResultRecord record(HostProgress progress)
    {
        HostResult r = progress.result;
        return new HostResultRecord(progress.target.address(), progress.target.name(), r.succeeded(), r.exitCode(), r.failure().map(Enum::name),
                r.message(), r.duration(), progress.stdout.toString(), progress.stderr.toString(), progress.truncated);
    }

    /**
     * Marks the job cancelled (idempotent). False when every host had already finished or it was cancelled before:
     * then there is nothing to stop.
     */
    public boolean cancel(String reason)
    {
        lock.lock();
        try {
            if (cancelled || claimed == hosts.size()) {
                return false;
            }
            cancelled = true;
            stopReason = Optional.of(reason);
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    public boolean cancelled()
    {
        lock.lock();
        try {
            return cancelled;
        }
        finally {
            lock.unlock();
        }
    }

    /** Records why no more hosts are launched (the first reason given wins). */
    public void stop(String reason)
    {
        lock.lock();
        try {
            if (stopReason.isEmpty()) {
                stopReason = Optional.of(reason);
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Why the job stopped launching hosts (cancelled, threshold exceeded); empty while it launches normally. */
    public Optional<String> stopReason()
    {
        lock.lock();
        try {
            return stopReason;
        }
        finally {
            lock.unlock();
        }
    }

    /** Hosts counted by state; a host counts as finished once its result is claimed (stored before anyone reads it as done). */
    public Progress progress()
    {
        lock.lock();
        try {
            int succeeded = 0;
            int failed = 0;
            int skipped = 0;
            int running = 0;
            for (HostProgress progress : hosts.values()) {
                if (progress.result != null) {
                    if (progress.result.succeeded()) {
                        succeeded++;
                    }
                    else if (progress.result.failure().orElseThrow() == FailureReason.SKIPPED) {
                        skipped++;
                    }
                    else {
                        failed++;
                    }
                }
                else if (progress.launched) {
                    running++;
                }
            }
            return new Progress(hosts.size(), succeeded, failed, skipped, running, hosts.size() - succeeded - failed - skipped - running);
        }
        finally {
            lock.unlock();
        }
    }

    /** Host counts by state. */
    public record Progress(int total, int succeeded, int failed, int skipped, int running, int queued)
    {
        public HostCounts counts()
        {
            return new HostCounts(total, succeeded, failed, skipped);
        }
    }

    /** Every host in target order with its state, result and output sizes, without the output itself. */
    public List<HostView> hosts()
    {
        lock.lock();
        try {
            return hosts.values().stream().map(p -> new HostView(p.target, Optional.ofNullable(p.result), p.launched,
                    p.stdout.length(), p.stderr.length(), p.truncated, p.outputHash)).toList();
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * One host as seen from memory.
     *
     * @param result present once the host finished
     * @param outputHash {@link OutputHash} of its kept output once finished, else empty
     */
    public record HostView(HostTarget target, Optional<HostResult> result, boolean launched, int stdoutChars, int stderrChars, boolean truncated,
            String outputHash) {}

    /** True when the host's kept stdout or stderr contains {@code text}, ignoring case. */
    public boolean outputContains(HostTarget target, String text)
    {
        lock.lock();
        try {
            HostProgress progress = progress(target);
            return containsIgnoringCase(progress.stdout, text) || containsIgnoringCase(progress.stderr, text);
        }
        finally {
            lock.unlock();
        }
    }

    private static boolean containsIgnoringCase(CharSequence haystack, String needle)
    {
        String text = haystack.toString();
        int last = text.length() - needle.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return true;
            }
        }
        return false;
    }

    /** A page of a host's kept output: {@code limit} characters of each stream from the given offsets. */
    public OutputPage output(String lanIp, int stdoutOffset, int stderrOffset, int limit)
    {
        lock.lock();
        try {
            HostProgress progress = hosts.get(lanIp);
            if (progress == null) {
                throw new IllegalArgumentException("host " + lanIp + " is not part of job " + id);
            }
            return new OutputPage(slice(progress.stdout, stdoutOffset, limit), slice(progress.stderr, stderrOffset, limit),
                    progress.stdout.length(), progress.stderr.length());
        }
        finally {
            lock.unlock();
        }
    }

    private static String slice(StringBuilder text, int offset, int limit)
    {
        int from = Math.min(offset, text.length());
        int to = (int) Math.min((long) from + limit, text.length());
        return text.substring(from, to);
    }

    /** A slice of each stream and the length kept so far. */
    public record OutputPage(String stdout, String stderr, int stdoutChars, int stderrChars) {}

    public Optional<HostTarget> target(String lanIp)
    {
        return Optional.ofNullable(hosts.get(lanIp)).map(HostProgress::target);
    }

    /** Waits up to {@code maxWait} for every host to finish; true when they did. */
    public boolean awaitCompletion(Duration maxWait)
            throws InterruptedException
    {
        long remaining = maxWait.toNanos();
        lock.lock();
        try {
            while (done < hosts.size()) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = appended.awaitNanos(remaining);
            }
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Events with {@code seq > cursor}, at most {@code maxEvents}; waits up to {@code maxWait} when there are none yet.
     */
    public EventPage read(long cursor, int maxEvents, Duration maxWait)
            throws InterruptedException
    {
        if (cursor < 0) {
            throw new IllegalArgumentException("cursor must be 0 or more, was " + cursor);
        }
        long remaining = maxWait.toNanos();
        lock.lock();
        try {
            while (events.size() <= cursor && done < hosts.size() && remaining > 0) {
                remaining = appended.awaitNanos(remaining);
            }
            int from = (int) Math.min(cursor, events.size());
            int to = (int) Math.min((long) from + maxEvents, events.size());
            List<JobEvent> page = List.copyOf(events.subList(from, to));
            return new EventPage(page, to, done == hosts.size() && to == events.size(), hosts.size(), done);
        }
        finally {
            lock.unlock();
        }
    }

    private HostProgress progress(HostTarget target)
    {
        HostProgress progress = hosts.get(target.address());
        if (progress == null) {
            throw new IllegalArgumentException("host " + target.address() + " is not part of job " + id);
        }
        return progress;
    }

    // caller holds the lock
    private void append(JobEvent.Kind kind, HostTarget target, Optional<String> text, Optional<HostResult> result)
    {
        events.add(new JobEvent(events.size() + 1, kind, target, text, result));
        appended.signalAll();
    }

    private static final class HostProgress
    {
        private final HostTarget target;
        private final StringBuilder stdout = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();
        private boolean truncated;
        private int stdoutEvented;
        private int stderrEvented;
        private HostResult result;
        private boolean published;
        private boolean launched;
        private String outputHash = "";

        private HostProgress(HostTarget target)
        {
            this.target = target;
        }

        private HostTarget target()
        {
            return target;
        }
    }
}
