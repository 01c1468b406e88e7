package org.omserver.catalog.user;

/** admin: everything; author: the catalog; operator: run modules; viewer: history. */
public enum Role
{
    ADMIN,
    AUTHOR,
    OPERATOR,
    VIEWER
}
