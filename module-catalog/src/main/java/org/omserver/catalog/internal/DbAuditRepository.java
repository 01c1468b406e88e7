package org.omserver.catalog.internal;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.audit.AuditQuery;
import org.omserver.catalog.audit.AuditRecord;
import org.omserver.catalog.audit.AuditRepository;
import org.omserver.catalog.internal.Mappers.AuditMapper;
import org.omserver.catalog.internal.Rows.AuditRow;

import static java.util.Objects.requireNonNull;

/** Recording never fails because a refused request carried an over-long name: fields are cut to fit. */
public final class DbAuditRepository
        implements AuditRepository
{
    private static final int MAX_LATEST = 10_000;

    private final Db db;

    DbAuditRepository(Db db)
    {
        this.db = db;
    }

    @Override
    public void record(AuditEntry entry)
    {
        requireNonNull(entry, "entry is null");
        AuditRow row = new AuditRow();
        row.at = Db.utc(entry.at());
        row.actor = Db.cap(entry.actor(), 128);
        row.clientAddress = Db.cap(entry.clientAddress(), 128);
        row.action = Db.cap(entry.action(), 64);
        row.moduleId = entry.moduleId().isPresent() ? entry.moduleId().getAsInt() : null;
        row.params = Db.capUtf8(entry.params(), 60_000);
        row.targets = Db.capUtf8(entry.targets(), 1_000_000);
        row.outcome = Db.cap(entry.outcome(), 64);
        row.detail = entry.detail().map(detail -> Db.capUtf8(detail, 60_000)).orElse(null);
        db.call(AuditMapper.class, mapper -> {
            mapper.insert(row);
            return null;
        });
    }

    @Override
    public List<AuditEntry> latest(int limit)
    {
        if (limit < 1 || limit > MAX_LATEST) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LATEST + ", was " + limit);
        }
        return db.call(AuditMapper.class, mapper -> mapper.latest(limit)).stream().map(DbAuditRepository::entry).toList();
    }

    @Override
    public List<AuditRecord> query(AuditQuery query)
    {
        requireNonNull(query, "query is null");
        UserAdminMapper.AuditQueryRow row = new UserAdminMapper.AuditQueryRow();
        row.beforeId = query.beforeId().isPresent() ? query.beforeId().getAsLong() : null;
        row.afterId = query.afterId().isPresent() ? query.afterId().getAsLong() : null;
        row.limit = query.limit();
        row.actor = query.actor().orElse(null);
        row.action = query.action().orElse(null);
        row.outcome = query.outcome().orElse(null);
        row.since = query.since().map(Db::utc).orElse(null);
        row.until = query.until().map(Db::utc).orElse(null);
        row.text = query.text().orElse(null);
        List<AuditRecord> records = db.call(UserAdminMapper.class, mapper -> mapper.audit(row)).stream().map(found -> new AuditRecord(found.id, entry(found))).toList();
        // a newer page is read oldest first (the records just above afterId); it is shown newest first like every page
        return query.afterId().isPresent() ? records.reversed() : records;
    }

    private static AuditEntry entry(AuditRow row)
    {
        return new AuditEntry(Db.instant(row.at), row.actor, row.clientAddress, row.action,
                row.moduleId == null ? OptionalInt.empty() : OptionalInt.of(row.moduleId),
                row.params, row.targets, row.outcome, Optional.ofNullable(row.detail));
    }
}
