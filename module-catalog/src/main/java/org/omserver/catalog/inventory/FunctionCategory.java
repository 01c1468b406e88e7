package org.omserver.catalog.inventory;

import static java.util.Objects.requireNonNull;

/** A row of {@code server_fun_categ}, e.g. Linux.Web. */
public record FunctionCategory(int id, String name)
{
    public FunctionCategory
    {
        requireNonNull(name, "name is null");
    }
}
