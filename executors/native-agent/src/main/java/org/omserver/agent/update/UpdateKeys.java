package org.omserver.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 keys for update packages. Files hold one line of base64 of the raw 32-byte key, so an operator can paste
 * the public one into the agent config as {@code update.public-key}.
 */
public final class UpdateKeys
{
    public static final String PRIVATE_FILE = "update-signing.key";
    public static final String PUBLIC_FILE = "update-signing.pub";

    private UpdateKeys() {}

    /** Writes a new key pair into dir; the private file is created with mode 600 and never overwritten. */
    public static Path[] generate(Path dir)
            throws IOException
    {
        Files.createDirectories(dir);
        Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(new SecureRandom());
        Path privFile = dir.resolve(PRIVATE_FILE);
        Path pubFile = dir.resolve(PUBLIC_FILE);
        if (Files.exists(privFile) || Files.exists(pubFile)) {
            throw new IOException("Refusing to overwrite existing key files in " + dir + "; choose an empty directory.");
        }
        Files.createFile(privFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privFile, encode(priv.getEncoded()) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(pubFile, encode(priv.generatePublicKey().getEncoded()) + "\n");
        return new Path[] {privFile, pubFile};
    }

    public static Ed25519PrivateKeyParameters readPrivate(Path file)
            throws IOException
    {
        return new Ed25519PrivateKeyParameters(decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString()), 0);
    }

    /** Parses a public key given as base64 text (the config value or a .pub file's content). */
    public static Ed25519PublicKeyParameters parsePublic(String base64, String where)
    {
        return new Ed25519PublicKeyParameters(decode(base64, where), 0);
    }

    static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message)
    {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    static boolean verify(Ed25519PublicKeyParameters key, byte[] message, byte[] signature)
    {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    static String encode(byte[] raw)
    {
        return Base64.getEncoder().encodeToString(raw);
    }

    private static byte[] decode(String text, String where)
    {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text.strip());
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not a base64 Ed25519 key; create keys with 'omserver update-key'.");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException(where + " holds " + raw.length + " bytes, an Ed25519 key has 32; create keys with 'omserver update-key'.");
        }
        return raw;
    }
}
