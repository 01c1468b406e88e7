package org.omserver.agent.wire;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * A one-time enrollment token, {@code omt1.<id>.<secret>}. The master keeps only the id and SHA-256 of the whole
 * token; the agent seals its enrollment with that digest as the key, so the token itself never crosses the wire
 * and a captured enrollment cannot be opened without it.
 */
public final class EnrollmentToken
{
    private static final Pattern FORMAT = Pattern.compile("omt1\\.([a-f0-9]{16})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final String text;

    private EnrollmentToken(String id, String text)
    {
        this.id = id;
        this.text = text;
    }

    public static EnrollmentToken generate()
    {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String idText = HexFormat.of().formatHex(id);
        return new EnrollmentToken(idText, "omt1." + idText + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    public static EnrollmentToken parse(String text)
    {
        requireNonNull(text, "text is null");
        Matcher matcher = FORMAT.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an enrollment token: expected omt1.<16 hex digits>.<43 characters> as printed by 'omserver agent-token'");
        }
        return new EnrollmentToken(matcher.group(1), text.strip());
    }

    public String id()
    {
        return id;
    }

    /** SHA-256 of the token: what the master stores, and the key enrollment is sealed with. */
    public byte[] digest()
    {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
        }
    }

    /** The token as the operator copies it to the host. */
    public String reveal()
    {
        return text;
    }

    @Override
    public String toString()
    {
        return "EnrollmentToken[" + id + ", ****]";
    }
}
