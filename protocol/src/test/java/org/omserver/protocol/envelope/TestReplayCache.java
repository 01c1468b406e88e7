package org.omserver.protocol.envelope;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestReplayCache
{
    private final TestingClock clock = new TestingClock(1_000_000L);

    @Test
    void acceptsAnIdOnce()
            throws EnvelopeException
    {
        ReplayCache cache = new ReplayCache(clock, 10);
        assertThat(cache.firstSighting("a", 2_000_000L)).isTrue();
        assertThat(cache.firstSighting("a", 2_000_000L)).isFalse();
        assertThat(cache.firstSighting("b", 2_000_000L)).isTrue();
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void purgesExpiredIdsPeriodicallyEvenWhenNotFull()
            throws EnvelopeException
    {
        ReplayCache cache = new ReplayCache(clock, 1_000_000);
        for (int i = 0; i < 1000; i++) {
            cache.firstSighting("old-" + i, clock.millis() + 10);
        }
        clock.advance(Duration.ofMillis(11));
        for (int i = 0; i < 100; i++) {
            cache.firstSighting("new-" + i, clock.millis() + 10);
        }
        // the 1024th sighting purged the 1000 expired ids
        assertThat(cache.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void keepsIdsUntilTheyExpire()
            throws EnvelopeException
    {
        ReplayCache cache = new ReplayCache(clock, 2);
        cache.firstSighting("a", clock.millis() + 10);
        cache.firstSighting("b", clock.millis() + 10);
        clock.advance(Duration.ofMillis(10));
        // expiry is inclusive: at exactly expiresAt the id is still remembered, so the cache is still full
        assertThatThrownBy(() -> cache.firstSighting("c", clock.millis() + 10))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.REPLAYED))
                .hasMessageContaining("too many envelopes within the time window (2); retry shortly");
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.firstSighting("c", clock.millis() + 10)).isTrue();
        assertThat(cache.size()).isEqualTo(1);
    }
}
