package org.omserver.launcher;

import org.omserver.catalog.TestingMySql;
import org.omserver.catalog.user.Role;
import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.SharedSecret;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet of synthetic hosts behind the real master and gateway (MariaDB included): {@code hosts} inventory rows on
 * the {@code synthetic} backend (master-rpc's test backend, which runs nothing and completes hosts at the rate in
 * {@code executor.synthetic.hosts-per-second}), named {@code fleet<i>} in application category {@link #GROUP}.
 * Their addresses, 127.42.x.y, are only inventory keys: nothing listens on them and no traffic goes to them.
 * User {@code admin} (ADMIN) with {@link TestingStack#PASSWORD}.
 */
final class TestingFleet
        implements AutoCloseable
{
    static final String GROUP = "synthetic.fleet";

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();
    private final TestingMySql mysql;
    private final MasterServer master;
    private final GatewayServer gateway;

    /** @param master more master keys, e.g. {@code executor.synthetic.hosts-per-second} */
    TestingFleet(int count, Map<String, String> master)
            throws Exception
    {
        try {
            mysql = add(new TestingMySql());
            SharedSecret secret = SharedSecret.generate();
            Map<String, String> properties = new HashMap<>(Map.of(
                    "master.port", "0",
                    "agents.enabled", "false",
                    "db.url", mysql.config().jdbcUrl(),
                    "db.user", mysql.config().user(),
                    "db.password", mysql.config().password(),
                    "executor.default", "synthetic",
                    "schedule.poll-interval", "0s"));
            properties.putAll(master);
            this.master = add(MasterServer.start(MasterConfig.fromProperties(properties), secret, Clock.systemUTC()));
            int function = this.master.catalog().inventory().addFunctionCategory("Fleet");
            int app = this.master.catalog().inventory().addAppCategory(function, GROUP);
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String ip = "127.42." + (i / 250) + "." + (i % 250 + 1);
                hosts.add(ip);
                values.append(values.isEmpty() ? "" : ",").append("('").append(ip).append("','fleet").append(i).append("',").append(app).append(",'synthetic')");
                if ((i + 1) % 1000 == 0 || i == count - 1) {
                    execute("INSERT INTO server_list (server_lip, server_name, server_app_id, backend) VALUES " + values);
                    values.setLength(0);
                }
            }
            this.master.catalog().users().create("admin", TestingStack.PASSWORD.toCharArray(), Role.ADMIN);
            gateway = add(GatewayServer.start(GatewayConfig.fromProperties(Map.of(
                    "gateway.port", "0",
                    "master.port", Integer.toString(this.master.port()))), secret));
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

    /** The inventory's addresses in order: fleet0 is the first. */
    List<String> hosts()
    {
        return List.copyOf(hosts);
    }

    void execute(String sql)
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(mysql.config().jdbcUrl(), mysql.config().user(), mysql.config().password());
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    long count(String sql)
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(mysql.config().jdbcUrl(), mysql.config().user(), mysql.config().password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
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
    }
}
