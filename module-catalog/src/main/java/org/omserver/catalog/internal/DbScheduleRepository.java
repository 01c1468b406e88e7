package org.omserver.catalog.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.omserver.catalog.internal.Mappers.ScheduleMapper;
import org.omserver.catalog.internal.Rows.ScheduleRow;
import org.omserver.catalog.schedule.ScheduleRecord;
import org.omserver.catalog.schedule.ScheduleRepository;

import static java.util.Objects.requireNonNull;

public final class DbScheduleRepository
        implements ScheduleRepository
{
    private final Db db;

    DbScheduleRepository(Db db)
    {
        this.db = db;
    }

    @Override
    public long create(ScheduleRecord schedule)
    {
        requireNonNull(schedule, "schedule is null");
        ScheduleRow row = new ScheduleRow();
        row.name = Db.cap(schedule.name(), 128);
        row.owner = Db.cap(schedule.owner(), 64);
        row.cron = Db.cap(schedule.cron(), 128);
        row.moduleId = schedule.moduleId();
        row.targets = Db.toJson(schedule.targets());
        row.params = Db.toJson(schedule.params());
        row.rolling = schedule.rolling().isEmpty() ? null : Db.cap(Db.toJson(schedule.rolling()), 512);
        row.overlap = schedule.overlap();
        row.paused = schedule.paused();
        row.createdAt = Db.utc(schedule.createdAt());
        row.nextRunAt = schedule.nextRunAt().map(Db::utc).orElse(null);
        db.call(ScheduleMapper.class, mapper -> {
            mapper.insert(row);
            return null;
        });
        return row.id;
    }

    @Override
    public List<ScheduleRecord> list()
    {
        return db.call(ScheduleMapper.class, ScheduleMapper::list).stream().map(DbScheduleRepository::record).toList();
    }

    @Override
    public Optional<ScheduleRecord> find(long id)
    {
        return Optional.ofNullable(db.call(ScheduleMapper.class, mapper -> mapper.find(id))).map(DbScheduleRepository::record);
    }

    @Override
    public List<ScheduleRecord> due(Instant now)
    {
        return db.call(ScheduleMapper.class, mapper -> mapper.due(Db.utc(now))).stream().map(DbScheduleRepository::record).toList();
    }

    @Override
    public boolean setPaused(long id, boolean paused, Optional<Instant> nextRunAt)
    {
        return db.call(ScheduleMapper.class, mapper -> mapper.setPaused(id, paused, nextRunAt.map(Db::utc).orElse(null))) == 1;
    }

    @Override
    public void recordRun(long id, Optional<Instant> nextRunAt, Instant ranAt, OptionalLong jobId, String outcome, boolean runPending)
    {
        ScheduleRow row = new ScheduleRow();
        row.id = id;
        row.nextRunAt = nextRunAt.map(Db::utc).orElse(null);
        row.lastRunAt = Db.utc(ranAt);
        row.lastJobId = jobId.isPresent() ? jobId.getAsLong() : null;
        row.lastOutcome = Db.cap(outcome, 512);
        row.runPending = runPending;
        db.call(ScheduleMapper.class, mapper -> mapper.recordRun(row));
    }

    @Override
    public boolean delete(long id)
    {
        return db.call(ScheduleMapper.class, mapper -> mapper.delete(id)) == 1;
    }

    private static ScheduleRecord record(ScheduleRow row)
    {
        return new ScheduleRecord(row.id, row.name, row.owner, row.cron, row.moduleId, Db.jsonList(row.targets), Db.jsonMap(row.params),
                row.rolling == null ? Map.of() : Db.jsonMap(row.rolling), row.overlap, row.paused, Db.instant(row.createdAt),
                Optional.ofNullable(row.nextRunAt).map(Db::instant), Optional.ofNullable(row.lastRunAt).map(Db::instant),
                row.lastJobId == null ? OptionalLong.empty() : OptionalLong.of(row.lastJobId), Optional.ofNullable(row.lastOutcome), row.runPending);
    }
}
