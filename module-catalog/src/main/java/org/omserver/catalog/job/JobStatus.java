package org.omserver.catalog.job;

public enum JobStatus
{
    RUNNING,
    /** Every host finished, whatever each host's outcome. */
    FINISHED,
    /** The master stopped before every host finished; the host rows hold what was gathered. */
    INTERRUPTED,
    /** A user cancelled it: running hosts were interrupted, the others skipped. */
    CANCELLED,
    /** Its failure threshold was exceeded: hosts not yet launched were skipped ({@code stopReason} says so). */
    STOPPED
}
