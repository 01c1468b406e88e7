package org.omserver.catalog.job;

import static java.util.Objects.requireNonNull;

/** One host's result of one job: the unit {@link JobRepository#addHostResults} stores many of in one transaction. */
public record JobHostResult(long jobId, HostResultRecord result)
{
    public JobHostResult
    {
        requireNonNull(result, "result is null");
    }
}
