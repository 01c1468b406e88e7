package org.omserver.catalog.user;

import java.util.Optional;

public interface UserRepository
{
    Optional<User> find(String username);

    /** Creates a user with a password hashed by {@link Passwords#hash}; fails if the name is taken. */
    User create(String username, char[] password, Role role);

    /** Replaces the password (hashing it); returns false when there is no such user. */
    boolean setPassword(String username, char[] password);
}
