package org.omserver.launcher.client;

import static java.util.Objects.requireNonNull;

/** The gateway answered with an error: its HTTP status, stable code and message. */
public final class ApiError
        extends Exception
{
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.status = status;
        this.code = requireNonNull(code, "code is null");
    }

    public int status()
    {
        return status;
    }

    public String code()
    {
        return code;
    }
}
