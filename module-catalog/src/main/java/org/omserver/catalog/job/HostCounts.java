package org.omserver.catalog.job;

/** How a job's hosts ended; the host counts of a history row. */
public record HostCounts(int total, int succeeded, int failed, int skipped)
{
    public HostCounts
    {
        if (total < 0 || succeeded < 0 || failed < 0 || skipped < 0 || succeeded + failed + skipped > total) {
            throw new IllegalArgumentException("inconsistent host counts: total " + total + ", succeeded " + succeeded + ", failed " + failed
                    + ", skipped " + skipped);
        }
    }
}
