package org.omserver.gateway.api;

import static java.util.Objects.requireNonNull;

/**
 * A refusal the API answers as {@code {"code": …, "message": …}} with an HTTP status. The code is stable (clients
 * switch on it); the message says what to fix.
 */
public final class ApiException
        extends Exception
{
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.status = status;
        this.code = requireNonNull(code, "code is null");
    }

    static ApiException invalid(String message)
    {
        return new ApiException(400, "INVALID_REQUEST", message);
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
