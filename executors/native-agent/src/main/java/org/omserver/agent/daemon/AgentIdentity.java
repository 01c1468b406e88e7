package org.omserver.agent.daemon;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

import org.omserver.agent.wire.AgentSeal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The agent's id and own key, issued by the master at enrollment and kept in {@code <state.dir>/identity.properties}
 * (mode 600, replaced atomically). {@link #toString()} never shows the key.
 */
public record AgentIdentity(String agentId, byte[] key)
{
    static final String FILE = "identity.properties";

    public AgentIdentity
    {
        requireNonNull(agentId, "agentId is null");
        requireNonNull(key, "key is null");
        if (!AgentSeal.ID.matcher(agentId).matches()) {
            throw new IllegalArgumentException("agent id '" + agentId + "' is not 1-64 letters, digits, _ or -");
        }
        if (key.length < 16) {
            throw new IllegalArgumentException("agent key is " + key.length + " bytes, fewer than 16");
        }
        key = key.clone();
    }

    @Override
    public byte[] key()
    {
        return key.clone();
    }

    public static Optional<AgentIdentity> load(Path stateDir)
    {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
            return Optional.of(new AgentIdentity(properties.getProperty("agent.id", ""),
                    Base64.getDecoder().decode(properties.getProperty("agent.key", ""))));
        }
        catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the agent identity file " + file + " is unreadable (" + e.getMessage()
                    + "); delete it and enroll the agent again with a new token", e);
        }
    }

    public void save(Path stateDir)
    {
        try {
            Files.createDirectories(stateDir);
            Path temporary = Files.createTempFile(stateDir, "identity", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Properties properties = new Properties();
            properties.setProperty("agent.id", agentId);
            properties.setProperty("agent.key", Base64.getEncoder().encodeToString(key));
            StringWriter text = new StringWriter();
            properties.store(text, "issued by the OMServer master at enrollment; keep private");
            Files.writeString(temporary, text.toString(), UTF_8);
            try {
                Files.move(temporary, stateDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, stateDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot write the agent identity to " + stateDir + ": " + e.getMessage() + "; check state.dir", e);
        }
    }

    @Override
    public String toString()
    {
        return "AgentIdentity[" + agentId + ", key=****]";
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof AgentIdentity that && agentId.equals(that.agentId) && java.security.MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode()
    {
        return agentId.hashCode();
    }
}
