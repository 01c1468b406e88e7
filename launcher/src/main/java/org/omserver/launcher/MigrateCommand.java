package org.omserver.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.DatabaseConfig;
import org.omserver.catalog.MigrationResult;
import org.omserver.catalog.user.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Bring the master's database schema up to date (and optionally create the first admin).")
final class MigrateCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/master.properties",
            description = "Master configuration file with the db.* keys (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--create-admin", paramLabel = "NAME",
            description = "Also create an admin account with this name and a generated password, printed once.")
    String admin;

    @Override
    public Integer call()
    {
        Map<String, String> values = ConfigFiles.load(config);
        String url = values.get("db.url");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("db.url is missing in " + config);
        }
        DatabaseConfig database = new DatabaseConfig(url, values.getOrDefault("db.user", ""), values.getOrDefault("db.password", ""), 2);
        MigrationResult result = Catalog.migrate(database);
        System.out.println(result.applied().isEmpty()
                ? "Schema is up to date at version " + result.schemaVersion() + "."
                : "Applied migrations " + String.join(", ", result.applied()) + "; schema is now at version " + result.schemaVersion() + ".");
        if (admin == null) {
            return 0;
        }
        try (Catalog catalog = Catalog.open(database)) {
            if (catalog.users().find(admin).isPresent()) {
                throw new IllegalArgumentException("user " + admin + " already exists; nothing changed");
            }
            char[] password = GeneratedPasswords.next();
            catalog.users().create(admin, password, Role.ADMIN);
            System.out.println("Created admin " + admin + " with password " + new String(password) + " (shown once; change it after logging in).");
        }
        return 0;
    }
}
