package org.omserver.catalog.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A user as the user pages show it: the account, when it was made, (for operators) its granted function categories,
 * and its last successful login (empty when it never logged in).
 */
public record UserAccount(User user, Instant createdAt, List<Integer> grantedFunctionCategoryIds, Optional<Instant> lastLogin)
{
    public UserAccount
    {
        requireNonNull(user, "user is null");
        requireNonNull(createdAt, "createdAt is null");
        grantedFunctionCategoryIds = List.copyOf(grantedFunctionCategoryIds);
        requireNonNull(lastLogin, "lastLogin is null");
    }
}
