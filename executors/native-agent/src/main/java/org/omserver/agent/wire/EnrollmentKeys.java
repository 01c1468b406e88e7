package org.omserver.agent.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.KeyAgreement;

/**
 * The key agreement of enrollment by approval (agent.thrift, {@code askEnrollment}): X25519 key pairs from the JDK,
 * and the key that seals the approval, SHA-256("omserver-enrollment-v1" | request id | shared secret). Only the
 * holder of the agent's private key (kept in its state directory) can open the agent's id and key.
 */
public final class EnrollmentKeys
{
    /** A request id: chosen by the agent, {@code req-} and 16 hex digits. */
    public static final Pattern REQUEST_ID = Pattern.compile("req-[0-9a-f]{16}");
    private static final String ALGORITHM = "X25519";

    private EnrollmentKeys() {}

    public static KeyPair generate()
    {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no X25519", e);
        }
    }

    /** An X.509-encoded X25519 public key; IllegalArgumentException when it is not one. */
    public static PublicKey publicKey(byte[] encoded)
    {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
            if (!key.getAlgorithm().equals("XDH") && !key.getAlgorithm().equals(ALGORITHM)) {
                throw new IllegalArgumentException("not an X25519 public key");
            }
            return key;
        }
        catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an X.509-encoded X25519 public key", e);
        }
    }

    /** A PKCS#8-encoded X25519 private key, as kept in the agent's state directory. */
    public static PrivateKey privateKey(byte[] encoded)
    {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8-encoded X25519 private key", e);
        }
    }

    /** The key both sides seal and open the approval with. */
    public static byte[] approvalKey(PrivateKey own, PublicKey peer, String requestId)
    {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance(ALGORITHM);
            agreement.init(own);
            agreement.doPhase(peer, true);
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("omserver-enrollment-v1".getBytes(StandardCharsets.US_ASCII));
            sha256.update(requestId.getBytes(StandardCharsets.US_ASCII));
            return sha256.digest(agreement.generateSecret());
        }
        catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the X25519 key agreement failed: " + e.getMessage(), e);
        }
    }

    /** {@code SHA256:<base64 without padding>} of the encoded public key: what the admin compares with the agent's log. */
    public static String fingerprint(byte[] encodedPublicKey)
    {
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(encodedPublicKey));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
