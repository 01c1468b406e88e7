package org.omserver.protocol.envelope;

import static java.util.Objects.requireNonNull;

/** An envelope was refused. The message is safe to return to the sender and to audit. */
public class EnvelopeException
        extends Exception
{
    private final Reason reason;

    public EnvelopeException(Reason reason, String message)
    {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason()
    {
        return reason;
    }

    public enum Reason
    {
        /** Not Base64, too short, not UTF-8 after decryption, or an undecodable payload. */
        MALFORMED,
        /** Larger than the configured maximum. */
        TOO_LARGE,
        /** A version byte this side does not speak. */
        UNSUPPORTED_VERSION,
        /** The MAC does not verify: different secrets, or altered in transit. */
        BAD_MAC,
        /** Timestamp outside the accepted window. */
        STALE,
        /** Seen before within the window. */
        REPLAYED
    }
}
