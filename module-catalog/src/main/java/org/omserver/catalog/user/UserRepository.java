package org.omserver.catalog.user;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

public interface UserRepository
{
    Optional<User> find(String username);

    /** Creates a user with a password hashed by {@link Passwords#hash}; fails if the name is taken. */
    User create(String username, char[] password, Role role);

    /** Replaces the password (hashing it); returns false when there is no such user. */
    boolean setPassword(String username, char[] password);

    /** Every user, by name, with grants. */
    List<UserAccount> list();

    Optional<UserAccount> account(String username);

    /** Notes that the user logged in now (the user list's "last login"); false when there is no such user. */
    boolean recordLogin(String username);

    /** False when there is no such user. */
    boolean setEnabled(String username, boolean enabled);

    /** False when there is no such user. */
    boolean setRole(String username, Role role);

    /** Deletes the user and its grants; false when there is no such user. Jobs and audit rows keep the name. */
    boolean delete(String username);

    /** The function categories whose hosts the user may run modules on (meaningful for operators). */
    Set<Integer> grants(String username);

    /** Replaces the user's grants in one transaction; false when there is no such user. */
    boolean setGrants(String username, Collection<Integer> functionCategoryIds, String grantedBy);
}
