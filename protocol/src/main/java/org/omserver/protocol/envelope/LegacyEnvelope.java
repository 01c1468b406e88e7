package org.omserver.protocol.envelope;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Envelope v1, OMServer's format, byte for byte: {@code Base64(salt16 ‖ RC4(SHA-1(key ‖ salt), data))},
 * standard Base64 with padding, plain RC4 (nothing dropped). Salt from {@link SecureRandom}; text is UTF-8.
 *
 * <p>It has no MAC: a wrong key yields garbage. We detect that only when the garbage is not UTF-8, so callers must
 * still treat the plaintext as untrusted and parse it strictly.
 */
public final class LegacyEnvelope
{
    public static final int SALT_BYTES = 16;
    /** Default cap on a token's length (characters), about 12 MiB of plaintext. */
    public static final int DEFAULT_MAX_TOKEN_CHARS = 16 * 1024 * 1024;

    private final byte[] key;
    private final int maxTokenChars;
    private final SecureRandom random = new SecureRandom();

    public LegacyEnvelope(byte[] key)
    {
        this(key, DEFAULT_MAX_TOKEN_CHARS);
    }

    public LegacyEnvelope(byte[] key, int maxTokenChars)
    {
        requireNonNull(key, "key is null");
        if (key.length == 0) {
            throw new IllegalArgumentException("v1 envelope key is empty");
        }
        if (maxTokenChars < 1) {
            throw new IllegalArgumentException("v1 envelope token size limit must be positive, was " + maxTokenChars);
        }
        this.key = key.clone();
        this.maxTokenChars = maxTokenChars;
    }

    public String encrypt(String plaintext)
    {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return encrypt(plaintext, salt);
    }

    /** With a caller-chosen salt: for tests against published vectors only. */
    String encrypt(String plaintext, byte[] salt)
    {
        requireNonNull(plaintext, "plaintext is null");
        byte[] cipher = Rc4.apply(rc4Key(salt), 0, plaintext.getBytes(UTF_8));
        byte[] out = Arrays.copyOf(salt, SALT_BYTES + cipher.length);
        System.arraycopy(cipher, 0, out, SALT_BYTES, cipher.length);
        return Base64.getEncoder().encodeToString(out);
    }

    public String decrypt(String token)
            throws EnvelopeException
    {
        byte[] raw = Texts.decodeBase64(token, maxTokenChars);
        if (raw.length < SALT_BYTES) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED,
                    "v1 envelope is " + raw.length + " bytes, shorter than its " + SALT_BYTES + "-byte salt");
        }
        byte[] salt = Arrays.copyOf(raw, SALT_BYTES);
        byte[] plain = Rc4.apply(rc4Key(salt), 0, Arrays.copyOfRange(raw, SALT_BYTES, raw.length));
        return Texts.decodeUtf8(plain, "v1 envelope does not decrypt to UTF-8 text: the key is probably wrong");
    }

    private byte[] rc4Key(byte[] salt)
    {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(key);
            sha1.update(salt);
            return sha1.digest();
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-1", e);
        }
    }
}
