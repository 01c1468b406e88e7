package org.omserver.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.omserver.protocol.envelope.SharedSecret;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Reads a role's {@code .properties} file and takes out the keys the launcher itself handles, so each role's
 * config class sees only its own keys (and can refuse unknown ones).
 */
final class ConfigFiles
{
    /** Names the file holding the shared secret, when {@code OMSERVER_SECRET} is not set. */
    static final String SECRET_FILE_KEY = "secret.file";

    private ConfigFiles() {}

    static Map<String, String> load(Path file)
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
        }
        catch (NoSuchFileException e) {
            throw new IllegalArgumentException("configuration file " + file + " does not exist; copy an example from conf/ and edit it");
        }
        catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key.strip(), properties.getProperty(key).strip()));
        return values;
    }

    /**
     * The shared secret: {@code OMSERVER_SECRET} if set, else the file named by {@code secret.file} (relative to the
     * configuration file). Removes {@code secret.file} from {@code values}.
     */
    static SharedSecret secret(Map<String, String> values, Path configFile)
    {
        String fileName = values.remove(SECRET_FILE_KEY);
        String fromEnvironment = System.getenv(SharedSecret.ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            try {
                return SharedSecret.of(fromEnvironment);
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(SharedSecret.ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
            }
        }
        if (fileName == null || fileName.isBlank()) {
            throw new IllegalArgumentException("no shared secret: set " + SharedSecret.ENVIRONMENT_VARIABLE + " or "
                    + SECRET_FILE_KEY + " in " + configFile + " (the gateway and the master need the same one)");
        }
        Path base = configFile.toAbsolutePath().getParent();
        return SharedSecret.fromFile(base.resolve(fileName));
    }
}
