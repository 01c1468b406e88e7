package org.omserver.protocol.envelope;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Base64;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Strict Base64 and UTF-8 decoding shared by both envelope versions. */
final class Texts
{
    private Texts() {}

    static byte[] decodeBase64(String token, int maxChars)
            throws EnvelopeException
    {
        if (token == null || token.isEmpty()) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED, "envelope is empty");
        }
        if (token.length() > maxChars) {
            throw new EnvelopeException(EnvelopeException.Reason.TOO_LARGE,
                    "envelope is " + token.length() + " characters, more than the limit of " + maxChars);
        }
        try {
            return Base64.getDecoder().decode(token.strip());
        }
        catch (IllegalArgumentException e) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED, "envelope is not valid Base64");
        }
    }

    static String decodeUtf8(byte[] bytes, String whatIfBroken)
            throws EnvelopeException
    {
        try {
            return UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        }
        catch (CharacterCodingException e) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED, whatIfBroken);
        }
    }
}
