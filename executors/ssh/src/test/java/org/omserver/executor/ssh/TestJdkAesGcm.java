package org.omserver.executor.ssh;

import com.hierynomus.sshj.transport.cipher.GcmCiphers;
import net.schmizz.sshj.common.SSHRuntimeException;
import net.schmizz.sshj.transport.cipher.Cipher;
import org.junit.jupiter.api.Test;
import org.omserver.executor.ssh.internal.JdkAesGcm;

import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDK-backed AES-GCM must be byte-for-byte the cipher SSHJ runs on Bouncy Castle: packets sealed by one open
 * with the other, across many packets (the nonce counter), and a changed byte fails authentication.
 */
class TestJdkAesGcm
{
    private static final int TAG = 16;
    private final SecureRandom random = new SecureRandom();

    @Test
    void interoperatesWithSshjsOwnCipherBothWays()
    {
        for (String name : new String[] {"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}) {
            int keyBytes = name.startsWith("aes128") ? 16 : 32;
            byte[] key = bytes(keyBytes);
            byte[] iv = bytes(12);
            Cipher sshjFactory = (keyBytes == 16 ? GcmCiphers.AES128GCM() : GcmCiphers.AES256GCM()).create();

            assertRoundTrips(JdkAesGcm.factory(name).create(), sshjFactory, key, iv);
            assertRoundTrips((keyBytes == 16 ? GcmCiphers.AES128GCM() : GcmCiphers.AES256GCM()).create(), JdkAesGcm.factory(name).create(), key, iv);
        }
    }

    @Test
    void refusesATamperedPacket()
    {
        byte[] key = bytes(16);
        byte[] iv = bytes(12);
        Cipher sealer = JdkAesGcm.factory("aes128-gcm@openssh.com").create();
        Cipher opener = JdkAesGcm.factory("aes128-gcm@openssh.com").create();
        sealer.init(Cipher.Mode.Encrypt, key, iv);
        opener.init(Cipher.Mode.Decrypt, key, iv);
        byte[] packet = packet(bytes(64));
        seal(sealer, packet, 64);
        packet[10] ^= 1;

        assertThatThrownBy(() -> opener.updateWithAAD(packet, 0, 4, 64)).isInstanceOf(SSHRuntimeException.class);
    }

    @Test
    void namesOnlyTheTwoGcmCiphers()
    {
        assertThat(JdkAesGcm.factory("aes128-gcm@openssh.com").getName()).isEqualTo("aes128-gcm@openssh.com");
        assertThat(JdkAesGcm.available()).isTrue();
        assertThatThrownBy(() -> JdkAesGcm.factory("aes128-ctr")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aes128-ctr");
    }

    private void assertRoundTrips(Cipher sealer, Cipher opener, byte[] key, byte[] iv)
    {
        sealer.init(Cipher.Mode.Encrypt, key, iv);
        opener.init(Cipher.Mode.Decrypt, key, iv);
        // more packets than one nonce, of varied sizes (a multiple of the block size, as SSH pads them)
        for (int i = 0; i < 50; i++) {
            int length = 16 * (1 + random.nextInt(200));
            byte[] payload = bytes(length);
            byte[] packet = packet(payload);
            seal(sealer, packet, length);
            assertThat(Arrays.copyOfRange(packet, 4, 4 + length)).isNotEqualTo(payload);

            opener.updateWithAAD(packet, 0, 4, length);

            assertThat(Arrays.copyOfRange(packet, 4, 4 + length)).isEqualTo(payload);
        }
    }

    /** As SSHJ's encoder does: the 4-byte length is authenticated, not encrypted; the tag follows the payload. */
    private static void seal(Cipher cipher, byte[] packet, int length)
    {
        cipher.updateWithAAD(packet, 0, 4, length);
    }

    private static byte[] packet(byte[] payload)
    {
        byte[] packet = new byte[4 + payload.length + TAG];
        packet[0] = (byte) (payload.length >>> 24);
        packet[1] = (byte) (payload.length >>> 16);
        packet[2] = (byte) (payload.length >>> 8);
        packet[3] = (byte) payload.length;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    private byte[] bytes(int count)
    {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
