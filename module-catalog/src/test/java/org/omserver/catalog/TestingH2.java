package org.omserver.catalog;

import java.util.UUID;

/** In-memory H2 databases in MySQL mode, as the embedded demo uses; each call gives a new, empty one. */
public final class TestingH2
{
    private TestingH2() {}

    public static DatabaseConfig config()
    {
        return new DatabaseConfig("jdbc:h2:mem:omserver_" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1", "sa", "", 4);
    }
}
