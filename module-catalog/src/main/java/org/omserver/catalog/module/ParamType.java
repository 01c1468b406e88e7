package org.omserver.catalog.module;

public enum ParamType
{
    /** A whole number within [min, max]. */
    INT,
    /** One of a fixed list of choices; each choice may map to the value put into the argument vector. */
    ENUM,
    /** Free text matching a pattern, at most maxLength characters. */
    STRING,
    /** {@code true} or {@code false}, exactly. */
    BOOLEAN,
    /**
     * The name of a file in the master's file store (the store itself arrives with issue #3): checked strictly
     * as a plain file name, {@code [A-Za-z0-9][A-Za-z0-9._-]*}, at most 128 characters, no {@code ..}.
     */
    FILE,
    /**
     * Text like STRING, but masked everywhere it could be shown or kept: audit, job history, version history,
     * form echo, messages. A secret parameter may not have a default (it would be stored in the catalog).
     */
    SECRET
}
