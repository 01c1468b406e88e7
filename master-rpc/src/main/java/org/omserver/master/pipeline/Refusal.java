package org.omserver.master.pipeline;

import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.OmsError;

import static java.util.Objects.requireNonNull;

/** A stage refused the request. The message is shown to the user: it says what to fix, and leaks nothing. */
public final class Refusal
        extends Exception
{
    private final ErrorCode code;

    public Refusal(ErrorCode code, String message)
    {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code()
    {
        return code;
    }

    public OmsError toOmsError()
    {
        return new OmsError(code, getMessage());
    }
}
