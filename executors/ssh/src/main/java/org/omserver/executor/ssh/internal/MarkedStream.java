package org.omserver.executor.ssh.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One stream (stdout or stderr) of a {@link ShellSession}, cut into the output of one command after another by the
 * marker lines the shell prints around each: {@link #skipPast} drops everything up to the command's start line (so
 * what a background child of an earlier command wrote late is not this command's), {@link #until} is the command's
 * output, ending just before its end marker, and {@link #restOfLine} is what follows the marker on its line (the exit
 * status on stdout). Bytes that could be the beginning of the end marker are held back until the next read shows
 * whether they are; nothing else is: a prompt without a newline is delivered at once. One reader at a time.
 */
public final class MarkedStream
{
    // per stream of every pooled connection; the markers are under 64 bytes, and the executor reads in 32 KiB chunks
    private static final int BUFFER_SIZE = 8 * 1024;
    private static final int MAX_REST_OF_LINE = 64;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    // the unread bytes are buffer[start, end)
    private int start;
    private int end;

    public MarkedStream(InputStream in)
    {
        this.in = requireNonNull(in, "in is null");
    }

    /** The stream ended before the start line: the command was not started (or the shell is gone). */
    public static final class NotStartedException
            extends IOException
    {
        NotStartedException(String message)
        {
            super(message);
        }
    }

    /** Reads and drops everything up to and including {@code line}. */
    public void skipPast(byte[] line)
            throws IOException
    {
        while (true) {
            int at = indexOf(line);
            if (at >= 0) {
                start = at + line.length;
                return;
            }
            // keep what could be the beginning of the line
            start = Math.max(start, end - (line.length - 1));
            if (!fill()) {
                throw new NotStartedException("the shell's stream ended before the command's start line");
            }
        }
    }

    /** The bytes before {@code marker}, as a stream that ends there; it fails if the underlying stream ends first. */
    public InputStream until(byte[] marker)
    {
        return new InputStream()
        {
            private boolean ended;

            @Override
            public int read()
                    throws IOException
            {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length)
                    throws IOException
            {
                if (ended) {
                    return -1;
                }
                if (length == 0) {
                    return 0;
                }
                while (true) {
                    int at = indexOf(marker);
                    if (at == start) {
                        start += marker.length;
                        ended = true;
                        return -1;
                    }
                    int deliverable = (at >= 0 ? at : end - heldBack(marker)) - start;
                    if (deliverable > 0) {
                        int n = Math.min(length, deliverable);
                        System.arraycopy(buffer, start, target, offset, n);
                        start += n;
                        return n;
                    }
                    if (!fill()) {
                        throw new EOFException("the shell's stream ended before the command's end marker");
                    }
                }
            }
        };
    }

    /** After {@link #until} ended: the rest of the marker's line, without the newline. */
    public String restOfLine()
            throws IOException
    {
        StringBuilder rest = new StringBuilder();
        while (true) {
            while (start < end) {
                byte b = buffer[start++];
                if (b == '\n') {
                    return rest.toString();
                }
                if (rest.length() == MAX_REST_OF_LINE) {
                    throw new IOException("the line after the command's end marker is longer than " + MAX_REST_OF_LINE + " bytes");
                }
                rest.append((char) (b & 0xff));
            }
            if (!fill()) {
                throw new EOFException("the shell's stream ended inside the command's end line");
            }
        }
    }

    /** Reads more into the buffer; false at the end of the stream. */
    private boolean fill()
            throws IOException
    {
        if (start == end) {
            start = 0;
            end = 0;
        }
        else if (end == buffer.length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    private int indexOf(byte[] pattern)
    {
        for (int i = start; i <= end - pattern.length; i++) {
            if (buffer[i] == pattern[0] && Arrays.equals(buffer, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    /** How many bytes at the end of the unread ones could be the beginning of {@code marker}. */
    private int heldBack(byte[] marker)
    {
        for (int k = Math.min(marker.length - 1, end - start); k > 0; k--) {
            if (Arrays.equals(buffer, end - k, end, marker, 0, k)) {
                return k;
            }
        }
        return 0;
    }
}
