package org.omserver.catalog.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * One page of the audit log, newest first, keyset-paged by id: {@code beforeId} gives the page older than an id,
 * {@code afterId} the {@code limit} records just newer than one (still listed newest first); filters combine with AND.
 *
 * @param outcome {@code accepted}, {@code refused} (anything else) or an exact outcome such as {@code FORBIDDEN}
 * @param text contained, ignoring case, in params, targets or detail
 */
public record AuditQuery(OptionalLong beforeId, OptionalLong afterId, int limit, Optional<String> actor, Optional<String> action, Optional<String> outcome,
        Optional<Instant> since, Optional<Instant> until, Optional<String> text)
{
    public static final int MAX_LIMIT = 500;
    public static final int MAX_TEXT = 256;

    public AuditQuery
    {
        requireNonNull(beforeId, "beforeId is null");
        requireNonNull(afterId, "afterId is null");
        if (beforeId.isPresent() && afterId.isPresent()) {
            throw new IllegalArgumentException("give beforeId (older page) or afterId (newer page), not both");
        }
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(since, "since is null");
        requireNonNull(until, "until is null");
        requireNonNull(text, "text is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        if (text.isPresent() && text.get().length() > MAX_TEXT) {
            throw new IllegalArgumentException("the search text is longer than " + MAX_TEXT + " characters; search for a shorter part");
        }
    }

    public static AuditQuery newest(int limit)
    {
        return new AuditQuery(OptionalLong.empty(), OptionalLong.empty(), limit, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
