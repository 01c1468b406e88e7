package org.omserver.catalog.internal;

import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

import org.apache.ibatis.exceptions.PersistenceException;
import org.omserver.catalog.internal.Mappers.UserMapper;
import org.omserver.catalog.internal.Rows.UserRow;
import org.omserver.catalog.user.Passwords;
import org.omserver.catalog.user.Role;
import org.omserver.catalog.user.User;
import org.omserver.catalog.user.UserAccount;
import org.omserver.catalog.user.UserRepository;

import static java.util.Objects.requireNonNull;

public final class DbUserRepository
        implements UserRepository
{
    /** Plain names only: they appear in audit lines, history and URLs. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Db db;
    private final Clock clock;

    DbUserRepository(Db db, Clock clock)
    {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<User> find(String username)
    {
        requireNonNull(username, "username is null");
        // MySQL compares names ignoring case; a login name must match exactly
        return db.call(UserMapper.class, mapper -> mapper.find(username)).stream()
                .filter(row -> row.username.equals(username))
                .findFirst()
                .map(DbUserRepository::toUser);
    }

    @Override
    public User create(String username, char[] password, Role role)
    {
        requireNonNull(username, "username is null");
        requireNonNull(role, "role is null");
        if (!USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("user name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (db.call(UserMapper.class, mapper -> mapper.countIgnoringCase(username)) > 0) {
            throw duplicate(username);
        }
        UserRow row = new UserRow();
        row.username = username;
        row.passwordHash = Passwords.hash(password);
        row.role = role.name().toLowerCase(Locale.ROOT);
        row.enabled = true;
        row.createdAt = Db.utc(clock.instant());
        try {
            db.call(UserMapper.class, mapper -> {
                mapper.insert(row);
                return null;
            });
        }
        catch (PersistenceException e) {
            if (e.getCause() instanceof SQLIntegrityConstraintViolationException) {
                throw duplicate(username);
            }
            throw e;
        }
        return toUser(row);
    }

    @Override
    public boolean setPassword(String username, char[] password)
    {
        Optional<User> user = find(username);
        if (user.isEmpty()) {
            return false;
        }
        String hash = Passwords.hash(password);
        return db.call(UserMapper.class, mapper -> mapper.setPasswordHash(user.get().id(), hash)) == 1;
    }

    @Override
    public List<UserAccount> list()
    {
        Map<Long, List<Integer>> grants = db.call(UserAdminMapper.class, UserAdminMapper::allGrants).stream()
                .collect(Collectors.groupingBy(row -> row.id, Collectors.mapping(row -> row.category, Collectors.toList())));
        return db.call(UserAdminMapper.class, UserAdminMapper::list).stream()
                .map(row -> new UserAccount(toUser(row), Db.instant(row.createdAt), grants.getOrDefault(row.id, List.of()).stream().sorted().toList(),
                        lastLogin(row)))
                .toList();
    }

    @Override
    public Optional<UserAccount> account(String username)
    {
        requireNonNull(username, "username is null");
        return db.call(UserMapper.class, mapper -> mapper.find(username)).stream()
                .filter(row -> row.username.equals(username))
                .findFirst()
                .map(row -> new UserAccount(toUser(row), Db.instant(row.createdAt), db.call(UserAdminMapper.class, mapper -> mapper.grants(row.id)),
                        lastLogin(row)));
    }

    @Override
    public boolean recordLogin(String username)
    {
        return find(username).map(user -> db.call(UserAdminMapper.class, mapper -> mapper.setLastLogin(user.id(), Db.utc(clock.instant()))) == 1)
                .orElse(false);
    }

    @Override
    public boolean setEnabled(String username, boolean enabled)
    {
        return find(username).map(user -> db.call(UserAdminMapper.class, mapper -> mapper.setEnabled(user.id(), enabled)) == 1).orElse(false);
    }

    @Override
    public boolean setRole(String username, Role role)
    {
        requireNonNull(role, "role is null");
        return find(username).map(user -> db.call(UserAdminMapper.class, mapper -> mapper.setRole(user.id(), role.name().toLowerCase(Locale.ROOT))) == 1)
                .orElse(false);
    }

    @Override
    public boolean delete(String username)
    {
        Optional<User> user = find(username);
        if (user.isEmpty()) {
            return false;
        }
        return db.transaction(UserAdminMapper.class, mapper -> {
            mapper.deleteGrants(user.get().id());
            return mapper.delete(user.get().id()) == 1;
        });
    }

    @Override
    public Set<Integer> grants(String username)
    {
        Optional<User> user = find(username);
        if (user.isEmpty()) {
            return Set.of();
        }
        List<Integer> ids = db.call(UserAdminMapper.class, mapper -> mapper.grants(user.get().id()));
        return new TreeSet<Integer>(ids);
    }

    @Override
    public boolean setGrants(String username, Collection<Integer> functionCategoryIds, String grantedBy)
    {
        requireNonNull(grantedBy, "grantedBy is null");
        Optional<User> user = find(username);
        if (user.isEmpty()) {
            return false;
        }
        Set<Integer> categories = new TreeSet<>(functionCategoryIds);
        return db.transaction(UserAdminMapper.class, mapper -> {
            mapper.deleteGrants(user.get().id());
            for (int category : categories) {
                mapper.insertGrant(user.get().id(), category, Db.utc(clock.instant()), Db.cap(grantedBy, 64));
            }
            return true;
        });
    }

    private static IllegalArgumentException duplicate(String username)
    {
        return new IllegalArgumentException("user '" + username + "' already exists (names are compared ignoring case); choose another name, or change that user's password");
    }

    private static Optional<java.time.Instant> lastLogin(UserRow row)
    {
        return Optional.ofNullable(row.lastLoginAt).map(Db::instant);
    }

    private static User toUser(UserRow row)
    {
        Role role;
        try {
            role = Role.valueOf(row.role.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalStateException("user '" + row.username + "' has unknown role '" + row.role + "' in oms_user; use admin, author, operator or viewer", e);
        }
        return new User(row.id, row.username, row.passwordHash, role, row.enabled);
    }
}
