package org.omserver.catalog.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;

/** Identifies identical host outputs (like {@code clush -b}): SHA-256 over exit code, stdout and stderr. */
public final class OutputHash
{
    private OutputHash() {}

    /** Lower-case hex; each part is length-prefixed, so outputs differing only in where stdout ends never collide. */
    public static String of(OptionalInt exitCode, String stdout, String stderr)
    {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(exitCode.isPresent() ? String.valueOf(exitCode.getAsInt()) : "-", stdout, stderr)) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
