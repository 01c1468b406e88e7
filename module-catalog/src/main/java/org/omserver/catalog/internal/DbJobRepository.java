package org.omserver.catalog.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.omserver.catalog.internal.Mappers.JobMapper;
import org.omserver.catalog.internal.Rows.HostRow;
import org.omserver.catalog.internal.Rows.JobQueryRow;
import org.omserver.catalog.internal.Rows.JobRow;
import org.omserver.catalog.job.HostCounts;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.HostSummaryRecord;
import org.omserver.catalog.job.JobHostResult;
import org.omserver.catalog.job.JobQuery;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.job.JobStatus;
import org.omserver.catalog.job.JobSummaryRecord;
import org.omserver.catalog.job.OutputHash;

import static java.util.Objects.requireNonNull;

public final class DbJobRepository
        implements JobRepository
{
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
        row.hostsTotal = job.targets().size();
        row.parentJobId = job.parentJobId().isPresent() ? job.parentJobId().getAsLong() : null;
        row.scheduleId = job.scheduleId().isPresent() ? job.scheduleId().getAsLong() : null;
        row.rolling = job.rolling().isEmpty() ? null : Db.cap(Db.toJson(job.rolling()), 512);
        db.call(JobMapper.class, mapper -> {
            mapper.insert(row);
            return null;
        });
        return row.id;
    }

    @Override
    public void addHostResult(long jobId, HostResultRecord result)
    {
        HostRow row = hostRow(jobId, result);
        db.call(JobMapper.class, mapper -> {
            mapper.insertHost(row);
            return null;
        });
    }

    @Override
    public void addHostResults(List<JobHostResult> results)
    {
        List<HostRow> rows = results.stream().map(entry -> hostRow(entry.jobId(), entry.result())).toList();
        db.batch(JobMapper.class, mapper -> rows.forEach(mapper::insertHost));
    }

    private static HostRow hostRow(long jobId, HostResultRecord result)
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
        row.stdoutChars = row.stdout.length();
        row.stderrChars = row.stderr.length();
        row.outputHash = OutputHash.of(result.exitCode(), row.stdout, row.stderr);
        return row;
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
    public void finish(long jobId, JobStatus status, HostCounts counts, Optional<String> stopReason)
    {
        requireNonNull(status, "status is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(stopReason, "stopReason is null");
        if (status == JobStatus.RUNNING) {
            throw new IllegalArgumentException("a job cannot finish RUNNING");
        }
        int updated = db.call(JobMapper.class, mapper -> mapper.finish(jobId, status.name(), Db.utc(clock.instant()), counts.total(),
                counts.succeeded(), counts.failed(), counts.skipped(), stopReason.map(reason -> Db.cap(reason, 512)).orElse(null)));
        if (updated != 1) {
            throw new IllegalArgumentException("there is no job " + jobId);
        }
    }

    @Override
    public Optional<JobRecord> find(long jobId)
    {
        return Optional.ofNullable(db.call(JobMapper.class, mapper -> mapper.find(jobId)))
                .map(row -> new JobRecord(row.id, Db.instant(row.createdAt), row.username, row.moduleId,
                        Db.jsonMap(row.params), Db.jsonList(row.targets), JobStatus.valueOf(row.status),
                        optional(row.parentJobId), optional(row.scheduleId),
                        row.rolling == null ? Map.of() : Db.jsonMap(row.rolling), Optional.ofNullable(row.stopReason)));
    }

    @Override
    public Optional<JobSummaryRecord> summary(long jobId)
    {
        return Optional.ofNullable(db.call(JobMapper.class, mapper -> mapper.summary(jobId))).map(DbJobRepository::summary);
    }

    @Override
    public List<JobSummaryRecord> page(JobQuery query)
    {
        requireNonNull(query, "query is null");
        JobQueryRow row = new JobQueryRow();
        row.beforeId = query.beforeId().isPresent() ? query.beforeId().getAsLong() : null;
        row.limit = query.limit();
        row.username = query.username().orElse(null);
        row.moduleId = query.moduleId().isPresent() ? query.moduleId().getAsInt() : null;
        row.status = query.status().map(Enum::name).orElse(null);
        row.since = query.since().map(Db::utc).orElse(null);
        row.until = query.until().map(Db::utc).orElse(null);
        return db.call(JobMapper.class, mapper -> mapper.page(row)).stream().map(DbJobRepository::summary).toList();
    }

    private static JobSummaryRecord summary(JobRow row)
    {
        return new JobSummaryRecord(row.id, Db.instant(row.createdAt), Optional.ofNullable(row.finishedAt).map(Db::instant), row.username,
                row.moduleId, row.moduleName == null ? "" : row.moduleName, JobStatus.valueOf(row.status),
                new HostCounts(row.hostsTotal, row.hostsSucceeded, row.hostsFailed, row.hostsSkipped),
                optional(row.parentJobId), optional(row.scheduleId));
    }

    private static OptionalLong optional(Long value)
    {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    @Override
    public List<Long> children(long jobId)
    {
        return db.call(JobMapper.class, mapper -> mapper.children(jobId));
    }

    @Override
    public List<HostResultRecord> hostResults(long jobId)
    {
        return db.call(JobMapper.class, mapper -> mapper.hosts(jobId)).stream().map(DbJobRepository::result).toList();
    }

    @Override
    public Optional<HostResultRecord> hostResult(long jobId, String lanIp)
    {
        requireNonNull(lanIp, "lanIp is null");
        return Optional.ofNullable(db.call(JobMapper.class, mapper -> mapper.host(jobId, lanIp)))
                // MySQL's collation ignores case and trailing spaces: the match must be exact
                .filter(row -> row.lanIp.equals(lanIp))
                .map(DbJobRepository::result);
    }

    private static HostResultRecord result(HostRow row)
    {
        return new HostResultRecord(row.lanIp, row.hostName, row.success,
                row.exitCode == null ? OptionalInt.empty() : OptionalInt.of(row.exitCode),
                Optional.ofNullable(row.failureReason), row.message, Duration.ofMillis(row.durationMs),
                row.stdout, row.stderr, row.truncated);
    }

    @Override
    public List<HostSummaryRecord> hostSummaries(long jobId, Optional<String> outputContains)
    {
        requireNonNull(outputContains, "outputContains is null");
        return db.call(JobMapper.class, mapper -> mapper.hostSummaries(jobId, outputContains.orElse(null))).stream()
                .map(row -> new HostSummaryRecord(row.lanIp, row.hostName, row.success,
                        row.exitCode == null ? OptionalInt.empty() : OptionalInt.of(row.exitCode),
                        Optional.ofNullable(row.failureReason), row.message, Duration.ofMillis(row.durationMs),
                        row.stdoutChars, row.stderrChars, row.truncated, row.outputHash))
                .toList();
    }

    @Override
    public int interruptRunning()
    {
        return db.call(JobMapper.class, mapper -> mapper.interruptRunning(Db.utc(clock.instant())));
    }

    @Override
    public int deleteCreatedBefore(Instant cutoff, int batch)
    {
        requireNonNull(cutoff, "cutoff is null");
        checkBatch(batch);
        return delete(db.call(JobMapper.class, mapper -> mapper.endedCreatedBefore(Db.utc(cutoff), batch)));
    }

    @Override
    public int deleteBeyondNewest(int keep, int batch)
    {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be 0 or more, was " + keep);
        }
        checkBatch(batch);
        Long newestToDelete = db.call(JobMapper.class, mapper -> mapper.newestBeyond(keep));
        if (newestToDelete == null) {
            return 0;
        }
        return delete(db.call(JobMapper.class, mapper -> mapper.endedUpTo(newestToDelete, batch)));
    }

    private static void checkBatch(int batch)
    {
        if (batch < 1 || batch > 10_000) {
            throw new IllegalArgumentException("batch must be 1 to 10000, was " + batch);
        }
    }

    private int delete(List<Long> ids)
    {
        if (ids.isEmpty()) {
            return 0;
        }
        return db.call(JobMapper.class, mapper -> {
            mapper.deleteHosts(ids);
            return mapper.deleteJobs(ids);
        });
    }
}
