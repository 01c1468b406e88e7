package org.omserver.master.session;

import org.omserver.catalog.user.Role;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Sessions in memory, keyed by an unguessable token (32 random bytes, Base64url). Expiry slides: each use moves
 * it {@code timeout} past now. A master restart logs everyone out, which is the safe direction.
 */
public final class SessionStore
{
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration timeout;

    public SessionStore(Clock clock, Duration timeout)
    {
        this.clock = requireNonNull(clock, "clock is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    public Session create(String username, Role role)
    {
        purgeExpired();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Session session = new Session(token, username, role, clock.instant().plus(timeout));
        sessions.put(token, session);
        return session;
    }

    /** The live session for {@code token}, its expiry moved forward; empty when unknown or expired. */
    public Optional<Session> touch(String token)
    {
        Instant now = clock.instant();
        Session touched = sessions.computeIfPresent(token, (key, session) -> session.expiresAt().isAfter(now)
                ? new Session(key, session.username(), session.role(), now.plus(timeout))
                : null);
        return Optional.ofNullable(touched);
    }

    /** True when the session existed. */
    public boolean remove(String token)
    {
        return sessions.remove(token) != null;
    }

    /**
     * Ends every session of {@code username} (browser logins and API tokens alike: both are master sessions) but
     * {@code keep}, if given; returns how many ended.
     */
    public int removeUser(String username, Optional<String> keep)
    {
        requireNonNull(username, "username is null");
        int[] ended = {0};
        sessions.values().removeIf(session -> {
            boolean end = session.username().equals(username) && !keep.map(session.token()::equals).orElse(false);
            if (end) {
                ended[0]++;
            }
            return end;
        });
        return ended[0];
    }

    /** Live sessions of {@code username}. */
    public int countUser(String username)
    {
        Instant now = clock.instant();
        return (int) sessions.values().stream().filter(session -> session.username().equals(username) && session.expiresAt().isAfter(now)).count();
    }

    public int size()
    {
        return sessions.size();
    }

    private void purgeExpired()
    {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> !session.expiresAt().isAfter(now));
    }
}
