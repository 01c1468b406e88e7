package org.omserver.catalog;

import java.sql.SQLException;

import org.junit.jupiter.api.AfterAll;

class TestModuleAuthoringOnMySql
        extends AbstractTestModuleAuthoring
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
}
