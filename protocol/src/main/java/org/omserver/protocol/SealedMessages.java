package org.omserver.protocol;

import org.apache.thrift.TBase;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.SealedEnvelope;

import static java.util.Objects.requireNonNull;

/**
 * Thrift structs inside v2 envelopes: the binary-protocol bytes of a request or reply, sealed with the RPC method
 * name as context (replies with {@code <method>.reply}). Both the gateway and the master use this one class, so
 * the two sides cannot disagree on the format.
 */
public final class SealedMessages
{
    private final SealedEnvelope envelope;
    private final int maxMessageBytes;
    private final TConfiguration limits;

    /** @param maxMessageBytes the largest serialized struct {@link #openRequest}/{@link #openReply} accept */
    public SealedMessages(SealedEnvelope envelope, int maxMessageBytes)
    {
        this.envelope = requireNonNull(envelope, "envelope is null");
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("sealed message size limit must be positive, was " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.limits = TConfiguration.custom().setMaxMessageSize(maxMessageBytes).setMaxFrameSize(maxMessageBytes).build();
    }

    public String sealRequest(String method, TBase<?, ?> request)
    {
        return seal(method, request);
    }

    public <T extends TBase<?, ?>> T openRequest(String method, String sealed, T into)
            throws EnvelopeException
    {
        return open(method, sealed, into);
    }

    public String sealReply(String method, TBase<?, ?> reply)
    {
        return seal(method + ".reply", reply);
    }

    public <T extends TBase<?, ?>> T openReply(String method, String sealed, T into)
            throws EnvelopeException
    {
        return open(method + ".reply", sealed, into);
    }

    private String seal(String context, TBase<?, ?> message)
    {
        try {
            return envelope.seal(context, new TSerializer(new TBinaryProtocol.Factory()).serialize(message));
        }
        catch (TException e) {
            // only happens when a required field is unset: a bug on this side
            throw new IllegalStateException("cannot serialize " + message.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private <T extends TBase<?, ?>> T open(String context, String sealed, T into)
            throws EnvelopeException
    {
        byte[] plain = envelope.open(context, sealed);
        if (plain.length > maxMessageBytes) {
            throw new EnvelopeException(EnvelopeException.Reason.TOO_LARGE, "envelope content for " + context + " is "
                    + plain.length + " bytes, more than the limit of " + maxMessageBytes);
        }
        try {
            // generated read() leaves fields absent from the input as they were: start from a clean struct
            into.clear();
            // the generated read() also validates required fields
            TMemoryInputTransport transport = new TMemoryInputTransport(limits, plain);
            into.read(new TBinaryProtocol(transport, plain.length, plain.length, true, true));
            if (transport.getBytesRemainingInBuffer() != 0) {
                // both sides use this class, so extra bytes mean a corrupt or foreign sender: parse strictly
                throw new TProtocolException(transport.getBytesRemainingInBuffer() + " bytes after the end of the struct");
            }
            return into;
        }
        catch (TException e) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED,
                    "envelope content is not a valid " + into.getClass().getSimpleName() + " for " + context);
        }
    }
}
