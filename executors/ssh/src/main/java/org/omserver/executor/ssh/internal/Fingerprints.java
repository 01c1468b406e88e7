package org.omserver.executor.ssh.internal;

import net.schmizz.sshj.common.Buffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/** Host key fingerprints in the form OpenSSH prints them, so users can compare with {@code ssh-keygen -lf}. */
public final class Fingerprints
{
    private Fingerprints() {}

    /** {@code SHA256:} followed by the unpadded base64 SHA-256 of the key blob. */
    public static String sha256(PublicKey key)
    {
        try {
            byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
