package org.omserver.catalog.module;

import static java.util.Objects.requireNonNull;

/** The outcome of a catalog change: the module's id, its new version and what changed. */
public record ModuleChange(int moduleId, int version, String summary)
{
    public ModuleChange
    {
        requireNonNull(summary, "summary is null");
    }
}
