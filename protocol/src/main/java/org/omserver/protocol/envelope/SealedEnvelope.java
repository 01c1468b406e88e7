package org.omserver.protocol.envelope;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Envelope v2. Layout before Base64 (standard alphabet, padded):
 * <pre>
 *   version (1 byte = 2) ‖ timestamp (8 bytes, ms since epoch, big-endian) ‖ salt (16 bytes)
 *   ‖ ciphertext ‖ mac (32 bytes)
 * </pre>
 * Keys: {@code HKDF-SHA256(ikm = secret, salt = salt, info = "omserver-envelope-v2" ‖ 0 ‖ context)} gives 64 bytes,
 * the RC4 key (first 32) and the MAC key (last 32). RC4 drops the first {@value #DROP_BYTES} keystream bytes.
 * {@code mac = HMAC-SHA256(macKey, header ‖ ciphertext)}. The context names the purpose (the RPC method, or
 * "{@code <method>.reply}"), so an envelope made for one purpose does not open for another.
 *
 * <p>Opening checks, in order: size, Base64, length, version, MAC (constant time), timestamp window, replay.
 * The MAC comes before anything that keeps state, so unauthenticated junk cannot fill the replay cache.
 */
public final class SealedEnvelope
{
    public static final byte VERSION = 2;
    public static final int DROP_BYTES = 3072;
    public static final int MIN_SECRET_BYTES = 16;
    private static final int SALT_BYTES = 16;
    private static final int HEADER_BYTES = 1 + 8 + SALT_BYTES;
    private static final int MAC_BYTES = 32;
    private static final byte[] INFO_PREFIX = "omserver-envelope-v2\0".getBytes(UTF_8);

    private final byte[] secret;
    private final Clock clock;
    private final Duration window;
    private final int maxTokenChars;
    private final ReplayCache replayCache;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param window how far a timestamp may be from this side's clock, either way
     * @param maxTokenChars the largest token accepted by {@link #open}
     */
    public SealedEnvelope(byte[] secret, Clock clock, Duration window, int maxTokenChars, ReplayCache replayCache)
    {
        requireNonNull(secret, "secret is null");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the shared secret must be at least " + MIN_SECRET_BYTES + " bytes, was " + secret.length);
        }
        this.secret = secret.clone();
        this.clock = requireNonNull(clock, "clock is null");
        this.window = requireNonNull(window, "window is null");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("envelope time window must be positive, was " + window);
        }
        if (maxTokenChars < 1) {
            throw new IllegalArgumentException("envelope token size limit must be positive, was " + maxTokenChars);
        }
        this.maxTokenChars = maxTokenChars;
        this.replayCache = requireNonNull(replayCache, "replayCache is null");
    }

    /** A v2 envelope with a 2-minute window, a 64 MiB token cap and a replay cache of a million entries. */
    public static SealedEnvelope withDefaults(byte[] secret)
    {
        Clock clock = Clock.systemUTC();
        return new SealedEnvelope(secret, clock, Duration.ofMinutes(2), 64 * 1024 * 1024, new ReplayCache(clock, 1_000_000));
    }

    public String seal(String context, byte[] plaintext)
    {
        requireNonNull(context, "context is null");
        requireNonNull(plaintext, "plaintext is null");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(VERSION).putLong(clock.millis()).put(salt);
        Keys keys = deriveKeys(salt, context);
        byte[] cipher = Rc4.apply(keys.rc4, DROP_BYTES, plaintext);
        byte[] mac = mac(keys.mac, header.array(), cipher, cipher.length);
        byte[] out = ByteBuffer.allocate(HEADER_BYTES + cipher.length + MAC_BYTES)
                .put(header.array()).put(cipher).put(mac).array();
        return Base64.getEncoder().encodeToString(out);
    }

    public byte[] open(String context, String token)
            throws EnvelopeException
    {
        requireNonNull(context, "context is null");
        byte[] raw = Texts.decodeBase64(token, maxTokenChars);
        if (raw.length < HEADER_BYTES + MAC_BYTES) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED,
                    "v2 envelope is " + raw.length + " bytes, shorter than its " + (HEADER_BYTES + MAC_BYTES) + "-byte header and MAC");
        }
        if (raw[0] != VERSION) {
            throw new EnvelopeException(EnvelopeException.Reason.UNSUPPORTED_VERSION,
                    "envelope version " + (raw[0] & 0xff) + " is not supported here; this side speaks version " + VERSION);
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        buffer.get();
        long timestamp = buffer.getLong();
        byte[] salt = Arrays.copyOfRange(raw, 1 + 8, HEADER_BYTES);
        int cipherLength = raw.length - HEADER_BYTES - MAC_BYTES;
        byte[] cipher = Arrays.copyOfRange(raw, HEADER_BYTES, HEADER_BYTES + cipherLength);
        Keys keys = deriveKeys(salt, context);
        byte[] expected = mac(keys.mac, Arrays.copyOf(raw, HEADER_BYTES), cipher, cipherLength);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length))) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_MAC,
                    "envelope does not verify: the shared secrets differ, it was made for another purpose, or it was altered");
        }
        long skew = distance(clock.millis(), timestamp);
        if (skew > window.toMillis()) {
            throw new EnvelopeException(EnvelopeException.Reason.STALE,
                    "envelope timestamp is " + skew + " ms away from this side's clock, more than the " + window.toMillis()
                            + " ms allowed; check both clocks (NTP)");
        }
        String id = HexFormat.of().formatHex(salt) + ":" + timestamp;
        if (!replayCache.firstSighting(id, timestamp + window.toMillis() + 1)) {
            throw new EnvelopeException(EnvelopeException.Reason.REPLAYED, "envelope was already received once; each envelope is accepted once");
        }
        return Rc4.apply(keys.rc4, DROP_BYTES, cipher);
    }

    /** |a - b|, saturating: a plain {@code Math.abs(a - b)} wraps for far-apart values and can come out negative. */
    private static long distance(long a, long b)
    {
        try {
            return Math.absExact(Math.subtractExact(a, b));
        }
        catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private Keys deriveKeys(byte[] salt, String context)
    {
        byte[] contextBytes = context.getBytes(UTF_8);
        byte[] info = Arrays.copyOf(INFO_PREFIX, INFO_PREFIX.length + contextBytes.length);
        System.arraycopy(contextBytes, 0, info, INFO_PREFIX.length, contextBytes.length);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, salt, info));
        byte[] okm = new byte[64];
        hkdf.generateBytes(okm, 0, okm.length);
        return new Keys(Arrays.copyOf(okm, 32), Arrays.copyOfRange(okm, 32, 64));
    }

    private static byte[] mac(byte[] key, byte[] header, byte[] cipher, int cipherLength)
    {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(header);
            hmac.update(cipher, 0, cipherLength);
            return hmac.doFinal();
        }
        catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
        }
    }

    private record Keys(byte[] rc4, byte[] mac) {}
}
