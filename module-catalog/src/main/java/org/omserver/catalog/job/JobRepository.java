package org.omserver.catalog.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface JobRepository
{
    /** Per output stream and host, in bytes of UTF-8: longer outputs are cut and marked {@code truncated}. */
    int OUTPUT_CAP_BYTES = 256 * 1024;

    /** Stores a new job (its id and status are ignored) with status RUNNING and returns its id. */
    long create(JobRecord job);

    void addHostResult(long jobId, HostResultRecord result);

    /**
     * Stores several hosts' results (of any jobs) in one transaction: all or none. The master's group commit uses
     * it so that hosts finishing together share one commit instead of paying one each.
     */
    void addHostResults(List<JobHostResult> results);

    void setStatus(long jobId, JobStatus status);

    /** Ends the job: its status, host counts and why it ended early (if it did). */
    void finish(long jobId, JobStatus status, HostCounts counts, Optional<String> stopReason);

    Optional<JobRecord> find(long jobId);

    Optional<JobSummaryRecord> summary(long jobId);

    /** A history page, newest first. */
    List<JobSummaryRecord> page(JobQuery query);

    /** Ids of the retries of this job, oldest first. */
    List<Long> children(long jobId);

    List<HostResultRecord> hostResults(long jobId);

    Optional<HostResultRecord> hostResult(long jobId, String lanIp);

    /**
     * The stored hosts of a job without their outputs, by LAN IP; with {@code outputContains}, only hosts whose stdout
     * or stderr contains that text, ignoring case.
     */
    List<HostSummaryRecord> hostSummaries(long jobId, Optional<String> outputContains);

    /** Marks every RUNNING job INTERRUPTED with the counts of the results it gathered (called at master start); returns how many. */
    int interruptRunning();

    /** Deletes up to {@code batch} ended jobs created before {@code cutoff}, oldest first, with their host rows; returns how many. */
    int deleteCreatedBefore(Instant cutoff, int batch);

    /** Deletes up to {@code batch} of the ended jobs beyond the newest {@code keep}, oldest first, with their host rows; returns how many. */
    int deleteBeyondNewest(int keep, int batch);
}
