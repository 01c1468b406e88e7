package org.omserver.protocol.envelope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The secret shared by gateway and master. Loaded from the {@code OMSERVER_SECRET} environment variable or a file;
 * its text (trimmed) is used as UTF-8 bytes, so an OMServer-era key string works unchanged for v1.
 * {@link #toString()} never shows it.
 */
public final class SharedSecret
{
    public static final String ENVIRONMENT_VARIABLE = "OMSERVER_SECRET";

    private final byte[] bytes;

    private SharedSecret(byte[] bytes)
    {
        this.bytes = bytes;
    }

    public static SharedSecret of(String text)
    {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.getBytes(UTF_8).length < SealedEnvelope.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the shared secret must be at least " + SealedEnvelope.MIN_SECRET_BYTES
                    + " bytes long; generate one with: head -c 32 /dev/urandom | base64");
        }
        return new SharedSecret(trimmed.getBytes(UTF_8));
    }

    public static SharedSecret fromFile(Path file)
    {
        try {
            return of(Files.readString(file, UTF_8));
        }
        catch (IOException e) {
            throw new IllegalArgumentException("cannot read the shared secret file " + file + ": " + e.getMessage(), e);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("shared secret file " + file + ": " + e.getMessage(), e);
        }
    }

    /** 32 random bytes as Base64 text. */
    public static SharedSecret generate()
    {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return of(Base64.getEncoder().encodeToString(raw));
    }

    public byte[] bytes()
    {
        return bytes.clone();
    }

    /** The secret as text, for writing it to a file readable only by its owner. */
    public String reveal()
    {
        return new String(bytes, UTF_8);
    }

    @Override
    public String toString()
    {
        return "SharedSecret[****]";
    }
}
