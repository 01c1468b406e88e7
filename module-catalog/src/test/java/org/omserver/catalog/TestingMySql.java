package org.omserver.catalog;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;

/**
 * A fresh, empty database on the test MariaDB/MySQL server, dropped on close. Several test JVMs share the
 * server, so each instance uses its own randomly named database.
 *
 * <p>Environment: {@code OMSERVER_TEST_MYSQL_URL} (default {@code jdbc:mysql://127.0.0.1:3306/}),
 * {@code OMSERVER_TEST_MYSQL_USER} / {@code OMSERVER_TEST_MYSQL_PASSWORD} (default omserver / omserver).
 * An unreachable server is a failure, never a skip.
 */
public final class TestingMySql
        implements AutoCloseable
{
    private final String serverUrl;
    private final String user;
    private final String password;
    private final String database;

    public TestingMySql()
    {
        this(env("OMSERVER_TEST_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/"), env("OMSERVER_TEST_MYSQL_USER", "omserver"),
                env("OMSERVER_TEST_MYSQL_PASSWORD", "omserver"));
    }

    public TestingMySql(String serverUrl, String user, String password)
    {
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
        database = "omserver_t_" + HexFormat.of().formatHex(random());
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on MySQL/MariaDB at " + serverUrl + " as user '" + user
                    + "' (" + e.getMessage() + "). Run scripts/test-prereqs.sh, which starts MariaDB and creates that user,"
                    + " or point OMSERVER_TEST_MYSQL_URL / OMSERVER_TEST_MYSQL_USER / OMSERVER_TEST_MYSQL_PASSWORD at a server"
                    + " where that user may create databases.", e);
        }
    }

    /** The test database, for {@link Catalog#open}. */
    public DatabaseConfig config()
    {
        return new DatabaseConfig(urlFor(database), user, password, 4);
    }

    public String databaseName()
    {
        return database;
    }

    @Override
    public void close()
            throws SQLException
    {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database);
        }
    }

    private Connection connect()
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection(serverUrl, properties);
    }

    /** The server URL with the database put in its path, keeping any query string. */
    private String urlFor(String name)
    {
        int query = serverUrl.indexOf('?');
        String base = query < 0 ? serverUrl : serverUrl.substring(0, query);
        String rest = query < 0 ? "" : serverUrl.substring(query);
        return (base.endsWith("/") ? base : base + "/") + name + rest;
    }

    private static byte[] random()
    {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String env(String name, String fallback)
    {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
