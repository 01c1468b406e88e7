package org.omserver.executor.ssh.internal;

import com.hierynomus.sshj.transport.cipher.GcmCipher;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SSHRuntimeException;
import net.schmizz.sshj.transport.cipher.Cipher;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;

/**
 * aes128-gcm@openssh.com and aes256-gcm@openssh.com on the JDK's own AES-GCM (SunJCE, which runs on the CPU's AES
 * and carry-less multiply instructions) instead of the provider SSHJ registers (Bouncy Castle, pure Java, which also
 * expands the AES key again for every packet: 5 % of the master's samples in a 500-host profile, bench/README.md).
 * The packet format, nonce counter and tag handling are SSHJ's {@link GcmCipher}; only the JCA engine differs.
 */
public final class JdkAesGcm
        extends GcmCipher
{
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final String PROVIDER = "SunJCE";

    private JdkAesGcm(int keySizeBytes)
    {
        // 12-byte nonce, 16-byte block, 16-byte tag: RFC 5647 as OpenSSH runs it
        super(12, 16, keySizeBytes, "AES", TRANSFORMATION);
    }

    /** A factory under {@code name} (aes128-gcm@openssh.com or aes256-gcm@openssh.com). */
    public static Factory.Named<Cipher> factory(String name)
    {
        int keySizeBytes = switch (name) {
            case "aes128-gcm@openssh.com" -> 16;
            case "aes256-gcm@openssh.com" -> 32;
            default -> throw new IllegalArgumentException("not an AES-GCM cipher name: " + name);
        };
        return new Factory.Named<>()
        {
            @Override
            public Cipher create()
            {
                return new JdkAesGcm(keySizeBytes);
            }

            @Override
            public String getName()
            {
                return name;
            }
        };
    }

    /** Whether the JDK offers AES-GCM here (it always does on the JDKs this project supports). */
    public static boolean available()
    {
        try {
            javax.crypto.Cipher.getInstance(TRANSFORMATION, PROVIDER);
            return true;
        }
        catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    protected void initCipher(javax.crypto.Cipher ignored, Mode mode, byte[] key, byte[] iv)
            throws InvalidKeyException, InvalidAlgorithmParameterException
    {
        try {
            cipher = javax.crypto.Cipher.getInstance(TRANSFORMATION, PROVIDER);
        }
        catch (GeneralSecurityException e) {
            throw new SSHRuntimeException("the JDK has no " + TRANSFORMATION + " in " + PROVIDER, e);
        }
        super.initCipher(cipher, mode, key, iv);
    }
}
