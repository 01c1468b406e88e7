package org.omserver.executor.ssh;

import org.omserver.executor.api.EventSink;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** An {@link EventSink} that keeps every event in order, for assertions. Thread-safe. */
public class RecordingSink
        implements EventSink
{
    public enum Kind
    {
        STARTED,
        OUTPUT,
        FINISHED
    }

    public record Event(Kind kind, HostTarget target, OutputStream stream, String chunk, HostResult result) {}

    private final List<Event> events = new ArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public synchronized void started(HostTarget target)
    {
        events.add(new Event(Kind.STARTED, target, null, null, null));
        started.countDown();
    }

    @Override
    public synchronized void output(HostTarget target, OutputStream stream, String chunk)
    {
        events.add(new Event(Kind.OUTPUT, target, stream, chunk, null));
    }

    @Override
    public synchronized void finished(HostTarget target, HostResult result)
    {
        events.add(new Event(Kind.FINISHED, target, null, null, result));
        finished.countDown();
    }

    public synchronized List<Event> events()
    {
        return List.copyOf(events);
    }

    public synchronized List<Kind> kinds()
    {
        return events.stream().map(Event::kind).distinct().toList();
    }

    public String stdout()
    {
        return text(OutputStream.STDOUT);
    }

    public String stderr()
    {
        return text(OutputStream.STDERR);
    }

    public synchronized String text(OutputStream stream)
    {
        StringBuilder text = new StringBuilder();
        events.stream().filter(event -> event.kind() == Kind.OUTPUT && event.stream() == stream).forEach(event -> text.append(event.chunk()));
        return text.toString();
    }

    /** The one result; fails if there is none or more than one. */
    public synchronized HostResult result()
    {
        List<HostResult> results = events.stream().filter(event -> event.kind() == Kind.FINISHED).map(Event::result).toList();
        if (results.size() != 1) {
            throw new AssertionError("expected exactly one finished event, got " + results.size() + ": " + events);
        }
        return results.getFirst();
    }

    public boolean awaitStarted(long timeout, TimeUnit unit)
            throws InterruptedException
    {
        return started.await(timeout, unit);
    }

    public boolean awaitFinished(long timeout, TimeUnit unit)
            throws InterruptedException
    {
        return finished.await(timeout, unit);
    }
}
