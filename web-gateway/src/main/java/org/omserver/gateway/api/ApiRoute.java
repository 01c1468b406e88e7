package org.omserver.gateway.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One route of the API: an HTTP method, a path template as written in the OpenAPI document
 * ({@code /api/v1/jobs/{id}/events}) and the endpoint that answers it. A {@code {name}} segment matches one
 * path segment; the endpoint checks its value.
 */
public record ApiRoute(String method, String path, Handler handler, Pattern pattern)
{
    private static final Pattern VARIABLE = Pattern.compile("\\{([a-zA-Z]+)}");

    @FunctionalInterface
    public interface Handler
    {
        ApiReply handle(Endpoints endpoints, ApiCall call)
                throws Exception;
    }

    public ApiRoute
    {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(handler, "handler is null");
        requireNonNull(pattern, "pattern is null");
    }

    static ApiRoute of(String method, String path, Handler handler)
    {
        StringBuilder regex = new StringBuilder();
        Matcher variable = VARIABLE.matcher(path);
        int last = 0;
        while (variable.find()) {
            regex.append(Pattern.quote(path.substring(last, variable.start())));
            regex.append("(?<").append(variable.group(1)).append(">[^/]+)");
            last = variable.end();
        }
        regex.append(Pattern.quote(path.substring(last)));
        return new ApiRoute(method, path, handler, Pattern.compile(regex.toString()));
    }

    /** The path variables when {@code requestPath} matches this route's template. */
    Optional<Map<String, String>> match(String requestPath)
    {
        Matcher matcher = pattern.matcher(requestPath);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher names = VARIABLE.matcher(path);
        while (names.find()) {
            variables.put(names.group(1), matcher.group(names.group(1)));
        }
        return Optional.of(variables);
    }
}
