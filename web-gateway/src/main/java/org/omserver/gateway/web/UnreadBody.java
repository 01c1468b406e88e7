package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Reads and drops what a handler left unread of a request body, just before the answer is written. A refusal is
 * usually decided before the body is read (no token, wrong role, wrong content type); if the answer went out with
 * the body still unread, Jetty would close the connection after the answer without saying so, and a keep-alive
 * client that had already taken the connection back for its next request would see it die under that request
 * ("header parser received no bytes"). Bodies larger than {@link #MAX_DISCARDED_BYTES} are not read: the answer then
 * says {@code Connection: close}, so the client knows not to reuse the connection.
 */
public final class UnreadBody
{
    /** Most of an unread body read and dropped; the gateway's own forms and JSON bodies are far below it. */
    public static final long MAX_DISCARDED_BYTES = 1024 * 1024;

    private UnreadBody() {}

    public static void discard(HttpServletRequest request, HttpServletResponse response)
    {
        if (response.isCommitted() || (request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null)) {
            return;
        }
        if (request.getContentLengthLong() > MAX_DISCARDED_BYTES) {
            response.setHeader("Connection", "close");
            return;
        }
        boolean whole;
        try {
            whole = drained(request.getInputStream());
        }
        catch (IllegalStateException e) {
            // the handler read the body as text: go on with the same reader
            try {
                whole = drained(request.getReader());
            }
            catch (IOException | IllegalStateException unreadable) {
                whole = false;
            }
        }
        catch (IOException e) {
            whole = false;
        }
        if (!whole) {
            response.setHeader("Connection", "close");
        }
    }

    private static boolean drained(InputStream in)
            throws IOException
    {
        byte[] buffer = new byte[8192];
        for (long left = MAX_DISCARDED_BYTES; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return true;
            }
            left -= n;
        }
        return in.read() < 0;
    }

    private static boolean drained(Reader in)
            throws IOException
    {
        char[] buffer = new char[8192];
        for (long left = MAX_DISCARDED_BYTES; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return true;
            }
            left -= n;
        }
        return in.read() < 0;
    }
}
