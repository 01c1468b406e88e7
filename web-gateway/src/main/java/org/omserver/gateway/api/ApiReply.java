package org.omserver.gateway.api;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** What an endpoint answers: a status, a JSON body (or none) and extra headers. */
public record ApiReply(int status, Object body, Map<String, String> headers)
{
    /** The endpoint wrote the response itself (the event stream). */
    static final ApiReply WRITTEN = new ApiReply(0, null, Map.of());

    public ApiReply
    {
        requireNonNull(headers, "headers is null");
        headers = Map.copyOf(headers);
    }

    static ApiReply ok(Object body)
    {
        return new ApiReply(200, requireNonNull(body, "body is null"), Map.of());
    }

    static ApiReply created(Object body, String location)
    {
        return new ApiReply(201, requireNonNull(body, "body is null"), Map.of("Location", location));
    }

    static ApiReply noContent()
    {
        return new ApiReply(204, null, Map.of());
    }
}
