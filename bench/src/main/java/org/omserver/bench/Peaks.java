package org.omserver.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Samples this JVM's platform threads, open file descriptors and used heap every 100 ms until stopped; keeps the
 * peaks. Not more often: listing /proc/self/fd every 20 ms cost the measured process 3-5 % of its CPU.
 */
final class Peaks
        implements AutoCloseable
{
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Thread sampler;
    private volatile boolean stop;
    private volatile int peakThreads;
    private volatile long peakFds;
    private volatile long peakHeap;

    private Peaks()
    {
        sampler = Thread.ofPlatform().name("bench-sampler").daemon(true).unstarted(this::sample);
    }

    static Peaks start()
    {
        Peaks peaks = new Peaks();
        peaks.sampler.start();
        return peaks;
    }

    private void sample()
    {
        // stops when closed; a job that throws ends the process, and this thread is a daemon
        while (!stop) {
            peakThreads = Math.max(peakThreads, threads.getThreadCount());
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                peakFds = Math.max(peakFds, fds.count());
            }
            catch (IOException e) {
                peakFds = -1;
            }
            Runtime runtime = Runtime.getRuntime();
            peakHeap = Math.max(peakHeap, runtime.totalMemory() - runtime.freeMemory());
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    int threads()
    {
        return peakThreads;
    }

    long fds()
    {
        return peakFds;
    }

    long heapMiB()
    {
        return peakHeap / (1024 * 1024);
    }

    /** Stops sampling; the peaks stay readable. */
    @Override
    public void close()
            throws InterruptedException
    {
        stop = true;
        sampler.join();
    }
}
