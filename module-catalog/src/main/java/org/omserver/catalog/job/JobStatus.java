package org.omserver.catalog.job;

public enum JobStatus
{
    RUNNING,
    /** Every host finished, whatever each host's outcome. */
    FINISHED,
    /** The master stopped before every host finished; the host rows hold what was gathered. */
    INTERRUPTED
}
