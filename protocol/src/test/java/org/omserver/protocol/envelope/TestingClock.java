package org.omserver.protocol.envelope;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand; safe to read from several threads. */
public final class TestingClock
        extends Clock
{
    private final AtomicLong millis;

    public TestingClock(long millis)
    {
        this.millis = new AtomicLong(millis);
    }

    public void advance(Duration duration)
    {
        millis.addAndGet(duration.toMillis());
    }

    public void set(long newMillis)
    {
        millis.set(newMillis);
    }

    @Override
    public long millis()
    {
        return millis.get();
    }

    @Override
    public Instant instant()
    {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone()
    {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone)
    {
        throw new UnsupportedOperationException("TestingClock is always UTC");
    }
}
