package org.omserver.catalog;

import java.sql.SQLException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCatalogOnMySql
        extends AbstractTestCatalog
{
    private final TestingMySql mysql = new TestingMySql();

    @Override
    protected DatabaseConfig config()
    {
        return mysql.config();
    }

    @AfterAll
    void dropDatabase()
            throws SQLException
    {
        mysql.close();
    }

    @Test
    void aRefusedLoginNamesUrlAndUserButNotThePassword()
    {
        DatabaseConfig good = mysql.config();
        DatabaseConfig wrong = new DatabaseConfig(good.jdbcUrl(), good.user(), "wrong-secret-4711", 1);
        assertThatThrownBy(() -> Catalog.open(wrong))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining(good.jdbcUrl())
                .hasMessageContaining("as user '" + good.user() + "'")
                .hasMessageContaining("Check that the server is running")
                .hasMessageNotContaining("wrong-secret-4711");
    }

    @Test
    void anUnreachableServerIsReportedWithWhatToCheck()
    {
        DatabaseConfig nowhere = new DatabaseConfig("jdbc:mysql://127.0.0.1:1/omserver?password=leaked", "ops", "pw-4711", 1);
        assertThatThrownBy(() -> Catalog.open(nowhere))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("jdbc:mysql://127.0.0.1:1/omserver?password=****")
                .hasMessageContaining("as user 'ops'")
                .hasMessageNotContaining("leaked")
                .hasMessageNotContaining("pw-4711");
    }

    @Test
    void theFixtureFailsWithWhatToRunWhenMariaDbIsUnreachable()
    {
        assertThatThrownBy(() -> new TestingMySql("jdbc:mysql://127.0.0.1:1/", "omserver", "omserver"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jdbc:mysql://127.0.0.1:1/")
                .hasMessageContaining("Run scripts/test-prereqs.sh");
    }
}
