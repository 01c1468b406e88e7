package org.omserver.executor.api;

/** Receives one host's progress. Called from executor threads; implementations must be thread-safe and fast. */
public interface EventSink
{
    void started(HostTarget target);

    /** A chunk of decoded UTF-8 text (malformed bytes replaced), never split inside a character. */
    void output(HostTarget target, OutputStream stream, String chunk);

    void finished(HostTarget target, HostResult result);

    /** Which of the remote process's streams a chunk came from. */
    enum OutputStream
    {
        STDOUT,
        STDERR
    }
}
