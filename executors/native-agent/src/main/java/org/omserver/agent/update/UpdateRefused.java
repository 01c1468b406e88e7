package org.omserver.agent.update;

/** An update package failed verification; the message says which check and is safe to show and audit. */
public final class UpdateRefused
        extends RuntimeException
{
    public UpdateRefused(String message)
    {
        super("update refused: " + message);
    }
}
