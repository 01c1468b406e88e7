package org.omserver.catalog.module;

public enum ParamType
{
    /** A whole number within [min, max]. */
    INT,
    /** One of a fixed list of choices; each choice may map to the value put into the argument vector. */
    ENUM,
    /** Free text matching a pattern, at most maxLength characters. */
    STRING
}
