package org.omserver.executor.ssh;

import org.junit.jupiter.api.Test;
import org.omserver.executor.ssh.internal.Utf8ChunkDecoder;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TestUtf8ChunkDecoder
{
    @Test
    void neverSplitsACharacterWhateverTheReadSize()
    {
        String text = "a你好😀ü\n世界🎉";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int size = 1; size <= bytes.length; size++) {
            Utf8ChunkDecoder decoder = new Utf8ChunkDecoder();
            StringBuilder out = new StringBuilder();
            for (int offset = 0; offset < bytes.length; offset += size) {
                String chunk = decoder.decode(bytes, offset, Math.min(size, bytes.length - offset));
                assertThat(chunk).doesNotContain("\uFFFD");
                if (!chunk.isEmpty()) {
                    assertThat(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1))).as("chunk ends inside a surrogate pair").isFalse();
                }
                out.append(chunk);
            }
            out.append(decoder.finish());
            assertThat(out.toString()).as("read size %d", size).isEqualTo(text);
        }
    }

    @Test
    void replacesMalformedAndTruncatedBytes()
    {
        Utf8ChunkDecoder decoder = new Utf8ChunkDecoder();

        String middle = decoder.decode(new byte[] {'a', (byte) 0xff, 'b', (byte) 0xe4, (byte) 0xbd}, 0, 5);
        String end = decoder.finish();

        assertThat(middle).isEqualTo("a\uFFFDb");
        assertThat(end).isEqualTo("\uFFFD");
    }
}
