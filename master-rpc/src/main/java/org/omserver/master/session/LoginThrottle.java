package org.omserver.master.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Counts failed logins per user name and client address over a sliding period; once {@code maxFailures} are
 * reached, further attempts for that pair are refused (without checking the password) until old failures age out.
 */
public final class LoginThrottle
{
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxFailures;
    private final Duration period;

    public LoginThrottle(Clock clock, int maxFailures, Duration period)
    {
        this.clock = requireNonNull(clock, "clock is null");
        this.maxFailures = maxFailures;
        this.period = requireNonNull(period, "period is null");
    }

    public boolean blocked(String username, String address)
    {
        Deque<Instant> recent = failures.get(key(username, address));
        if (recent == null) {
            return false;
        }
        synchronized (recent) {
            prune(recent);
            return recent.size() >= maxFailures;
        }
    }

    public void failed(String username, String address)
    {
        Deque<Instant> recent = failures.computeIfAbsent(key(username, address), key -> new ArrayDeque<>());
        synchronized (recent) {
            prune(recent);
            recent.addLast(clock.instant());
        }
        if (failures.size() > 100_000) {
            // bounded memory under a spray of user names: forget pairs whose failures all aged out
            failures.values().removeIf(deque -> {
                synchronized (deque) {
                    prune(deque);
                    return deque.isEmpty();
                }
            });
        }
    }

    public void succeeded(String username, String address)
    {
        failures.remove(key(username, address));
    }

    public Duration period()
    {
        return period;
    }

    private void prune(Deque<Instant> recent)
    {
        Instant oldest = clock.instant().minus(period);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(oldest)) {
            recent.removeFirst();
        }
    }

    private static String key(String username, String address)
    {
        return username + "\0" + address;
    }
}
