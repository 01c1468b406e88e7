package org.omserver.catalog.inventory;

import static java.util.Objects.requireNonNull;

/** A row of {@code server_app_categ}, e.g. www.domain.com under Linux.Web. */
public record AppCategory(int id, int functionCategoryId, String name)
{
    public AppCategory
    {
        requireNonNull(name, "name is null");
    }
}
