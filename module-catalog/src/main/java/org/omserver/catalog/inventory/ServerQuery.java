package org.omserver.catalog.inventory;

import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * A server search: {@code text} is contained (any case) in the name, LAN IP or WAN IP; {@code tag} is one of the
 * server's tags; {@code appCategoryId} and {@code group} narrow further. Ordered by LAN IP, paged by offset.
 */
public record ServerQuery(Optional<String> text, Optional<String> tag, OptionalInt appCategoryId, Optional<String> group, int offset, int limit)
{
    public static final int MAX_LIMIT = 500;

    public ServerQuery
    {
        requireNonNull(text, "text is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(appCategoryId, "appCategoryId is null");
        requireNonNull(group, "group is null");
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("offset must be 0 or more and limit 1 to " + MAX_LIMIT + ", were " + offset + " and " + limit);
        }
    }
}
