package org.omserver.gateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * One API request as the endpoints see it: the bearer token, the path variables, strictly checked query
 * parameters and a size-capped JSON body. Every accessor refuses bad input with an {@link ApiException} that says
 * what to send instead.
 */
public final class ApiCall
{
    /** Largest request body read; the API's bodies are a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    // the master's session tokens are 32 random bytes in Base64url; anything else is not worth a master call
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,256}");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,18}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Map<String, String> pathVariables;
    private final Map<String, String> query = new HashMap<>();

    ApiCall(HttpServletRequest request, HttpServletResponse response, Map<String, String> pathVariables)
    {
        this.request = requireNonNull(request, "request is null");
        this.response = requireNonNull(response, "response is null");
        this.pathVariables = Map.copyOf(pathVariables);
    }

    HttpServletRequest request()
    {
        return request;
    }

    HttpServletResponse response()
    {
        return response;
    }

    /** The caller's address, for the master's audit log. */
    String clientAddress()
    {
        return request.getRemoteAddr();
    }

    /** The token of {@code Authorization: Bearer <token>}. Cookies never authenticate the API. */
    String bearerToken()
            throws ApiException
    {
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            throw new ApiException(401, "UNAUTHENTICATED",
                    "send the header 'Authorization: Bearer <token>'; get a token with POST /api/v1/tokens");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || !TOKEN.matcher(header.substring(7).strip()).matches()) {
            throw new ApiException(401, "UNAUTHENTICATED",
                    "the Authorization header must be 'Bearer <token>' with a token from POST /api/v1/tokens");
        }
        return header.substring(7).strip();
    }

    /** A numeric path variable such as a job id. */
    long numberInPath(String name)
            throws ApiException
    {
        String value = requireNonNull(pathVariables.get(name), "no path variable " + name);
        if (!NUMBER.matcher(value).matches()) {
            throw new ApiException(404, "NOT_FOUND", "'" + Printable.cut(value) + "' is not a " + name + "; use the number the API returned");
        }
        return Long.parseLong(value);
    }

    /** A path variable as text (a host's LAN IP); the master matches it exactly. */
    String textInPath(String name)
            throws ApiException
    {
        String value = requireNonNull(pathVariables.get(name), "no path variable " + name);
        String decoded;
        try {
            decoded = URLDecoder.decode(value, UTF_8);
        }
        catch (IllegalArgumentException e) {
            throw ApiException.invalid("the path has a bad %-escape; encode it as UTF-8 with %XX");
        }
        if (decoded.isEmpty() || decoded.length() > 64) {
            throw new ApiException(404, "NOT_FOUND", "'" + Printable.cut(decoded) + "' is not a " + name);
        }
        return decoded;
    }

    /** The constant of {@code type} named {@code value} exactly (upper case). */
    static <E extends Enum<E>> E enumValue(Class<E> type, String name, String value)
            throws ApiException
    {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        throw ApiException.invalid(name + " must be one of " + java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()
                + ", was '" + Printable.cut(value) + "'");
    }

    static boolean booleanValue(String name, String value)
            throws ApiException
    {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.invalid(name + " must be true or false, was '" + Printable.cut(value) + "'");
        };
    }

    /** True when the request carries a body. */
    boolean hasBody()
    {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** Refuses a body where none is expected, so a client does not believe it sent options that were ignored. */
    void noBody()
            throws ApiException
    {
        if (hasBody()) {
            throw ApiException.invalid("this request takes no body; send it empty");
        }
    }

    /**
     * Reads the query string (only the URL's: a form body is never taken for parameters), refusing parameters other than
     * {@code allowed}, any given twice, and bad percent-encoding.
     */
    void allowQuery(Set<String> allowed)
            throws ApiException
    {
        query.clear();
        String text = request.getQueryString();
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), UTF_8);
                value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), UTF_8);
            }
            catch (IllegalArgumentException e) {
                throw ApiException.invalid("the query string has a bad %-escape; encode values as UTF-8 with %XX");
            }
            if (!allowed.contains(name)) {
                throw ApiException.invalid("unknown query parameter '" + Printable.cut(name) + "'; this address takes "
                        + (allowed.isEmpty() ? "none" : String.join(", ", allowed.stream().sorted().toList())));
            }
            if (query.putIfAbsent(name, value) != null) {
                throw ApiException.invalid("query parameter '" + name + "' is given more than once; give it once");
            }
        }
    }

    /** The query parameter, or null when absent (after {@link #allowQuery}). */
    String query(String name)
    {
        return query.get(name);
    }

    /** A whole-number query parameter within {@code [min, max]}. */
    OptionalLong numberQuery(String name, long min, long max)
            throws ApiException
    {
        String value = query.get(name);
        if (value == null) {
            return OptionalLong.empty();
        }
        if (!NUMBER.matcher(value).matches() || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            throw ApiException.invalid(name + " must be a whole number from " + min + " to " + max + ", was '" + Printable.cut(value) + "'");
        }
        return OptionalLong.of(Long.parseLong(value));
    }

    /** The request body as a JSON object: {@code Content-Type: application/json}, at most {@link #MAX_BODY_BYTES}. */
    JsonNode jsonObject()
            throws ApiException, IOException
    {
        String type = request.getContentType();
        if (type == null || !isJson(type)) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON with 'Content-Type: application/json'"
                    + (type == null ? "" : ", not '" + Printable.cut(type) + "'"));
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            // what is left of an oversize body is read and dropped with the refusal (UnreadBody), so the client sees the 413
            if (request.getContentLengthLong() > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        }
        catch (JsonProcessingException e) {
            throw ApiException.invalid("the body is not valid JSON (" + Printable.cut(e.getOriginalMessage()) + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalid("the body must be a JSON object, e.g. {\"username\": \"…\"}");
        }
        return node;
    }

    private static boolean isJson(String contentType)
    {
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().replace("\"", "");
            if (!parameter.equalsIgnoreCase("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }

    private static ApiException tooLarge()
    {
        return new ApiException(413, "PAYLOAD_TOO_LARGE", "the body is larger than " + MAX_BODY_BYTES + " bytes; send less");
    }
}
