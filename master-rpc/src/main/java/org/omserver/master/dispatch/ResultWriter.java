package org.omserver.master.dispatch;

import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.JobHostResult;
import org.omserver.catalog.job.JobRepository;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Group commit of host results. {@link #store} returns once the result is committed, as a plain insert would, but
 * hosts that finish while another host's write is in progress queue up and are written together in the next
 * transaction, so 1,000 hosts finishing within a second share a few dozen commits instead of paying 1,000. There is
 * no writer thread: whichever caller finds the writer free drains the queue (at most {@link #MAX_BATCH} rows per
 * transaction) while the others wait for their own row. A batch that fails is retried row by row, so one bad row
 * fails only its own host. The drainer keeps writing while rows keep arriving, so its own host's FINISHED event
 * waits that long: a few batches as long as the database stores rows faster than hosts finish (500 hosts: MariaDB
 * spent 0.09 s of CPU on all of them).
 */
final class ResultWriter
{
    static final int MAX_BATCH = 200;

    private record Pending(JobHostResult row, CompletableFuture<Void> stored) {}

    private final JobRepository repository;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    ResultWriter(JobRepository repository)
    {
        this.repository = requireNonNull(repository, "repository is null");
    }

    /** Stores the row; returns when it is committed, throws what the database threw for it. */
    void store(long jobId, HostResultRecord result)
    {
        Pending pending = new Pending(new JobHostResult(jobId, result), new CompletableFuture<>());
        queue.add(pending);
        // the lock holder drains until the queue is empty and re-checks after unlocking, so a row queued while it
        // held the lock is written by it or by the next holder: nobody waits for a writer that is not coming
        while (!queue.isEmpty() && writing.tryLock()) {
            try {
                drain();
            }
            finally {
                writing.unlock();
            }
        }
        try {
            pending.stored().join();
        }
        catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** Rows waiting for a writer (for tests). */
    int queued()
    {
        return queue.size();
    }

    private void drain()
    {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        Pending next;
        while ((next = queue.poll()) != null) {
            batch.add(next);
            if (batch.size() == MAX_BATCH) {
                write(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<Pending> batch)
    {
        try {
            repository.addHostResults(batch.stream().map(Pending::row).toList());
            batch.forEach(pending -> pending.stored().complete(null));
        }
        catch (RuntimeException batchFailure) {
            for (Pending pending : batch) {
                try {
                    repository.addHostResult(pending.row().jobId(), pending.row().result());
                    pending.stored().complete(null);
                }
                catch (RuntimeException e) {
                    pending.stored().completeExceptionally(e);
                }
            }
        }
    }
}
