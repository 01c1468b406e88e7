package org.omserver.gateway.session;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * What the gateway keeps in the HTTP session, in one place: the logged-in user and the CSRF token. (Jobs are not
 * kept: the job page reads its header from the master's {@code jobDetail}.)
 *
 * <p>CSRF: every session holds one random token (32 bytes from {@link SecureRandom}); every POST form carries it in
 * the hidden field {@value #CSRF_FIELD}; {@link #csrfMatches} compares in constant time. The login form gets a
 * token too, on a pre-login session; logging in changes the session id and issues a new token.
 */
public final class Sessions
{
    public static final String CSRF_FIELD = "csrf";

    private static final String USER = "omserver.user";
    private static final String CSRF = "omserver.csrf";
    private static final String SHOWN_PASSWORD = "omserver.shown-password";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sessions() {}

    public static Optional<UserSession> user(HttpServletRequest request)
    {
        HttpSession session = request.getSession(false);
        return session == null ? Optional.empty() : Optional.ofNullable((UserSession) session.getAttribute(USER));
    }

    /** Logs the user in: new session id (against fixation), new CSRF token, user stored. */
    public static void logIn(HttpServletRequest request, UserSession user)
    {
        request.getSession(true);
        request.changeSessionId();
        HttpSession session = request.getSession();
        session.setAttribute(USER, user);
        session.setAttribute(CSRF, newToken());
    }

    /**
     * Keeps a password the master generated for {@code username} until the next page of that user is drawn
     * ({@link #takeGeneratedPassword}): the POST that made it redirects, so reloading the page shows it no more and
     * resets nothing again. One at a time; a newer one replaces it.
     */
    public static void keepGeneratedPassword(HttpServletRequest request, String username, String password)
    {
        request.getSession().setAttribute(SHOWN_PASSWORD, new GeneratedPassword(username, password));
    }

    /** The password kept for {@code username}, removed as it is taken; empty when there is none for that user. */
    public static Optional<String> takeGeneratedPassword(HttpServletRequest request, String username)
    {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(SHOWN_PASSWORD) instanceof GeneratedPassword kept) || !kept.username().equals(username)) {
            return Optional.empty();
        }
        session.removeAttribute(SHOWN_PASSWORD);
        return Optional.of(kept.password());
    }

    private record GeneratedPassword(String username, String password)
            implements java.io.Serializable
    {
        @Override
        public String toString()
        {
            return "GeneratedPassword{username=" + username + ", password=***}";
        }
    }

    public static void invalidate(HttpServletRequest request)
    {
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            }
            catch (IllegalStateException ignored) {
                // already invalidated by a concurrent request
            }
        }
    }

    /** The CSRF token of this session, creating the session and the token when needed (login page). */
    public static String csrfToken(HttpServletRequest request)
    {
        HttpSession session = request.getSession(true);
        synchronized (session) {
            String token = (String) session.getAttribute(CSRF);
            if (token == null) {
                token = newToken();
                session.setAttribute(CSRF, token);
            }
            return token;
        }
    }

    /** True when the request's {@value #CSRF_FIELD} parameter equals the session's token (constant time). */
    public static boolean csrfMatches(HttpServletRequest request)
    {
        HttpSession session = request.getSession(false);
        String expected = session == null ? null : (String) session.getAttribute(CSRF);
        String given = request.getParameter(CSRF_FIELD);
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(US_ASCII), given.getBytes(US_ASCII));
    }

    private static String newToken()
    {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
