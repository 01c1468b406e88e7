package org.omserver.agent.wire;

import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

import org.apache.thrift.TBase;
import org.omserver.protocol.SealedMessages;
import org.omserver.protocol.agent.Sealed;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.envelope.SealedEnvelope;

import static java.util.Objects.requireNonNull;

/**
 * Seals and opens the typed messages of agent.thrift with one agent's key: the agent id travels in clear next to
 * a v2 envelope (context = the method name, {@code <method>.reply} for replies). Both the master and the agent use
 * this class, with one replay cache per process, so a call or reply is accepted once.
 */
public final class AgentSeal
{
    /** Agent ids and token ids: what may travel in clear. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Clock clock;
    private final Duration window;
    private final int maxMessageBytes;
    private final ReplayCache replayCache;

    public AgentSeal(Clock clock, Duration window, int maxMessageBytes, ReplayCache replayCache)
    {
        this.clock = requireNonNull(clock, "clock is null");
        this.window = requireNonNull(window, "window is null");
        this.maxMessageBytes = maxMessageBytes;
        this.replayCache = requireNonNull(replayCache, "replayCache is null");
        messages(new byte[SealedEnvelope.MIN_SECRET_BYTES]);
    }

    public Sealed sealRequest(String agentId, byte[] key, String method, TBase<?, ?> request)
    {
        return new Sealed(agentId, messages(key).sealRequest(method, request));
    }

    public Sealed sealReply(String agentId, byte[] key, String method, TBase<?, ?> reply)
    {
        return new Sealed(agentId, messages(key).sealReply(method, reply));
    }

    public <T extends TBase<?, ?>> T openRequest(byte[] key, String method, Sealed sealed, T into)
            throws EnvelopeException
    {
        return messages(key).openRequest(method, payload(sealed), into);
    }

    public <T extends TBase<?, ?>> T openReply(byte[] key, String method, Sealed sealed, T into)
            throws EnvelopeException
    {
        return messages(key).openReply(method, payload(sealed), into);
    }

    /** The id in clear, checked before any lookup: a hostile peer's text never reaches a query or a log unchecked. */
    public static String checkedId(Sealed sealed)
            throws EnvelopeException
    {
        if (sealed == null || sealed.getAgentId() == null || !ID.matcher(sealed.getAgentId()).matches()) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED, "the call carries no valid agent id (1-64 letters, digits, _ or -)");
        }
        return sealed.getAgentId();
    }

    private static String payload(Sealed sealed)
            throws EnvelopeException
    {
        if (sealed == null || sealed.getPayload() == null) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED, "the call carries no sealed payload");
        }
        return sealed.getPayload();
    }

    private SealedMessages messages(byte[] key)
    {
        return new SealedMessages(new SealedEnvelope(key, clock, window, maxMessageBytes / 3 * 4 + 4, replayCache), maxMessageBytes);
    }
}
