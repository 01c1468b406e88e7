package org.omserver.catalog.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

import static java.util.Objects.requireNonNull;

/** Runs one mapper call per session (auto-commit), and the conversions every repository needs. */
final class Db
{
    static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final SqlSessionFactory sessions;

    Db(SqlSessionFactory sessions)
    {
        this.sessions = requireNonNull(sessions, "sessions is null");
    }

    <M, T> T call(Class<M> mapper, Function<M, T> work)
    {
        try (SqlSession session = sessions.openSession(true)) {
            return work.apply(session.getMapper(mapper));
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <M, T, E extends Exception> T transaction(Class<M> mapper, TransactionWork<M, T, E> work)
            throws E
    {
        try (SqlSession session = sessions.openSession(false)) {
            T result = work.apply(session.getMapper(mapper));
            session.commit();
            return result;
        }
    }

    /**
     * Runs {@code work} as one JDBC batch in one transaction (the statements are sent when it returns, then
     * committed), rolled back when anything throws.
     */
    <M> void batch(Class<M> mapper, Consumer<M> work)
    {
        try (SqlSession session = sessions.openSession(ExecutorType.BATCH, false)) {
            work.accept(session.getMapper(mapper));
            session.flushStatements();
            session.commit();
        }
    }

    @FunctionalInterface
    interface TransactionWork<M, T, E extends Exception>
    {
        T apply(M mapper)
                throws E;
    }

    /** Times are stored as UTC DATETIME(3): no driver or server time zone is involved. */
    static LocalDateTime utc(Instant instant)
    {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    static Instant instant(LocalDateTime utc)
    {
        return utc.toInstant(ZoneOffset.UTC);
    }

    static String toJson(Object value)
    {
        try {
            return JSON.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, String> jsonMap(String json)
    {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON object is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    static List<String> jsonList(String json)
    {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON array is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /** At most {@code maxBytes} of UTF-8, cut at a character boundary (never inside a surrogate pair). */
    static String capUtf8(String text, int maxBytes)
    {
        if (text.length() * 3L <= maxBytes || text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }

    /** At most {@code maxChars} characters, for columns sized in characters. */
    static String cap(String text, int maxChars)
    {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
