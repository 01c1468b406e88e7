package org.omserver.master.session;

import org.omserver.catalog.user.Role;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A logged-in user as the master knows it; {@code expiresAt} slides forward on every use. */
public record Session(String token, String username, Role role, Instant expiresAt)
{
    public Session
    {
        requireNonNull(token, "token is null");
        requireNonNull(username, "username is null");
        requireNonNull(role, "role is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    @Override
    public String toString()
    {
        // the token is a bearer credential: never in logs
        return "Session[username=" + username + ", role=" + role + ", expiresAt=" + expiresAt + "]";
    }
}
