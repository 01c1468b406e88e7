package org.omserver.agent.wire;

import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentErrorCode;
import org.omserver.protocol.envelope.EnvelopeException;

/** How an envelope that did not open is answered: nothing about the key or the plaintext is revealed. */
public final class AgentErrors
{
    private AgentErrors() {}

    public static AgentError of(AgentErrorCode code, String message)
    {
        return new AgentError(code, message);
    }

    public static AgentError refused(EnvelopeException e)
    {
        return switch (e.reason()) {
            case MALFORMED, TOO_LARGE, UNSUPPORTED_VERSION -> of(AgentErrorCode.BAD_REQUEST, e.getMessage());
            default -> of(AgentErrorCode.AUTH_FAILED, "the call did not authenticate (" + e.reason() + "): " + e.getMessage());
        };
    }
}
