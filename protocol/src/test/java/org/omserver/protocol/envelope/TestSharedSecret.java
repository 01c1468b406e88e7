package org.omserver.protocol.envelope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSharedSecret
{
    @TempDir
    Path directory;

    @Test
    void refusesShortSecretAndSaysHowToGenerateOne()
    {
        assertThatThrownBy(() -> SharedSecret.of("fifteen-bytes!!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the shared secret must be at least 16 bytes long")
                .hasMessageContaining("generate one with: head -c 32 /dev/urandom | base64");
        assertThatThrownBy(() -> SharedSecret.of(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes");
        // surrounding whitespace does not count
        assertThatThrownBy(() -> SharedSecret.of("   short-secret   \n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes");
    }

    @Test
    void usesTheTrimmedTextAsUtf8()
    {
        SharedSecret secret = SharedSecret.of("  sixteen-bytes-ok\n");
        assertThat(secret.bytes()).isEqualTo("sixteen-bytes-ok".getBytes(UTF_8));
        assertThat(secret.reveal()).isEqualTo("sixteen-bytes-ok");
        // sixteen bytes, six characters
        assertThat(SharedSecret.of("密钥密钥密钥").bytes()).hasSize(18);
    }

    @Test
    void bytesAreACopy()
    {
        SharedSecret secret = SharedSecret.of("sixteen-bytes-ok");
        secret.bytes()[0] = 'X';
        assertThat(secret.reveal()).isEqualTo("sixteen-bytes-ok");
    }

    @Test
    void toStringMasksTheSecret()
    {
        SharedSecret secret = SharedSecret.of("very-secret-value-123");
        assertThat(secret.toString())
                .isEqualTo("SharedSecret[****]")
                .doesNotContain("very-secret");
    }

    @Test
    void readsSecretFromFile()
            throws IOException
    {
        Path file = Files.writeString(directory.resolve("secret"), "from-a-file-0123456789\n", UTF_8);
        assertThat(SharedSecret.fromFile(file).reveal()).isEqualTo("from-a-file-0123456789");
    }

    @Test
    void missingFileMessageNamesThePath()
    {
        Path missing = directory.resolve("no-such-secret");
        assertThatThrownBy(() -> SharedSecret.fromFile(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the shared secret file " + missing);
    }

    @Test
    void shortSecretInFileNamesThePathAndHowToFixIt()
            throws IOException
    {
        Path file = Files.writeString(directory.resolve("short"), "tiny\n", UTF_8);
        assertThatThrownBy(() -> SharedSecret.fromFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shared secret file " + file + ": the shared secret must be at least 16 bytes long")
                .hasMessageContaining("head -c 32 /dev/urandom | base64")
                .message().doesNotContain("tiny");
    }

    @Test
    void generatedSecretsAreLongEnoughAndDiffer()
    {
        SharedSecret first = SharedSecret.generate();
        SharedSecret second = SharedSecret.generate();
        assertThat(first.bytes().length).isGreaterThanOrEqualTo(SealedEnvelope.MIN_SECRET_BYTES);
        assertThat(first.bytes()).isNotEqualTo(second.bytes());
        // what reveal() writes to a file reads back as the same secret
        assertThat(SharedSecret.of(first.reveal()).bytes()).isEqualTo(first.bytes());
    }
}
