package org.omserver.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON that is safe inside {@code <script type="application/json">}: the script element ends at the first
 * {@code </script}, whatever JSON quoting surrounds it, and HTML entities are not decoded there. So every
 * {@code <}, {@code >}, {@code &} and the JavaScript line separators are written as {@code \}{@code uXXXX} escapes
 * (these characters can only occur inside JSON strings, where the escape means the same character).
 */
public final class SafeJson
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SafeJson() {}

    public static String forScriptBlock(Object value)
    {
        return escape(write(value));
    }

    public static String write(Object value)
    {
        try {
            return MAPPER.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static String escape(String json)
    {
        StringBuilder out = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
