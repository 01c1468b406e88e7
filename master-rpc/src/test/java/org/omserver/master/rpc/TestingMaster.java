package org.omserver.master.rpc;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.TestingMySql;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.user.Role;
import org.omserver.executor.ssh.TestingSshd;
import org.omserver.master.config.MasterConfig;
import org.omserver.protocol.envelope.SharedSecret;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A master on an ephemeral port over a fresh MariaDB database and a real sshd on 127.0.0.2 and 127.0.0.3.
 * Inventory: web01 = 127.0.0.2, web02 = 127.0.0.3 (both on sshd), dead01 = 127.0.0.4 on a closed port.
 * Users: admin / viewer / author, password "pw-" + name.
 */
public final class TestingMaster
        implements AutoCloseable
{
    public static final String SECRET = "a test secret of at least sixteen bytes";

    private final TestingMySql mysql;
    private final TestingSshd sshd;
    private final TestingClock clock = new TestingClock();
    private final Map<String, String> properties = new HashMap<>();
    private MasterServer server;

    public TestingMaster(Map<String, String> overrides)
            throws IOException
    {
        mysql = new TestingMySql();
        sshd = TestingSshd.start("127.0.0.2", "127.0.0.3");
        properties.put("master.port", "0");
        properties.put("agents.port", "0");
        properties.put("db.url", mysql.config().jdbcUrl());
        properties.put("db.user", mysql.config().user());
        properties.put("db.password", mysql.config().password());
        properties.put("db.pool-size", "4");
        properties.put("rpc.worker-threads", "8");
        sshd.executorConfig().properties().forEach((key, value) -> properties.put("executor.ssh." + key, value));
        properties.putAll(overrides);
        server = MasterServer.start(MasterConfig.fromProperties(properties), SharedSecret.of(SECRET), clock);
        seed(server.catalog());
    }

    private void seed(Catalog catalog)
            throws IOException
    {
        int function = catalog.inventory().addFunctionCategory("Linux.Web");
        int app = catalog.inventory().addAppCategory(function, "www.domain.com");
        catalog.inventory().putServer(new Server("127.0.0.2", "web01", Optional.empty(), Optional.of("Debian"), app, Optional.empty(),
                sshd.port(), Optional.of(sshd.user())));
        catalog.inventory().putServer(new Server("127.0.0.3", "web02", Optional.empty(), Optional.empty(), app, Optional.of("ssh"),
                sshd.port(), Optional.of(sshd.user())));
        catalog.inventory().putServer(new Server("127.0.0.4", "dead01", Optional.empty(), Optional.empty(), app, Optional.empty(),
                closedPort(), Optional.of(sshd.user())));
        catalog.users().create("admin", "pw-admin".toCharArray(), Role.ADMIN);
        catalog.users().create("viewer", "pw-viewer".toCharArray(), Role.VIEWER);
        catalog.users().create("author", "pw-author".toCharArray(), Role.AUTHOR);
    }

    private static int closedPort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.4"))) {
            return socket.getLocalPort();
        }
    }

    /** Stops this master and starts another on the same database and sshd (a master restart). */
    public MasterServer restart(Map<String, String> overrides)
    {
        server.close();
        Map<String, String> changed = new HashMap<>(properties);
        changed.putAll(overrides);
        server = MasterServer.start(MasterConfig.fromProperties(changed), SharedSecret.of(SECRET), clock);
        return server;
    }

    /** Runs one SQL statement on the master's database (for rows the repositories cannot write yet). */
    public void execute(String sql)
            throws java.sql.SQLException
    {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(mysql.config().jdbcUrl(), mysql.config().user(), mysql.config().password());
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public MasterServer server()
    {
        return server;
    }

    public Catalog catalog()
    {
        return server.catalog();
    }

    public TestingClock clock()
    {
        return clock;
    }

    public TestingSshd sshd()
    {
        return sshd;
    }

    public TestingMasterClient client()
            throws org.apache.thrift.TException
    {
        return new TestingMasterClient(server.port(), SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), clock);
    }

    @Override
    public void close()
            throws Exception
    {
        try (mysql; sshd) {
            server.close();
        }
    }
}
