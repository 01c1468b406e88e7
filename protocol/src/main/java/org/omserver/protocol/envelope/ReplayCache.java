package org.omserver.protocol.envelope;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Remembers the ids of envelopes seen recently so each is accepted once. An id needs to be kept only as long as
 * its timestamp could still pass the window check; older ones are purged. Bounded: when full even after a purge,
 * new envelopes are refused rather than letting memory grow (the sender retries with a fresh envelope).
 */
public final class ReplayCache
{
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;
    private final AtomicInteger sinceLastPurge = new AtomicInteger();

    public ReplayCache(Clock clock, int capacity)
    {
        this.clock = requireNonNull(clock, "clock is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("replay cache capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Records {@code id} until {@code expiresAtMillis}; false when it was already there (a replay) or the cache is full. */
    boolean firstSighting(String id, long expiresAtMillis)
            throws EnvelopeException
    {
        if (sinceLastPurge.incrementAndGet() >= 1024 || expiries.size() >= capacity) {
            purge();
        }
        if (expiries.size() >= capacity) {
            throw new EnvelopeException(EnvelopeException.Reason.REPLAYED,
                    "too many envelopes within the time window (" + capacity + "); retry shortly");
        }
        return expiries.putIfAbsent(id, expiresAtMillis) == null;
    }

    int size()
    {
        return expiries.size();
    }

    private void purge()
    {
        sinceLastPurge.set(0);
        long now = clock.millis();
        for (Iterator<Long> it = expiries.values().iterator(); it.hasNext(); ) {
            if (it.next() < now) {
                it.remove();
            }
        }
    }
}
