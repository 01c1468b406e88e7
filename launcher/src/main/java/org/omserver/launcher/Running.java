package org.omserver.launcher;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a role running until the JVM is asked to stop, then closes its parts in reverse start order. */
final class Running
{
    private static final Logger log = LoggerFactory.getLogger(Running.class);

    private Running() {}

    static int untilStopped(List<AutoCloseable> startedInOrder)
    {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll(startedInOrder);
            stopped.countDown();
        }, "omserver-shutdown"));
        try {
            stopped.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static void closeAll(List<AutoCloseable> startedInOrder)
    {
        for (int i = startedInOrder.size() - 1; i >= 0; i--) {
            AutoCloseable part = startedInOrder.get(i);
            try {
                part.close();
            }
            catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
