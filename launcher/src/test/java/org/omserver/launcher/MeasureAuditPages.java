package org.omserver.launcher;

import org.junit.jupiter.api.Test;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.gateway.TestingBrowser;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/** Not a test: times the /audit page at 1 M audit rows (run with -Dtest=MeasureAuditPages). */
class MeasureAuditPages
{
    @Test
    void measure()
            throws Exception
    {
        try (TestingStack stack = new TestingStack()) {
            stack.master().catalog().audit().record(new AuditEntry(Instant.now(), "measure-marker", "127.0.41.1", "submit", OptionalInt.empty(),
                    "{}", "", "accepted", Optional.empty()));
            String database = null;
            try (Connection root = DriverManager.getConnection("jdbc:mysql://127.0.0.1:3306/?user=root&sslMode=DISABLED");
                    Statement statement = root.createStatement()) {
                try (ResultSet schemas = statement.executeQuery("SELECT table_schema FROM information_schema.tables WHERE table_name = 'oms_audit'")) {
                    while (schemas.next()) {
                        try (Statement probe = root.createStatement();
                                ResultSet found = probe.executeQuery("SELECT COUNT(*) FROM `" + schemas.getString(1) + "`.oms_audit WHERE actor = 'measure-marker'")) {
                            if (found.next() && found.getLong(1) > 0) {
                                database = schemas.getString(1);
                            }
                        }
                    }
                }
                statement.execute("SET SESSION max_recursive_iterations = 2000000");
                long start = System.nanoTime();
                statement.execute("INSERT INTO `" + database + "`.oms_audit (at, actor, client_address, action, module_id, params, targets, outcome, detail) "
                        + "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1000000) "
                        + "SELECT TIMESTAMPADD(SECOND, n, '2026-01-01'), CONCAT('user', n MOD 50), '127.0.41.2', "
                        + "ELT(1 + n MOD 4, 'submit', 'login', 'moduleUpdate', 'userChange'), 1003, '{}', '127.0.41.3', "
                        + "IF(n MOD 7 = 0, 'FORBIDDEN', 'accepted'), CONCAT('row ', n) FROM seq");
                System.out.printf("seeded 1000000 rows in %.1f s%n", (System.nanoTime() - start) / 1e9);
            }
            TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
            admin.login("admin", TestingStack.PASSWORD);
            for (String query : new String[] {"", "?before=500000", "?before=100", "?actor=user7", "?actor=user7&before=300000", "?action=userChange&outcome=refused",
                    "?since=2026-01-05T00:00&until=2026-01-06T00:00", "?after=500000", "?actor=user7&action=login&since=2026-01-03"}) {
                admin.get("/audit" + query);
                long[] times = new long[15];
                for (int i = 0; i < times.length; i++) {
                    long start = System.nanoTime();
                    var page = admin.get("/audit" + query);
                    times[i] = System.nanoTime() - start;
                    if (page.statusCode() != 200) {
                        throw new AssertionError(page.body());
                    }
                }
                Arrays.sort(times);
                System.out.printf("GET /audit%-55s median %6.1f ms  max %6.1f ms%n", query, times[7] / 1e6, times[14] / 1e6);
            }
        }
    }
}
