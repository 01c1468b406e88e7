package org.omserver.executor.api;

/**
 * Runs invocations on hosts. Implementations are thread-safe: the master calls {@link #execute} for many
 * hosts at once, from its own bounded pool, and never for more hosts than its concurrency limit.
 */
public interface Executor
        extends AutoCloseable
{
    /**
     * Runs one invocation on one host and blocks until it is finished. Reports to {@code sink}:
     * {@link EventSink#started} once the host accepted the command (omitted when it never did), any number of
     * {@link EventSink#output} chunks, then exactly one {@link EventSink#finished}. Never throws for remote
     * failures; an interrupt of the calling thread cancels the remote command, finishes the host with
     * {@link FailureReason#INTERRUPTED}, and leaves the thread's interrupt flag set.
     */
    void execute(Invocation invocation, EventSink sink);

    /**
     * Closes the connections this backend keeps for reuse and is not using now (the next invocation on those hosts
     * connects afresh); invocations running meanwhile are not affected. Backends that keep nothing do nothing.
     */
    default void closeIdle() {}

    /** Releases connections and threads. */
    @Override
    default void close() {}
}
