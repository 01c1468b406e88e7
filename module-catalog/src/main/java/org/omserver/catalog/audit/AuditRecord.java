package org.omserver.catalog.audit;

import static java.util.Objects.requireNonNull;

/** A stored audit row: its id (the paging key) and the entry. */
public record AuditRecord(long id, AuditEntry entry)
{
    public AuditRecord
    {
        requireNonNull(entry, "entry is null");
    }
}
