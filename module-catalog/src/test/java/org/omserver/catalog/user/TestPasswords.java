package org.omserver.catalog.user;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestPasswords
{
    @Test
    void hashesVerifyAndAreSalted()
    {
        String hash = Passwords.hash("correct horse ☃".toCharArray());
        assertThat(hash).startsWith("$2b$10$").hasSize(60);
        assertThat(Passwords.verify("correct horse ☃".toCharArray(), hash)).isTrue();
        assertThat(Passwords.verify("correct horse".toCharArray(), hash)).isFalse();
        assertThat(Passwords.verify("Correct horse ☃".toCharArray(), hash)).isFalse();
        assertThat(Passwords.hash("correct horse ☃".toCharArray())).isNotEqualTo(hash);
    }

    @Test
    void malformedHashesDoNotVerify()
    {
        assertThat(Passwords.verify("x".toCharArray(), null)).isFalse();
        assertThat(Passwords.verify("x".toCharArray(), "")).isFalse();
        assertThat(Passwords.verify("x".toCharArray(), "plaintext")).isFalse();
        assertThat(Passwords.verify("x".toCharArray(), "$2b$10$tooshort")).isFalse();
        assertThat(Passwords.verify("x".toCharArray(), "$9z$10$" + "a".repeat(53))).isFalse();
        String hash = Passwords.hash("x".toCharArray());
        assertThat(Passwords.verify("x".toCharArray(), hash.substring(0, 59) + "!")).isFalse();
        assertThat(Passwords.verify(new char[0], hash)).isFalse();
    }

    @Test
    void refusesPasswordsBcryptCannotUse()
    {
        assertThatThrownBy(() -> Passwords.hash(new char[0])).hasMessageContaining("password is empty");
        assertThatThrownBy(() -> Passwords.hash("a".repeat(73).toCharArray())).hasMessageContaining("longer than 72 bytes");
        assertThatThrownBy(() -> Passwords.hash("é".repeat(37).toCharArray())).hasMessageContaining("longer than 72 bytes");
        String max = Passwords.hash("a".repeat(72).toCharArray());
        assertThat(Passwords.verify("a".repeat(72).toCharArray(), max)).isTrue();
        assertThat(Passwords.verify(("a".repeat(72) + "b").toCharArray(), max)).isFalse();
    }
}
