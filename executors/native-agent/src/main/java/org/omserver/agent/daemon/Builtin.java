package org.omserver.agent.daemon;

import java.util.List;
import java.util.Optional;

/**
 * A command the agent carries out itself instead of starting a program: the IOMS command set (agentlist,
 * version, cron…, downloads, unzip, password, updateself). The master sends it as an argument vector whose first
 * element is {@code omserver:NAME} ({@link Builtins#PREFIX}); the rest are this command's arguments, by position.
 *
 * <p>A built-in runs only when the agent's configuration enables it ({@code allow.builtins}), whatever the master
 * decided. {@link #refusal} checks the arguments before anything happens (the call is answered REFUSED with that
 * message); {@link #run} then works on a thread of its own, writes to {@link Output} like a process would, and
 * returns an exit code. A timeout or cancel interrupts that thread: long work checks
 * {@link Thread#isInterrupted()} or uses interruptible I/O.
 */
interface Builtin
{
    /** The name after {@code omserver:}, lower case, e.g. {@code agentlist}. */
    String name();

    /** One line for {@code help}: the arguments by position and what the command does. */
    String usage();

    /** Why these arguments are refused (what to write instead), or empty when they are acceptable. */
    Optional<String> refusal(List<String> args);

    /** Does the work; 0 means success. Failures are written to {@link Output#err} and given a non-zero code. */
    int run(List<String> args, Output output)
            throws InterruptedException;

    /** Where a built-in writes; the same numbered chunks, cap and cursor as a process's stdout and stderr. */
    interface Output
    {
        void out(String text);

        void err(String text);

        /**
         * Runs {@code action} once the master has read this run's end (its last output and exit code), on a thread of
         * its own: updateself restarts the agent only then, so the master sees "restarting" and the exit code.
         * Where nobody reads the output (tests), it runs at once.
         */
        default void afterEndRead(Runnable action)
        {
            action.run();
        }
    }
}
