package org.omserver.launcher;

import java.security.SecureRandom;

/** Generated passwords for first accounts: 16 characters without look-alikes. */
final class GeneratedPasswords
{
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedPasswords() {}

    static char[] next()
    {
        char[] password = new char[16];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return password;
    }
}
