package org.omserver.launcher;

import org.omserver.catalog.SampleInventory;
import org.omserver.catalog.TestingMySql;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.user.Role;
import org.omserver.executor.ssh.TestingSshd;
import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.SharedSecret;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole stack with real parts, for the API and CLI tests: MariaDB, OpenSSH on {@link #SSH_HOSTS}, the master,
 * and the gateway on a free port. The inventory has the sample categories, the ssh hosts in application category
 * {@link #GROUP}, and {@link #DEAD_HOST}, a loopback address where nothing listens (its runs fail with UNREACHABLE).
 * Users {@code admin} (ADMIN) and {@code viewer} (VIEWER) share {@link #PASSWORD}. Two extra modules:
 * {@link #FAILING_MODULE} exits 3 after writing to stdout and stderr; {@link #WAITING_MODULE} runs until the file
 * {@link #releaseFile()} exists (at most about 30 s).
 */
final class TestingStack
        implements AutoCloseable
{
    static final List<String> SSH_HOSTS = List.of("127.0.8.2", "127.0.8.3");
    /** Starts with {@code 127.0.8.2}: a substring or prefix match of that address would wrongly include it. */
    static final String DEAD_HOST = "127.0.8.29";
    static final String GROUP = "api.test.group";
    static final String PASSWORD = "correct horse battery";
    static final int FAILING_MODULE = 9001;
    static final int WAITING_MODULE = 9002;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final TestingMySql mysql;
    private final MasterServer master;
    private final GatewayServer gateway;
    private final Path directory;
    private final SharedSecret secret;

    TestingStack()
            throws Exception
    {
        try {
            directory = Files.createTempDirectory("omserver-stack");
            mysql = add(new TestingMySql());
            TestingSshd sshd = add(TestingSshd.start(SSH_HOSTS.toArray(String[]::new)));
            secret = SharedSecret.generate();
            Map<String, String> properties = new HashMap<>(Map.of(
                    "master.port", "0",
                    "agents.port", "0",
                    "db.url", mysql.config().jdbcUrl(),
                    "db.user", mysql.config().user(),
                    "db.password", mysql.config().password()));
            sshd.executorConfig().properties().forEach((key, value) -> properties.put("executor.ssh." + key, value));
            properties.put("files.dir", directory.resolve("files").toString());
            master = add(MasterServer.start(MasterConfig.fromProperties(properties), secret, Clock.systemUTC()));

            SampleInventory.seed(master.catalog().inventory());
            int functionCategory = master.catalog().inventory().functionCategories().getFirst().id();
            int group = master.catalog().inventory().addAppCategory(functionCategory, GROUP);
            for (String host : SSH_HOSTS) {
                master.catalog().inventory().putServer(new Server(host, "web-" + host, Optional.empty(), Optional.of("Linux"), group,
                        Optional.of("ssh"), sshd.port(), Optional.of(sshd.user())));
            }
            int otherCategory = master.catalog().inventory().appCategories().getFirst().id();
            master.catalog().inventory().putServer(new Server(DEAD_HOST, "dead", Optional.empty(), Optional.of("Linux"), otherCategory,
                    Optional.of("ssh"), sshd.port(), Optional.of(sshd.user())));
            master.catalog().users().create("admin", PASSWORD.toCharArray(), Role.ADMIN);
            master.catalog().users().create("viewer", PASSWORD.toCharArray(), Role.VIEWER);
            insertModule(FAILING_MODULE, "fail with exit 3", "[\"sh\",\"-c\",\"echo partial; echo broken >&2; exit 3\"]");
            // bounded: gives up after 600 checks (about 30 s) even if never released, so no test leaves it running
            insertModule(WAITING_MODULE, "wait for release", "[\"sh\",\"-c\",\"i=0; while [ ! -e '" + releaseFile()
                    + "' ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; [ -e '" + releaseFile() + "' ] && echo released\"]");

            gateway = add(GatewayServer.start(GatewayConfig.fromProperties(Map.of(
                    "gateway.port", "0",
                    "master.port", Integer.toString(master.port()))), secret));
        }
        catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    URI gatewayUri()
    {
        return gateway.uri();
    }

    MasterServer master()
    {
        return master;
    }

    /** The secret the master and the gateway share, for another gateway in front of the same master. */
    SharedSecret secret()
    {
        return secret;
    }

    /** While this file does not exist, {@link #WAITING_MODULE} keeps running. */
    Path releaseFile()
    {
        return directory.resolve("release");
    }

    /** Runs one SQL statement on the stack's database (tests that set up rows the pages cannot make). */
    void execute(String sql)
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(mysql.config().jdbcUrl(), mysql.config().user(), mysql.config().password());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }

    private void insertModule(int id, String name, String commandTemplate)
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(mysql.config().jdbcUrl(), mysql.config().user(), mysql.config().password());
                PreparedStatement insert = connection.prepareStatement("INSERT INTO module_list (ID, module_name, module_caption, "
                        + "module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled) "
                        + "VALUES (?, ?, ?, NULL, 'any', '[]', ?, 60, FALSE, TRUE)")) {
            insert.setInt(1, id);
            insert.setString(2, name);
            insert.setString(3, "Test module: " + name);
            insert.setString(4, commandTemplate);
            insert.executeUpdate();
        }
    }

    private <T extends AutoCloseable> T add(T part)
    {
        parts.add(part);
        return part;
    }

    @Override
    public void close()
    {
        Running.closeAll(parts);
        if (directory != null) {
            try {
                // lets a waiting command that outlived its job (cancelled over SSH) end now
                Files.writeString(releaseFile(), "");
            }
            catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            try (var files = Files.walk(directory)) {
                // deepest first: the file store's directory (files/, files/.uploads) holds files of its own
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(directory);
            }
            catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
