package org.omserver.catalog.user;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import static java.util.Objects.requireNonNull;

/** bcrypt (Bouncy Castle's OpenBSDBCrypt), cost 10, a fresh SecureRandom salt per hash. */
public final class Passwords
{
    private static final int COST = 10;
    /** bcrypt reads at most 72 bytes; longer passwords would be silently cut, so they are refused. */
    private static final int MAX_BYTES = 72;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Password policy for passwords users choose: at least this many characters. */
    public static final int MIN_LENGTH = 12;
    private static final String GENERATED_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int GENERATED_LENGTH = 20;

    private Passwords() {}

    /** A random password (20 characters, no look-alikes such as l/1, O/0), for new users and resets; shown once. */
    public static char[] generate()
    {
        char[] password = new char[GENERATED_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = GENERATED_ALPHABET.charAt(RANDOM.nextInt(GENERATED_ALPHABET.length()));
        }
        return password;
    }

    /** Why a password a user chose is not acceptable, or empty when it is. */
    public static java.util.Optional<String> policyProblem(char[] password)
    {
        requireNonNull(password, "password is null");
        if (password.length < MIN_LENGTH) {
            return java.util.Optional.of("the new password has " + password.length + " characters; choose at least " + MIN_LENGTH);
        }
        if (utf8Length(password) > MAX_BYTES) {
            return java.util.Optional.of("the new password is longer than 72 bytes (UTF-8), which bcrypt cannot use; choose a shorter one");
        }
        for (char c : password) {
            if (Character.isISOControl(c)) {
                return java.util.Optional.of("the new password contains a control character (newline, tab, NUL...); use printable characters only");
            }
        }
        return java.util.Optional.empty();
    }

    /** @throws IllegalArgumentException for an empty password or one over 72 bytes of UTF-8 */
    public static String hash(char[] password)
    {
        requireNonNull(password, "password is null");
        if (password.length == 0) {
            throw new IllegalArgumentException("password is empty; choose a password of 1 to 72 bytes");
        }
        if (utf8Length(password) > MAX_BYTES) {
            throw new IllegalArgumentException("password is longer than 72 bytes (UTF-8), which bcrypt cannot use; choose a shorter one");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", password, salt, COST);
    }

    /** False for a wrong password and for a missing or malformed hash. */
    public static boolean verify(char[] password, String hash)
    {
        if (password == null || hash == null || password.length == 0 || utf8Length(password) > MAX_BYTES) {
            return false;
        }
        try {
            return OpenBSDBCrypt.checkPassword(hash, password);
        }
        catch (RuntimeException e) {
            // malformed hash: unknown version, bad cost, wrong length or alphabet
            return false;
        }
    }

    private static int utf8Length(char[] password)
    {
        return StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password)).remaining();
    }
}
