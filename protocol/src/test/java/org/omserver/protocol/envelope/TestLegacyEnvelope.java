package org.omserver.protocol.envelope;

import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class TestLegacyEnvelope
{
    private static final byte[] SECRET = "OMServer-secret-key".getBytes(UTF_8);
    private static final byte[] SALT = new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    // Computed independently of this code by src/test/python/legacy_envelope_vectors.py (pure-Python RC4,
    // hashlib.sha1(secret + salt), base64.b64encode), secret "OMServer-secret-key", salt 00 01 .. 0f.
    private static final String REQUEST = "1001@@192.168.1.21*web1,192.168.1.22*web2@@50@@";
    private static final String REQUEST_TOKEN = "AAECAwQFBgcICQoLDA0ODxVPQTJ4Esip8HqEt9qvbH2+i045Xsi7Ji1Zx11dMTay6Z60A4D6OzqZ331App0v";
    private static final String NON_ASCII = "中文 ✓ 😀 résumé";
    private static final String NON_ASCII_TOKEN = "AAECAwQFBgcICQoLDA0OD8DH3OWu1dlyXseVcX0Z3XP+ec09TsdJow==";

    private final LegacyEnvelope envelope = new LegacyEnvelope(SECRET);

    @Test
    void encryptsLikeThePublishedAlgorithm()
    {
        assertThat(envelope.encrypt(REQUEST, SALT)).isEqualTo(REQUEST_TOKEN);
        assertThat(envelope.encrypt(NON_ASCII, SALT)).isEqualTo(NON_ASCII_TOKEN);
    }

    @Test
    void decryptsTokensOfThePublishedAlgorithm()
            throws EnvelopeException
    {
        assertThat(envelope.decrypt(REQUEST_TOKEN)).isEqualTo(REQUEST);
        assertThat(envelope.decrypt(NON_ASCII_TOKEN)).isEqualTo(NON_ASCII);
    }

    @Test
    void saltIsRandomAndLeadsTheToken()
            throws EnvelopeException
    {
        Set<String> tokens = new HashSet<>();
        Set<String> salts = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String token = envelope.encrypt(REQUEST);
            tokens.add(token);
            byte[] raw = Base64.getDecoder().decode(token);
            salts.add(Base64.getEncoder().encodeToString(Arrays.copyOf(raw, LegacyEnvelope.SALT_BYTES)));
            assertThat(raw).hasSize(LegacyEnvelope.SALT_BYTES + REQUEST.getBytes(UTF_8).length);
            assertThat(envelope.decrypt(token)).isEqualTo(REQUEST);
        }
        assertThat(tokens).hasSize(100);
        assertThat(salts).hasSize(100);
    }

    @Test
    void roundTripsEmptyText()
            throws EnvelopeException
    {
        String token = envelope.encrypt("");
        assertThat(Base64.getDecoder().decode(token)).hasSize(LegacyEnvelope.SALT_BYTES);
        assertThat(envelope.decrypt(token)).isEmpty();
    }

    @Test
    void roundTripsFiveMegabytes()
            throws EnvelopeException
    {
        String large = "0123456789abcdef\n".repeat(5 * 1024 * 1024 / 17 + 1);
        assertThat(envelope.decrypt(envelope.encrypt(large))).isEqualTo(large);
    }

    @Test
    void roundTripsChineseAndEmoji()
            throws EnvelopeException
    {
        String text = "1006@@10.0.0.1*数据库主机@@nginx@@ 日志：完成 ✅ 🚀👩‍💻";
        assertThat(envelope.decrypt(envelope.encrypt(text))).isEqualTo(text);
    }

    @Test
    void rejectsNullAndEmpty()
    {
        assertRejected(envelope, null, EnvelopeException.Reason.MALFORMED, "envelope is empty");
        assertRejected(envelope, "", EnvelopeException.Reason.MALFORMED, "envelope is empty");
    }

    @Test
    void rejectsBadBase64()
    {
        assertRejected(envelope, "@@@", EnvelopeException.Reason.MALFORMED, "envelope is not valid Base64");
        assertRejected(envelope, "AAECAwQFBgcICQoLDA0ODx=", EnvelopeException.Reason.MALFORMED, "envelope is not valid Base64");
    }

    @Test
    void rejectsTokenShorterThanTheSalt()
    {
        String fifteenBytes = Base64.getEncoder().encodeToString(new byte[15]);
        assertRejected(envelope, fifteenBytes, EnvelopeException.Reason.MALFORMED, "v1 envelope is 15 bytes, shorter than its 16-byte salt");
    }

    @Test
    void rejectsTokenOverTheSizeCap()
    {
        LegacyEnvelope small = new LegacyEnvelope(SECRET, 64);
        assertRejected(small, REQUEST_TOKEN, EnvelopeException.Reason.TOO_LARGE,
                "envelope is " + REQUEST_TOKEN.length() + " characters, more than the limit of 64");
    }

    @Test
    void wrongKeyIsReportedWhenTheResultIsNotUtf8()
    {
        LegacyEnvelope wrongKey = new LegacyEnvelope("another-secret-key".getBytes(UTF_8));
        assertRejected(wrongKey, REQUEST_TOKEN, EnvelopeException.Reason.MALFORMED, "key is probably wrong");
    }

    @Test
    void refusalMessagesDoNotLeakKeyOrPlaintext()
    {
        LegacyEnvelope wrongKey = new LegacyEnvelope("another-secret-key".getBytes(UTF_8));
        assertThatThrownBy(() -> wrongKey.decrypt(REQUEST_TOKEN))
                .message()
                .doesNotContain("another-secret-key")
                .doesNotContain("192.168.1.21");
    }

    @Test
    void refusesEmptyKeyAndNonPositiveCap()
    {
        assertThatThrownBy(() -> new LegacyEnvelope(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v1 envelope key is empty");
        assertThatThrownBy(() -> new LegacyEnvelope(SECRET, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token size limit must be positive");
    }

    @Test
    void garbageNeverEscapesAsAnotherException()
    {
        Random random = new Random(20240601);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\t@*中";
        int decoded = 0;
        for (int i = 0; i < 2000; i++) {
            String token;
            if (i % 2 == 0) {
                byte[] bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
                token = Base64.getEncoder().encodeToString(bytes);
            }
            else {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(80);
                for (int c = 0; c < length; c++) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                token = text.toString();
            }
            try {
                envelope.decrypt(token);
                decoded++;
            }
            catch (EnvelopeException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            catch (RuntimeException e) {
                fail("decrypt(\"" + token + "\") threw " + e, e);
            }
        }
        // short random byte strings sometimes decrypt to valid UTF-8: v1 has no MAC
        assertThat(decoded).isLessThan(2000);
    }

    static void assertRejected(LegacyEnvelope envelope, String token, EnvelopeException.Reason reason, String message)
    {
        assertThatThrownBy(() -> envelope.decrypt(token))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
