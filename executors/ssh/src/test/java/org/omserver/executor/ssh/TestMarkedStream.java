package org.omserver.executor.ssh;

import org.junit.jupiter.api.Test;
import org.omserver.executor.ssh.internal.MarkedStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestMarkedStream
{
    private static final byte[] START = "OMS1-S\n".getBytes(US_ASCII);
    private static final byte[] END = "\nOMS1-E".getBytes(US_ASCII);

    @Test
    void dropsWhatCameBeforeTheStartLineAndEndsAtTheMarker()
            throws IOException
    {
        MarkedStream stream = new MarkedStream(chunks("late output\nOMS0-E 0\nOMS1-S\nhello\nworld", "\nOMS1-E 3\n"));

        stream.skipPast(START);

        assertThat(new String(stream.until(END).readAllBytes(), US_ASCII)).isEqualTo("hello\nworld");
        assertThat(stream.restOfLine()).isEqualTo(" 3");
    }

    @Test
    void deliversOutputWithoutANewlineAtOnceAndHoldsBackOnlyWhatCouldBeTheMarker()
            throws IOException
    {
        MarkedStream stream = new MarkedStream(chunks("OMS1-S\nPassword: ", "x\nOM", "G\n", "\nOMS", "1-E 0\n"));
        stream.skipPast(START);
        InputStream output = stream.until(END);
        byte[] buffer = new byte[100];

        assertThat(new String(buffer, 0, output.read(buffer), US_ASCII)).isEqualTo("Password: ");
        assertThat(new String(buffer, 0, output.read(buffer), US_ASCII)).isEqualTo("x");
        assertThat(new String(output.readAllBytes(), US_ASCII)).isEqualTo("\nOMG\n");
        assertThat(stream.restOfLine()).isEqualTo(" 0");
    }

    @Test
    void markersSplitAcrossReadsAreFound()
            throws IOException
    {
        List<String> bytes = "junkOMS1-S\nab\nOMS1-E 1\n".chars().mapToObj(c -> String.valueOf((char) c)).toList();
        MarkedStream stream = new MarkedStream(chunks(bytes.toArray(String[]::new)));

        stream.skipPast(START);

        assertThat(new String(stream.until(END).readAllBytes(), US_ASCII)).isEqualTo("ab");
        assertThat(stream.restOfLine()).isEqualTo(" 1");
    }

    @Test
    void oneStreamCarriesOneCommandAfterAnother()
            throws IOException
    {
        MarkedStream stream = new MarkedStream(chunks("OMS1-S\none\nOMS1-E 0\nstray\nOMS2-S\ntwo\n\nOMS2-E 1\n"));

        stream.skipPast(START);
        assertThat(new String(stream.until(END).readAllBytes(), US_ASCII)).isEqualTo("one");
        assertThat(stream.restOfLine()).isEqualTo(" 0");
        stream.skipPast("OMS2-S\n".getBytes(US_ASCII));
        assertThat(new String(stream.until("\nOMS2-E".getBytes(US_ASCII)).readAllBytes(), US_ASCII)).isEqualTo("two\n");
        assertThat(stream.restOfLine()).isEqualTo(" 1");
    }

    @Test
    void largeOutputPassesThroughWhole()
            throws IOException
    {
        String big = "x".repeat(100_000) + "\n" + "y".repeat(70_000);
        MarkedStream stream = new MarkedStream(chunks("OMS1-S\n" + big.substring(0, 50_000), big.substring(50_000) + "\nOMS1-E 0\n"));

        stream.skipPast(START);

        assertThat(new String(stream.until(END).readAllBytes(), US_ASCII)).isEqualTo(big);
    }

    @Test
    void theStreamEndingEarlyIsAnError()
    {
        assertThatThrownBy(() -> new MarkedStream(chunks("no start here\n")).skipPast(START))
                .isInstanceOf(MarkedStream.NotStartedException.class);
        assertThatThrownBy(() -> {
            MarkedStream stream = new MarkedStream(chunks("OMS1-S\npartial"));
            stream.skipPast(START);
            stream.until(END).readAllBytes();
        }).isInstanceOf(EOFException.class).hasMessageContaining("before the command's end marker");
    }

    /** A stream that returns one chunk per read, as a channel delivers packets. */
    private static InputStream chunks(String... parts)
    {
        Deque<byte[]> queue = new ArrayDeque<>();
        for (String part : parts) {
            queue.add(part.getBytes(US_ASCII));
        }
        return new InputStream()
        {
            @Override
            public int read()
            {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] target, int offset, int length)
            {
                byte[] next = queue.poll();
                if (next == null) {
                    return -1;
                }
                int n = Math.min(length, next.length);
                System.arraycopy(next, 0, target, offset, n);
                if (n < next.length) {
                    queue.addFirst(java.util.Arrays.copyOfRange(next, n, next.length));
                }
                return n;
            }
        };
    }
}
