package org.omserver.catalog.job;

import java.util.List;
import java.util.Optional;

public interface JobRepository
{
    /** Stores a new job (its id is ignored) with status RUNNING and returns its id. */
    long create(JobRecord job);

    void addHostResult(long jobId, HostResultRecord result);

    void setStatus(long jobId, JobStatus status);

    Optional<JobRecord> find(long jobId);

    List<HostResultRecord> hostResults(long jobId);

    /** Marks every RUNNING job INTERRUPTED (called at master start); returns how many. */
    int interruptRunning();
}
