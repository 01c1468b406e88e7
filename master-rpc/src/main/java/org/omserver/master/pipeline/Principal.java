package org.omserver.master.pipeline;

import org.omserver.catalog.user.Role;

import static java.util.Objects.requireNonNull;

/** Who a request runs as: a logged-in user, or the configured legacy caller. */
public record Principal(String username, Role role)
{
    public Principal
    {
        requireNonNull(username, "username is null");
        requireNonNull(role, "role is null");
    }
}
