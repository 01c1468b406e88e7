package org.omserver.protocol.envelope;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class TestSealedEnvelope
{
    private static final byte[] SECRET = "0123456789abcdef-shared-secret".getBytes(UTF_8);
    private static final long NOW = 1_700_000_000_000L;
    private static final Duration WINDOW = Duration.ofMinutes(2);
    private static final int MAX_TOKEN_CHARS = 16 * 1024 * 1024;

    // Computed independently of this code by src/test/python/sealed_envelope_vectors.py (hmac/hashlib HKDF, pure-Python
    // RC4-drop[3072]): secret above, timestamp NOW, salt 10 11 .. 1f, context "login", plaintext "héllo 世界 😀".
    private static final String PYTHON_TOKEN =
            "AgAAAYvP5WgAEBESExQVFhcYGRobHB0eH1cyFoi4TQwJ6N6kD8J00yM3d9ZvxcJxC1Y/x7fFofhau4ZiPP+JAGJO39W6NmpIsrip";

    private final TestingClock clock = new TestingClock(NOW);
    private final ReplayCache replayCache = new ReplayCache(clock, 1000);
    private final SealedEnvelope envelope = new SealedEnvelope(SECRET, clock, WINDOW, MAX_TOKEN_CHARS, replayCache);
    private ExecutorService executor;

    @AfterEach
    void shutDown()
    {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Test
    void opensAnEnvelopeMadeByAnIndependentImplementation()
            throws EnvelopeException
    {
        assertThat(new String(envelope.open("login", PYTHON_TOKEN), UTF_8)).isEqualTo("héllo 世界 😀");
    }

    @Test
    void layoutIsVersionTimestampSaltCiphertextMac()
            throws Exception
    {
        byte[] plaintext = new byte[100];
        byte[] raw = Base64.getDecoder().decode(envelope.seal("submit", plaintext));
        assertThat(raw).hasSize(1 + 8 + 16 + 100 + 32);
        assertThat(raw[0]).isEqualTo((byte) 2);
        assertThat(ByteBuffer.wrap(raw, 1, 8).getLong()).isEqualTo(NOW);

        byte[] salt = Arrays.copyOfRange(raw, 9, 25);
        byte[] cipher = Arrays.copyOfRange(raw, 25, 125);
        byte[] okm = hkdf(salt, "submit");
        byte[] rc4Key = Arrays.copyOf(okm, 32);
        byte[] keystream = Rc4.apply(rc4Key, 0, new byte[3072 + 100]);
        // a zero plaintext exposes the keystream: it starts after the first 3072 bytes, not at 0
        assertThat(cipher).isEqualTo(Arrays.copyOfRange(keystream, 3072, 3172));
        assertThat(cipher).isNotEqualTo(Arrays.copyOf(keystream, 100));

        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(Arrays.copyOfRange(okm, 32, 64), "HmacSHA256"));
        hmac.update(raw, 0, 125);
        assertThat(Arrays.copyOfRange(raw, 125, 157)).isEqualTo(hmac.doFinal());
    }

    @Test
    void roundTripsEmpty()
            throws EnvelopeException
    {
        assertThat(envelope.open("login", envelope.seal("login", new byte[0]))).isEmpty();
    }

    @Test
    void roundTripsFiveMegabytes()
            throws EnvelopeException
    {
        byte[] large = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(large);
        assertThat(envelope.open("events.reply", envelope.seal("events.reply", large))).isEqualTo(large);
    }

    @Test
    void roundTripsNonAscii()
            throws EnvelopeException
    {
        String text = "主机 web1：重启完成 ✅ 🚀👩‍💻 Ünïcødé";
        assertThat(new String(envelope.open("submit", envelope.seal("submit", text.getBytes(UTF_8))), UTF_8)).isEqualTo(text);
    }

    @Test
    void sealingTheSamePlaintextTwiceGivesDifferentEnvelopes()
    {
        byte[] plaintext = "same".getBytes(UTF_8);
        assertThat(envelope.seal("login", plaintext)).isNotEqualTo(envelope.seal("login", plaintext));
    }

    @Test
    void rejectsNullAndEmpty()
    {
        assertRejected(null, EnvelopeException.Reason.MALFORMED, "envelope is empty");
        assertRejected("", EnvelopeException.Reason.MALFORMED, "envelope is empty");
    }

    @Test
    void rejectsBadBase64()
    {
        assertRejected("@@@", EnvelopeException.Reason.MALFORMED, "envelope is not valid Base64");
    }

    @Test
    void rejectsTooShort()
    {
        assertRejected(Base64.getEncoder().encodeToString(new byte[56]), EnvelopeException.Reason.MALFORMED,
                "v2 envelope is 56 bytes, shorter than its 57-byte header and MAC");
    }

    @Test
    void rejectsOversizedToken()
    {
        SealedEnvelope small = new SealedEnvelope(SECRET, clock, WINDOW, 100, replayCache);
        String token = small.seal("login", new byte[100]);
        assertThatThrownBy(() -> small.open("login", token))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.TOO_LARGE))
                .hasMessageContaining("envelope is " + token.length() + " characters, more than the limit of 100");
    }

    @Test
    void rejectsUnsupportedVersion()
    {
        byte[] raw = Base64.getDecoder().decode(envelope.seal("login", new byte[10]));
        raw[0] = 1;
        assertRejected(Base64.getEncoder().encodeToString(raw), EnvelopeException.Reason.UNSUPPORTED_VERSION,
                "envelope version 1 is not supported here; this side speaks version 2");
        raw[0] = (byte) 0xff;
        assertRejected(Base64.getEncoder().encodeToString(raw), EnvelopeException.Reason.UNSUPPORTED_VERSION, "envelope version 255");
    }

    @Test
    void rejectsAFlippedBitAnywhereAfterTheVersion()
    {
        String token = envelope.seal("login", "username=admin".getBytes(UTF_8));
        int length = Base64.getDecoder().decode(token).length;
        int[] positions = {1, 8, 9, 24, 25, 30, length - 33, length - 32, length - 1};
        for (int position : positions) {
            for (int bit = 0; bit < 8; bit += 7) {
                assertRejected(flip(token, position, bit), EnvelopeException.Reason.BAD_MAC, "envelope does not verify");
            }
        }
        assertThat(replayCache.size()).as("unauthenticated envelopes leave no state").isZero();
    }

    @Test
    void rejectsWrongSecret()
    {
        SealedEnvelope other = new SealedEnvelope("another-secret-of-32-bytes-long!".getBytes(UTF_8), clock, WINDOW, MAX_TOKEN_CHARS, replayCache);
        assertRejected(other.seal("login", new byte[10]), EnvelopeException.Reason.BAD_MAC,
                "envelope does not verify: the shared secrets differ, it was made for another purpose, or it was altered");
    }

    @Test
    void envelopeForOneContextDoesNotOpenForAnother()
    {
        String token = envelope.seal("login", new byte[10]);
        assertThatThrownBy(() -> envelope.open("submit", token))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC))
                .hasMessageContaining("made for another purpose");
        assertThatThrownBy(() -> envelope.open("login.reply", token))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC));
    }

    @Test
    void acceptsTimestampsAtTheEdgeOfTheWindow()
            throws EnvelopeException
    {
        String old = envelope.seal("login", new byte[1]);
        clock.advance(WINDOW);
        envelope.open("login", old);

        String future = envelope.seal("login", new byte[1]);
        clock.advance(WINDOW.negated());
        envelope.open("login", future);
    }

    @Test
    void rejectsEnvelopeFromThePast()
    {
        String token = envelope.seal("login", new byte[1]);
        clock.advance(WINDOW.plusMillis(1));
        assertRejected(token, EnvelopeException.Reason.STALE,
                "envelope timestamp is 120001 ms away from this side's clock, more than the 120000 ms allowed; check both clocks (NTP)");
    }

    @Test
    void rejectsEnvelopeFromTheFuture()
    {
        String token = envelope.seal("login", new byte[1]);
        clock.advance(WINDOW.plusMinutes(3).negated());
        assertRejected(token, EnvelopeException.Reason.STALE, "envelope timestamp is 300000 ms away from this side's clock");
    }

    @Test
    void rejectsTimestampsWhoseDistanceOverflows()
    {
        // now - timestamp wraps to Long.MIN_VALUE, whose absolute value is negative: must still be stale
        clock.set(Long.MIN_VALUE + NOW);
        String token = envelope.seal("login", new byte[1]);
        clock.set(NOW);
        assertRejected(token, EnvelopeException.Reason.STALE, "check both clocks");

        clock.set(Long.MAX_VALUE);
        String farFuture = envelope.seal("login", new byte[1]);
        clock.set(Long.MIN_VALUE);
        assertRejected(farFuture, EnvelopeException.Reason.STALE, "check both clocks");
    }

    @Test
    void rejectsASecondOpeningOfTheSameEnvelope()
            throws EnvelopeException
    {
        String token = envelope.seal("login", new byte[1]);
        envelope.open("login", token);
        assertRejected(token, EnvelopeException.Reason.REPLAYED, "envelope was already received once; each envelope is accepted once");
        clock.advance(Duration.ofSeconds(30));
        assertRejected(token, EnvelopeException.Reason.REPLAYED, "already received once");
    }

    @Test
    void replayedEnvelopeIsStaleOnceTheCacheHasForgottenIt()
            throws EnvelopeException
    {
        String token = envelope.seal("login", new byte[1]);
        envelope.open("login", token);
        clock.advance(WINDOW.plusMillis(1));
        assertRejected(token, EnvelopeException.Reason.STALE, "more than the 120000 ms allowed");
    }

    @Test
    void replayCachePurgesExpiredIds()
            throws EnvelopeException
    {
        ReplayCache cache = new ReplayCache(clock, 4);
        SealedEnvelope small = new SealedEnvelope(SECRET, clock, WINDOW, MAX_TOKEN_CHARS, cache);
        for (int i = 0; i < 4; i++) {
            small.open("login", small.seal("login", new byte[1]));
        }
        assertThat(cache.size()).isEqualTo(4);

        clock.advance(WINDOW.plusMillis(2));
        small.open("login", small.seal("login", new byte[1]));
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void replayCacheRefusesWhenFullOfLiveIds()
            throws EnvelopeException
    {
        ReplayCache cache = new ReplayCache(clock, 4);
        SealedEnvelope small = new SealedEnvelope(SECRET, clock, WINDOW, MAX_TOKEN_CHARS, cache);
        for (int i = 0; i < 4; i++) {
            small.open("login", small.seal("login", new byte[1]));
        }
        String fifth = small.seal("login", new byte[1]);
        assertThatThrownBy(() -> small.open("login", fifth))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.REPLAYED))
                .hasMessageContaining("too many envelopes within the time window (4); retry shortly");

        clock.advance(WINDOW.plusMillis(2));
        assertThat(small.open("login", small.seal("login", new byte[1]))).hasSize(1);
    }

    @Test
    void refusesShortSecret()
    {
        assertThatThrownBy(() -> new SealedEnvelope(new byte[15], clock, WINDOW, MAX_TOKEN_CHARS, replayCache))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the shared secret must be at least 16 bytes, was 15");
    }

    @Test
    void refusesNonPositiveWindowAndLimits()
    {
        assertThatThrownBy(() -> new SealedEnvelope(SECRET, clock, Duration.ZERO, MAX_TOKEN_CHARS, replayCache))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("envelope time window must be positive, was PT0S");
        assertThatThrownBy(() -> new SealedEnvelope(SECRET, clock, WINDOW, 0, replayCache))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("envelope token size limit must be positive, was 0");
        assertThatThrownBy(() -> new ReplayCache(clock, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replay cache capacity must be at least 1, was 0");
    }

    @Test
    void refusalMessagesDoNotLeakSecretOrPlaintext()
    {
        String token = envelope.seal("login", "password=hunter2".getBytes(UTF_8));
        SealedEnvelope other = new SealedEnvelope("another-secret-of-32-bytes-long!".getBytes(UTF_8), clock, WINDOW, MAX_TOKEN_CHARS, replayCache);
        assertThatThrownBy(() -> other.open("login", token))
                .message()
                .doesNotContain("hunter2")
                .doesNotContain("another-secret")
                .doesNotContain("0123456789abcdef");
    }

    @Test
    void garbageNeverEscapesAsAnotherException()
    {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (i % 3 == 0 && bytes.length > 0) {
                bytes[0] = SealedEnvelope.VERSION;
            }
            String token = i % 5 == 4 ? new String(bytes, UTF_8) : Base64.getEncoder().encodeToString(bytes);
            try {
                envelope.open("login", token);
                fail("random bytes opened as an envelope: " + token);
            }
            catch (EnvelopeException expected) {
                assertThat(expected.reason()).isIn(EnvelopeException.Reason.MALFORMED, EnvelopeException.Reason.UNSUPPORTED_VERSION,
                        EnvelopeException.Reason.BAD_MAC);
            }
            catch (RuntimeException e) {
                fail("open(\"" + token + "\") threw " + e, e);
            }
        }
    }

    @Test
    void distinctEnvelopesOpenConcurrently()
            throws Exception
    {
        int threads = 4;
        int perThread = 50;
        List<List<String>> tokens = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(envelope.seal("submit", ("thread " + t + " message " + i).getBytes(UTF_8)));
            }
            tokens.add(mine);
        }
        executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Set<String>>> results = new ArrayList<>();
        for (List<String> mine : tokens) {
            results.add(executor.submit(() -> {
                start.await();
                Set<String> opened = new HashSet<>();
                for (String token : mine) {
                    opened.add(new String(envelope.open("submit", token), UTF_8));
                }
                return opened;
            }));
        }
        start.countDown();
        Set<String> all = new HashSet<>();
        for (Future<Set<String>> result : results) {
            all.addAll(result.get(30, TimeUnit.SECONDS));
        }
        assertThat(all).hasSize(threads * perThread);
        assertThat(replayCache.size()).isEqualTo(threads * perThread);
    }

    @Test
    void sameEnvelopeOpenedConcurrentlySucceedsExactlyOnce()
            throws Exception
    {
        int threads = 16;
        executor = Executors.newFixedThreadPool(threads);
        for (int round = 0; round < 20; round++) {
            String token = envelope.seal("login", new byte[] {(byte) round});
            CountDownLatch start = new CountDownLatch(1);
            List<Future<EnvelopeException.Reason>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<EnvelopeException.Reason> attempt = () -> {
                    start.await();
                    try {
                        envelope.open("login", token);
                        return null;
                    }
                    catch (EnvelopeException e) {
                        return e.reason();
                    }
                };
                results.add(executor.submit(attempt));
            }
            start.countDown();
            int opened = 0;
            for (Future<EnvelopeException.Reason> result : results) {
                EnvelopeException.Reason reason = result.get(30, TimeUnit.SECONDS);
                if (reason == null) {
                    opened++;
                }
                else {
                    assertThat(reason).isEqualTo(EnvelopeException.Reason.REPLAYED);
                }
            }
            assertThat(opened).as("round %s", round).isEqualTo(1);
        }
    }

    private void assertRejected(String token, EnvelopeException.Reason reason, String message)
    {
        assertThatThrownBy(() -> envelope.open("login", token))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    private static String flip(String token, int position, int bit)
    {
        byte[] raw = Base64.getDecoder().decode(token);
        raw[position] ^= (byte) (1 << bit);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static byte[] hkdf(byte[] salt, String context)
    {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(SECRET, salt, ("omserver-envelope-v2\0" + context).getBytes(UTF_8)));
        byte[] okm = new byte[64];
        generator.generateBytes(okm, 0, okm.length);
        return okm;
    }
}
