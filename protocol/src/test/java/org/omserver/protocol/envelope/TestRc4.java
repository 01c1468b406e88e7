package org.omserver.protocol.envelope;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** RC4 against RFC 6229 section 2, and the drop-n variant against the plain keystream. */
class TestRc4
{
    private static final HexFormat HEX = HexFormat.of();
    private static final int[] OFFSETS = {0, 16, 240, 256, 496, 512, 752, 768, 1008, 1024, 1520, 1536, 2032, 2048, 3056, 3072, 4080, 4096};

    // RFC 6229 section 2, "Key length: 40 bits. key: 0x0102030405", in the RFC's order of offsets
    private static final String[] KEY_40_BITS = {
            "b2 39 63 05  f0 3d c0 27   cc c3 52 4a  0a 11 18 a8",
            "69 82 94 4f  18 fc 82 d5   89 c4 03 a4  7a 0d 09 19",
            "28 cb 11 32  c9 6c e2 86   42 1d ca ad  b8 b6 9e ae",
            "1c fc f6 2b  03 ed db 64   1d 77 df cf  7f 8d 8c 93",
            "42 b7 d0 cd  d9 18 a8 a3   3d d5 17 81  c8 1f 40 41",
            "64 59 84 44  32 a7 da 92   3c fb 3e b4  98 06 61 f6",
            "ec 10 32 7b  de 2b ee fd   18 f9 27 76  80 45 7e 22",
            "eb 62 63 8d  4f 0b a1 fe   9f ca 20 e0  5b f8 ff 2b",
            "45 12 90 48  e6 a0 ed 0b   56 b4 90 33  8f 07 8d a5",
            "30 ab bc c7  c2 0b 01 60   9f 23 ee 2d  5f 6b b7 df",
            "32 94 f7 44  d8 f9 79 05   07 e7 0f 62  e5 bb ce ea",
            "d8 72 9d b4  18 82 25 9b   ee 4f 82 53  25 f5 a1 30",
            "1e b1 4a 0c  13 b3 bf 47   fa 2a 0b a9  3a d4 5b 8b",
            "cc 58 2f 8b  a9 f2 65 e2   b1 be 91 12  e9 75 d2 d7",
            "f2 e3 0f 9b  d1 02 ec bf   75 aa ad e9  bc 35 c4 3c",
            "ec 0e 11 c4  79 dc 32 9d   c8 da 79 68  fe 96 56 81",
            "06 83 26 a2  11 84 16 d2   1f 9d 04 b2  cd 1c a0 50",
            "ff 25 b5 89  95 99 67 07   e5 1f bd f0  8b 34 d8 75",
    };

    // RFC 6229 section 2, "Key length: 128 bits. key: 0x0102030405060708090a0b0c0d0e0f10"
    private static final String[] KEY_128_BITS = {
            "9a c7 cc 9a  60 9d 1e f7   b2 93 28 99  cd e4 1b 97",
            "52 48 c4 95  90 14 12 6a   6e 8a 84 f1  1d 1a 9e 1c",
            "06 59 02 e4  b6 20 f6 cc   36 c8 58 9f  66 43 2f 2b",
            "d3 9d 56 6b  c6 bc e3 01   07 68 15 15  49 f3 87 3f",
            "b6 d1 e6 c4  a5 e4 77 1c   ad 79 53 8d  f2 95 fb 11",
            "c6 8c 1d 5c  55 9a 97 41   23 df 1d bc  52 a4 3b 89",
            "c5 ec f8 8d  e8 97 fd 57   fe d3 01 70  1b 82 a2 59",
            "ec cb e1 3d  e1 fc c9 1c   11 a0 b2 6c  0b c8 fa 4d",
            "e7 a7 25 74  f8 78 2a e2   6a ab cf 9e  bc d6 60 65",
            "bd f0 32 4e  60 83 dc c6   d3 ce dd 3c  a8 c5 3c 16",
            "b4 01 10 c4  19 0b 56 22   a9 61 16 b0  01 7e d2 97",
            "ff a0 b5 14  64 7e c0 4f   63 06 b8 92  ae 66 11 81",
            "d0 3d 1b c0  3c d3 3d 70   df f9 fa 5d  71 96 3e bd",
            "8a 44 12 64  11 ea a7 8b   d5 1e 8d 87  a8 87 9b f5",
            "fa be b7 60  28 ad e2 d0   e4 87 22 e4  6c 46 15 a3",
            "c0 5d 88 ab  d5 03 57 f9   35 a6 3c 59  ee 53 76 23",
            "ff 38 26 5c  16 42 c1 ab   e8 d3 c2 fe  5e 57 2b f8",
            "a3 6a 4c 30  1a e8 ac 13   61 0c cb c1  22 56 ca cc",
    };

    @Test
    void keystreamOf40BitKeyMatchesRfc6229()
    {
        assertKeystream("0102030405", KEY_40_BITS);
    }

    @Test
    void keystreamOf128BitKeyMatchesRfc6229()
    {
        assertKeystream("0102030405060708090a0b0c0d0e0f10", KEY_128_BITS);
    }

    @Test
    void droppingBytesStartsTheKeystreamAtThatOffset()
    {
        byte[] key = HEX.parseHex("0102030405060708090a0b0c0d0e0f10");
        byte[] full = keystream(key, 0, 8192);
        for (int drop : new int[] {1, 16, 255, 256, 768, 1024, 3072, 4096}) {
            assertThat(keystream(key, drop, 1024))
                    .as("RC4-drop[%s]", drop)
                    .isEqualTo(Arrays.copyOfRange(full, drop, drop + 1024));
        }
    }

    @Test
    void drop3072MatchesRfc6229AtOffset3072()
    {
        byte[] key = HEX.parseHex("0102030405");
        assertThat(Arrays.copyOf(keystream(key, 3072, 16), 16)).isEqualTo(hex(KEY_40_BITS[15]));
        assertThat(Arrays.copyOfRange(keystream(key, 3072, 1040), 1024, 1040)).isEqualTo(hex(KEY_40_BITS[17]));
    }

    @Test
    void applyingTwiceRestoresTheInput()
    {
        byte[] key = HEX.parseHex("0102030405060708090a0b0c0d0e0f10");
        byte[] data = "ModuleID@@10.0.0.1*web1@@50@@".getBytes(UTF_8);
        byte[] cipher = Rc4.apply(key, 3072, data);
        assertThat(cipher).isNotEqualTo(data);
        assertThat(Rc4.apply(key, 3072, cipher)).isEqualTo(data);
    }

    @Test
    void emptyInputGivesEmptyOutput()
    {
        assertThat(Rc4.apply(HEX.parseHex("0102030405"), 3072, new byte[0])).isEmpty();
    }

    private static void assertKeystream(String keyHex, String[] expected)
    {
        byte[] stream = keystream(HEX.parseHex(keyHex), 0, 4096 + 16);
        Map<Integer, String> mismatches = new TreeMap<>();
        for (int i = 0; i < OFFSETS.length; i++) {
            int offset = OFFSETS[i];
            byte[] actual = Arrays.copyOfRange(stream, offset, offset + 16);
            if (!Arrays.equals(actual, hex(expected[i]))) {
                mismatches.put(offset, HEX.formatHex(actual));
            }
        }
        assertThat(mismatches).as("keystream blocks differing from RFC 6229 for key %s", keyHex).isEmpty();
    }

    private static byte[] keystream(byte[] key, int drop, int length)
    {
        return Rc4.apply(key, drop, new byte[length]);
    }

    private static byte[] hex(String spaced)
    {
        return HEX.parseHex(spaced.replace(" ", ""));
    }
}
