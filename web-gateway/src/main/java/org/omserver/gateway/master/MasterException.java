package org.omserver.gateway.master;

import org.omserver.protocol.thrift.ErrorCode;

import static java.util.Objects.requireNonNull;

/**
 * The master refused a call with an {@code OmsError}: the stable {@link #code()} says what kind of refusal it was,
 * the message is the master's own, written for the user, and is shown on the page as it is (HTML-escaped).
 */
public class MasterException
        extends Exception
{
    private final ErrorCode code;

    public MasterException(ErrorCode code, String message)
    {
        super(message);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code()
    {
        return code;
    }
}
