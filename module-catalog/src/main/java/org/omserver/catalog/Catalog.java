package org.omserver.catalog;

import java.time.Clock;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.omserver.catalog.agent.AgentRepository;
import org.omserver.catalog.audit.AuditRepository;
import org.omserver.catalog.file.FileRepository;
import org.omserver.catalog.internal.Repositories;
import org.omserver.catalog.schedule.ScheduleRepository;
import org.omserver.catalog.inventory.InventoryRepository;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.module.ModuleRepository;
import org.omserver.catalog.user.UserRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The master's database, opened: a connection pool, the schema migrated to the latest version, and the
 * repositories. Thread-safe; close it once at shutdown.
 */
public final class Catalog
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    private final HikariDataSource dataSource;
    private final Repositories repositories;

    private Catalog(HikariDataSource dataSource, Repositories repositories)
    {
        this.dataSource = dataSource;
        this.repositories = repositories;
    }

    /** @throws CatalogException when the database cannot be reached or migrated; the message says what to check */
    public static Catalog open(DatabaseConfig config)
    {
        return open(config, Clock.systemUTC());
    }

    /** As {@link #open(DatabaseConfig)}, with the clock that stamps users' creation and jobs' end. */
    public static Catalog open(DatabaseConfig config, Clock clock)
    {
        requireNonNull(clock, "clock is null");
        HikariDataSource dataSource = connect(config);
        try {
            migrate(dataSource, config);
            log.info("catalog open: {} as {}, pool of {}", maskUrl(config.jdbcUrl()), config.user(), config.maxPoolSize());
            return new Catalog(dataSource, Repositories.create(dataSource, clock));
        }
        catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** Brings the schema to the latest version (the {@code migrate} command) and closes the connections. */
    public static MigrationResult migrate(DatabaseConfig config)
    {
        try (HikariDataSource dataSource = connect(new DatabaseConfig(config.jdbcUrl(), config.user(), config.password(), 2))) {
            return migrate(dataSource, config);
        }
    }

    public ModuleRepository modules()
    {
        return repositories.modules();
    }

    public InventoryRepository inventory()
    {
        return repositories.inventory();
    }

    public UserRepository users()
    {
        return repositories.users();
    }

    public JobRepository jobs()
    {
        return repositories.jobs();
    }

    public AuditRepository audit()
    {
        return repositories.audit();
    }

    public ScheduleRepository schedules()
    {
        return repositories.schedules();
    }

    public AgentRepository agents()
    {
        return repositories.agents();
    }

    /** The file store's metadata (issue 3). */
    public FileRepository files()
    {
        return repositories.files();
    }

    /** The master's allow-list for free commands (V10). */
    public org.omserver.catalog.command.CommandAllowRepository commandAllowList()
    {
        return new org.omserver.catalog.internal.JdbcCommandAllowRepository(dataSource);
    }

    @Override
    public void close()
    {
        dataSource.close();
    }

    private static HikariDataSource connect(DatabaseConfig config)
    {
        requireNonNull(config, "config is null");
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("omserver-catalog");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setConnectionTimeout(10_000);
        if (config.jdbcUrl().startsWith("jdbc:mysql:") && !config.jdbcUrl().contains("connectTimeout")) {
            // Connector/J waits forever for an unanswering host by default
            hikari.addDataSourceProperty("connectTimeout", "10000");
        }
        try {
            return new HikariDataSource(hikari);
        }
        catch (RuntimeException e) {
            throw new CatalogException("cannot connect to the database at " + maskUrl(config.jdbcUrl()) + " as user '" + config.user()
                    + "': " + rootMessage(e) + ". Check that the server is running and reachable at that address, that the user exists"
                    + " with the configured password and may use that database, and that the database exists.", e);
        }
    }

    private static MigrationResult migrate(HikariDataSource dataSource, DatabaseConfig config)
    {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // command templates hold ${param}: Flyway must not read them as its own placeholders
                .placeholderReplacement(false)
                .load();
        try {
            MigrateResult result = flyway.migrate();
            List<String> applied = result.migrations.stream().map(migration -> migration.version).toList();
            MigrationInfo current = flyway.info().current();
            String version = current == null ? "none" : current.getVersion().getVersion();
            if (!applied.isEmpty()) {
                log.info("database {} migrated to schema version {} (applied {})", maskUrl(config.jdbcUrl()), version, applied);
            }
            return new MigrationResult(applied, version);
        }
        catch (FlywayException e) {
            throw new CatalogException("cannot bring the schema of " + maskUrl(config.jdbcUrl()) + " (user '" + config.user() + "') up to date: "
                    + e.getMessage() + ". An existing OMServer database is not upgraded in place: create an empty database,"
                    + " let OMServer for Java create its schema there, then load the old rows (see module-catalog/README.md).", e);
        }
    }

    /** A password written into the URL itself must not reach logs or messages. */
    static String maskUrl(String url)
    {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    private static String rootMessage(Throwable e)
    {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
