package org.omserver.catalog.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.omserver.catalog.internal.Mappers.JobMapper;
import org.omserver.catalog.internal.Rows.HostRow;
import org.omserver.catalog.internal.Rows.JobRow;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.job.JobStatus;

import static java.util.Objects.requireNonNull;

public final class DbJobRepository
        implements JobRepository
{
    /** Per output stream and host; what a history page can show, and what fits MEDIUMTEXT many times over. */
    static final int OUTPUT_CAP_BYTES = 64 * 1024;

    private final Db db;
    private final Clock clock;

    DbJobRepository(Db db, Clock clock)
    {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public long create(JobRecord job)
    {
        requireNonNull(job, "job is null");
        JobRow row = new JobRow();
        row.createdAt = Db.utc(job.createdAt());
        row.username = Db.cap(job.username(), 64);
        row.moduleId = job.moduleId();
        row.params = Db.toJson(job.params());
        row.targets = Db.toJson(job.targets());
        row.status = JobStatus.RUNNING.name();
        db.call(JobMapper.class, mapper -> {
            mapper.insert(row);
            return null;
        });
        return row.id;
    }

    @Override
    public void addHostResult(long jobId, HostResultRecord result)
    {
        requireNonNull(result, "result is null");
        HostRow row = new HostRow();
        row.jobId = jobId;
        row.lanIp = result.lanIp();
        row.hostName = Db.cap(result.hostName(), 64);
        row.success = result.success();
        row.exitCode = result.exitCode().isPresent() ? result.exitCode().getAsInt() : null;
        row.failureReason = result.failureReason().map(reason -> Db.cap(reason, 32)).orElse(null);
        row.message = Db.capUtf8(result.message(), 16 * 1024);
        row.durationMs = result.duration().toMillis();
        row.stdout = Db.capUtf8(result.stdout(), OUTPUT_CAP_BYTES);
        row.stderr = Db.capUtf8(result.stderr(), OUTPUT_CAP_BYTES);
        row.truncated = result.truncated() || !row.stdout.equals(result.stdout()) || !row.stderr.equals(result.stderr());
        db.call(JobMapper.class, mapper -> {
            mapper.insertHost(row);
            return null;
        });
    }

    @Override
    public void setStatus(long jobId, JobStatus status)
    {
        requireNonNull(status, "status is null");
        int updated = db.call(JobMapper.class, mapper -> mapper.setStatus(jobId, status.name(),
                status == JobStatus.RUNNING ? null : Db.utc(clock.instant())));
        if (updated != 1) {
            throw new IllegalArgumentException("there is no job " + jobId);
        }
    }

    @Override
    public Optional<JobRecord> find(long jobId)
    {
        return Optional.ofNullable(db.call(JobMapper.class, mapper -> mapper.find(jobId)))
                .map(row -> new JobRecord(row.id, Db.instant(row.createdAt), row.username, row.moduleId,
                        Db.jsonMap(row.params), Db.jsonList(row.targets), JobStatus.valueOf(row.status)));
    }

    @Override
    public List<HostResultRecord> hostResults(long jobId)
    {
        return db.call(JobMapper.class, mapper -> mapper.hosts(jobId)).stream()
                .map(row -> new HostResultRecord(row.lanIp, row.hostName, row.success,
                        row.exitCode == null ? OptionalInt.empty() : OptionalInt.of(row.exitCode),
                        Optional.ofNullable(row.failureReason), row.message, Duration.ofMillis(row.durationMs),
                        row.stdout, row.stderr, row.truncated))
                .toList();
    }

    @Override
    public int interruptRunning()
    {
        return db.call(JobMapper.class, mapper -> mapper.interruptRunning(Db.utc(clock.instant())));
    }
}
