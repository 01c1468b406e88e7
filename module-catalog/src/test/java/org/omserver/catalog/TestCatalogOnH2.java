package org.omserver.catalog;

class TestCatalogOnH2
        extends AbstractTestCatalog
{
    private final DatabaseConfig config = TestingH2.config();

    @Override
    protected DatabaseConfig config()
    {
        return config;
    }
}
