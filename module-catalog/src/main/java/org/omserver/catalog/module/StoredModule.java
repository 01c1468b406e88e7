package org.omserver.catalog.module;

import static java.util.Objects.requireNonNull;

/** A module's stored source and its current version (0 = never changed through authoring). */
public record StoredModule(ModuleSource source, int version)
{
    public StoredModule
    {
        requireNonNull(source, "source is null");
    }
}
