package org.omserver.agent.daemon;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.security.SecureRandom;

import org.omserver.agent.wire.EnrollmentKeys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * An agent's request to be enrolled by an admin's approval: its id and X25519 key pair, kept in
 * {@code <state.dir>/enrollment-request.properties} (mode 600, written atomically) so a restarted agent asks again
 * with the same request instead of filing a new one. Deleted once the agent has its identity.
 */
record EnrollmentRequest(String requestId, byte[] publicKey, byte[] privateKey)
{
    static final String FILE = "enrollment-request.properties";

    EnrollmentRequest
    {
        requireNonNull(requestId, "requestId is null");
        publicKey = publicKey.clone();
        privateKey = privateKey.clone();
    }

    static EnrollmentRequest create()
    {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        KeyPair pair = EnrollmentKeys.generate();
        return new EnrollmentRequest("req-" + HexFormat.of().formatHex(id), pair.getPublic().getEncoded(), pair.getPrivate().getEncoded());
    }

    /** The kept request, or a new one (kept at once). */
    static EnrollmentRequest loadOrCreate(Path stateDir)
            throws IOException
    {
        Path file = stateDir.resolve(FILE);
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
                properties.load(reader);
            }
            String id = Optional.ofNullable(properties.getProperty("request.id")).filter(text -> EnrollmentKeys.REQUEST_ID.matcher(text).matches())
                    .orElseThrow(() -> new IOException(file + " has no valid request.id; delete it to ask for enrollment again"));
            try {
                return new EnrollmentRequest(id, Base64.getDecoder().decode(properties.getProperty("public.key", "")),
                        Base64.getDecoder().decode(properties.getProperty("private.key", "")));
            }
            catch (IllegalArgumentException e) {
                throw new IOException(file + " holds a key that is not Base64; delete it to ask for enrollment again", e);
            }
        }
        EnrollmentRequest request = create();
        Files.createDirectories(stateDir);
        Path temporary = Files.createTempFile(stateDir, "enrollment", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, "request.id=" + request.requestId + "\npublic.key=" + Base64.getEncoder().encodeToString(request.publicKey)
                + "\nprivate.key=" + Base64.getEncoder().encodeToString(request.privateKey) + "\n", UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return request;
    }

    static void delete(Path stateDir)
            throws IOException
    {
        Files.deleteIfExists(stateDir.resolve(FILE));
    }

    @Override
    public byte[] publicKey()
    {
        return publicKey.clone();
    }

    PrivateKey key()
    {
        return EnrollmentKeys.privateKey(privateKey);
    }

    String fingerprint()
    {
        return EnrollmentKeys.fingerprint(publicKey);
    }

    @Override
    public String toString()
    {
        return "EnrollmentRequest[" + requestId + ", " + fingerprint() + "]";
    }
}
