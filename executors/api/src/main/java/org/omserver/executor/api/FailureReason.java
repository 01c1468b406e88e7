package org.omserver.executor.api;

/** Why a host did not succeed. Backends classify by exception type, never by message text. */
public enum FailureReason
{
    /** Could not connect: no route, refused, DNS, connect timeout. */
    UNREACHABLE,
    /** Connected, but the host did not accept our credentials. */
    AUTH_FAILED,
    /** The host's key is unknown or differs from the pinned one. */
    HOST_KEY_REJECTED,
    /** The command did not finish within the invocation's timeout. */
    TIMEOUT,
    /** The command ran and exited with a non-zero code. */
    NON_ZERO_EXIT,
    /** The host refused the command (e.g. no exec channel, not allowed by the agent). */
    REFUSED,
    /** Cancelled by the master (interrupt, shutdown). */
    INTERRUPTED,
    /** The connection broke while the command ran, or the protocol failed. */
    CONNECTION_LOST,
    /** The command ran, but the host failed the check after it (an agent update whose new version was rolled back). */
    UNHEALTHY,
    /** A bug or unexpected state in the backend; the message says more. */
    INTERNAL,
    /** Never launched: the master cancelled the job, or its failure threshold was exceeded. Set by the master, never by a backend. */
    SKIPPED
}
