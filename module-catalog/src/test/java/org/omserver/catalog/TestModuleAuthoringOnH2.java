package org.omserver.catalog;

class TestModuleAuthoringOnH2
        extends AbstractTestModuleAuthoring
{
    private final DatabaseConfig config = TestingH2.config();

    @Override
    protected DatabaseConfig config()
    {
        return config;
    }
}
