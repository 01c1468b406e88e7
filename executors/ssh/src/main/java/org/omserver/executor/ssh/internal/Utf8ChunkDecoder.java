package org.omserver.executor.ssh.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a byte stream, read in arbitrary pieces, into UTF-8 text chunks. A character whose bytes are split
 * across two reads is held back until it is complete; malformed bytes become U+FFFD. Not thread-safe: one
 * decoder per stream.
 */
public final class Utf8ChunkDecoder
{
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    // holds at most the few bytes of an incomplete character between calls
    private ByteBuffer pending = ByteBuffer.allocate(0);

    /** Decodes {@code length} bytes; returns the complete characters so far (possibly empty). */
    public String decode(byte[] bytes, int offset, int length)
    {
        ByteBuffer in;
        if (pending.hasRemaining()) {
            in = ByteBuffer.allocate(pending.remaining() + length);
            in.put(pending).put(bytes, offset, length).flip();
        }
        else {
            in = ByteBuffer.wrap(bytes, offset, length);
        }
        CharBuffer out = CharBuffer.allocate(length + pending.capacity() + 1);
        decoder.decode(in, out, false);
        pending = copyRemaining(in);
        return out.flip().toString();
    }

    /** Ends the stream: bytes of a character that never completed become U+FFFD. */
    public String finish()
    {
        CharBuffer out = CharBuffer.allocate(pending.remaining() + 2);
        decoder.decode(pending, out, true);
        decoder.flush(out);
        pending = ByteBuffer.allocate(0);
        decoder.reset();
        return out.flip().toString();
    }

    private static ByteBuffer copyRemaining(ByteBuffer in)
    {
        ByteBuffer copy = ByteBuffer.allocate(in.remaining());
        copy.put(in).flip();
        return copy;
    }
}
