package org.omserver.catalog;

/** The database cannot be used: unreachable, refused the login, or its schema cannot be migrated. The message says what to check. */
public class CatalogException
        extends RuntimeException
{
    public CatalogException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
