package org.omserver.catalog;

import static java.util.Objects.requireNonNull;

/**
 * Where the catalog lives.
 *
 * @param jdbcUrl {@code jdbc:mysql://...}, {@code jdbc:mariadb://...} is not supported; {@code jdbc:h2:...} for the embedded default
 * @param maxPoolSize connections in the pool
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int maxPoolSize)
{
    public DatabaseConfig
    {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        if (!jdbcUrl.startsWith("jdbc:mysql:") && !jdbcUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("database url must start with jdbc:mysql: (MySQL/MariaDB) or jdbc:h2: (embedded), was: " + jdbcUrl);
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("database pool size must be at least 1, was " + maxPoolSize);
        }
    }

    @Override
    public String toString()
    {
        return "DatabaseConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=****, maxPoolSize=" + maxPoolSize + "]";
    }
}
