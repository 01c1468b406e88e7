package org.omserver.catalog.audit;

import java.util.List;

public interface AuditRepository
{
    void record(AuditEntry entry);

    /** The newest entries first. */
    List<AuditEntry> latest(int limit);

    /** A page of the log, newest first (by id). */
    List<AuditRecord> query(AuditQuery query);
}
