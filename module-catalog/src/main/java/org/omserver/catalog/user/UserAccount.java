package org.omserver.catalog.user;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A user as the user pages show it: the account, when it was made, and (for operators) its granted function categories. */
public record UserAccount(User user, Instant createdAt, List<Integer> grantedFunctionCategoryIds)
{
    public UserAccount
    {
        requireNonNull(user, "user is null");
        requireNonNull(createdAt, "createdAt is null");
        grantedFunctionCategoryIds = List.copyOf(grantedFunctionCategoryIds);
    }
}
