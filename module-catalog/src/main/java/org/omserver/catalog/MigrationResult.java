package org.omserver.catalog;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What {@link Catalog#migrate} did.
 *
 * @param applied versions applied by this run, oldest first; empty when the schema was up to date
 * @param schemaVersion the version the database is at now
 */
public record MigrationResult(List<String> applied, String schemaVersion)
{
    public MigrationResult
    {
        applied = List.copyOf(requireNonNull(applied, "applied is null"));
        requireNonNull(schemaVersion, "schemaVersion is null");
    }
}
