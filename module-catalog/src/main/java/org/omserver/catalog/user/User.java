package org.omserver.catalog.user;

import static java.util.Objects.requireNonNull;

/** A gateway account. {@code passwordHash} is a bcrypt string; see {@link Passwords}. */
public record User(long id, String username, String passwordHash, Role role, boolean enabled)
{
    public User
    {
        requireNonNull(username, "username is null");
        requireNonNull(passwordHash, "passwordHash is null");
        requireNonNull(role, "role is null");
    }

    @Override
    public String toString()
    {
        return "User[id=" + id + ", username=" + username + ", role=" + role + ", enabled=" + enabled + "]";
    }
}
