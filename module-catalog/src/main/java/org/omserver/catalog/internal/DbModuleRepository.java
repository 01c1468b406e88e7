package org.omserver.catalog.internal;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.apache.ibatis.exceptions.PersistenceException;
import org.omserver.catalog.internal.Mappers.ModuleMapper;
import org.omserver.catalog.internal.Rows.ModuleRow;
import org.omserver.catalog.internal.Rows.ModuleVersionRow;
import org.omserver.catalog.module.InvalidModuleException;
import org.omserver.catalog.module.ModuleChange;
import org.omserver.catalog.module.ModuleChangeException;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ModuleFiles;
import org.omserver.catalog.module.ModuleRepository;
import org.omserver.catalog.module.ModuleSource;
import org.omserver.catalog.module.ModuleVersion;
import org.omserver.catalog.module.StoredModule;

import static java.util.Objects.requireNonNull;
import static org.omserver.catalog.module.ModuleChangeException.Reason.CONFLICT;
import static org.omserver.catalog.module.ModuleChangeException.Reason.INVALID;
import static org.omserver.catalog.module.ModuleChangeException.Reason.NOT_FOUND;

public final class DbModuleRepository
        implements ModuleRepository
{
    private static final int MAX_ACTOR = 64;
    private static final int MAX_SUMMARY = 1000;

    private final Db db;
    private final Clock clock;

    DbModuleRepository(Db db, Clock clock)
    {
        this.db = requireNonNull(db, "db is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Optional<ModuleDefinition> find(int id)
    {
        return Optional.ofNullable(db.call(ModuleMapper.class, mapper -> mapper.find(id))).map(ModuleRows::toDefinition);
    }

    @Override
    public List<ModuleDefinition> list()
    {
        return db.call(ModuleMapper.class, ModuleMapper::list).stream().map(ModuleRows::toDefinition).toList();
    }

    @Override
    public Optional<StoredModule> source(int id)
    {
        return Optional.ofNullable(db.call(ModuleMapper.class, mapper -> mapper.find(id)))
                .map(row -> new StoredModule(ModuleRows.toSource(row), row.version));
    }

    @Override
    public ModuleChange create(ModuleSource source, String actor)
            throws ModuleChangeException, InvalidModuleException
    {
        ModuleSource checked = ModuleFiles.check(source);
        try {
            return db.transaction(ModuleMapper.class, mapper -> {
                int id = checked.id() == 0 ? mapper.nextId() : checked.id();
                if (mapper.find(id) != null) {
                    throw new ModuleChangeException(CONFLICT, "module id " + id + " is taken; leave the id out (or 0) for the next free one, or edit module " + id);
                }
                ModuleSource created = checked.withId(id);
                int version = mapper.lastVersion(id) + 1;
                mapper.insert(ModuleRows.toRow(created, version));
                mapper.insertVersion(versionRow(id, version, actor, "create", "created", Optional.of(created), Optional.empty()));
                return new ModuleChange(id, version, "created");
            });
        }
        catch (PersistenceException e) {
            throw conflict(source.id(), e);
        }
    }

    @Override
    public ModuleChange update(ModuleSource source, int expectedVersion, String action, String actor)
            throws ModuleChangeException, InvalidModuleException
    {
        ModuleSource checked = ModuleFiles.check(source);
        try {
            return db.transaction(ModuleMapper.class, mapper -> {
                ModuleRow current = existing(mapper, checked.id());
                checkVersion(checked.id(), current.version, expectedVersion);
                return replace(mapper, current, checked, action, ModuleFiles.summary(ModuleRows.toSource(current), checked), actor);
            });
        }
        catch (PersistenceException e) {
            throw conflict(source.id(), e);
        }
    }

    @Override
    public ModuleChange delete(int id, int expectedVersion, String actor)
            throws ModuleChangeException
    {
        try {
            return db.transaction(ModuleMapper.class, mapper -> {
                ModuleRow current = existing(mapper, id);
                checkVersion(id, current.version, expectedVersion);
                int version = Math.max(current.version, mapper.lastVersion(id)) + 1;
                if (mapper.delete(id, expectedVersion) != 1) {
                    throw changedMeanwhile(id);
                }
                mapper.insertVersion(versionRow(id, version, actor, "delete", "deleted", Optional.empty(), Optional.of(ModuleRows.toSource(current))));
                return new ModuleChange(id, version, "deleted");
            });
        }
        catch (PersistenceException e) {
            throw conflict(id, e);
        }
    }

    @Override
    public ModuleChange rollback(int id, int toVersion, int expectedVersion, String actor)
            throws ModuleChangeException, InvalidModuleException
    {
        ModuleVersion target = versions(id).stream().filter(version -> version.version() == toVersion).findFirst()
                .orElseThrow(() -> new ModuleChangeException(NOT_FOUND, "module " + id + " has no version " + toVersion + "; list its versions to pick one"));
        String definition = target.definition().orElseThrow(() -> new ModuleChangeException(INVALID, "version " + toVersion + " of module " + id
                + " is its deletion; roll back to a version before it"));
        ModuleSource restored = ModuleFiles.read(definition).withId(id);
        try {
            return db.transaction(ModuleMapper.class, mapper -> {
                ModuleRow current = mapper.find(id);
                String summary = "rolled back to version " + toVersion;
                if (current == null) {
                    int last = mapper.lastVersion(id);
                    checkVersion(id, last, expectedVersion);
                    mapper.insert(ModuleRows.toRow(restored, last + 1));
                    mapper.insertVersion(versionRow(id, last + 1, actor, "rollback", summary + ": re-created", Optional.of(restored), Optional.empty()));
                    return new ModuleChange(id, last + 1, summary + ": re-created");
                }
                checkVersion(id, current.version, expectedVersion);
                return replace(mapper, current, restored, "rollback",
                        summary + ": " + ModuleFiles.summary(ModuleRows.toSource(current), restored), actor);
            });
        }
        catch (PersistenceException e) {
            throw conflict(id, e);
        }
    }

    @Override
    public List<ModuleVersion> versions(int id)
    {
        return db.call(ModuleMapper.class, mapper -> mapper.versions(id)).stream()
                .map(row -> new ModuleVersion(row.moduleId, row.version, Db.instant(row.changedAt), row.actor, row.action, row.summary,
                        Optional.ofNullable(row.definition), Optional.ofNullable(row.previousDefinition)))
                .toList();
    }

    private ModuleChange replace(ModuleMapper mapper, ModuleRow current, ModuleSource next, String action, String summary, String actor)
            throws ModuleChangeException
    {
        int version = Math.max(current.version, mapper.lastVersion(current.id)) + 1;
        if (mapper.update(ModuleRows.toRow(next, version), current.version) != 1) {
            throw changedMeanwhile(current.id);
        }
        mapper.insertVersion(versionRow(current.id, version, actor, action, summary, Optional.of(next), Optional.of(ModuleRows.toSource(current))));
        return new ModuleChange(current.id, version, summary);
    }

    private static ModuleRow existing(ModuleMapper mapper, int id)
            throws ModuleChangeException
    {
        ModuleRow row = mapper.find(id);
        if (row == null) {
            throw new ModuleChangeException(NOT_FOUND, "module " + id + " does not exist; create it, or roll back to a version before its deletion");
        }
        return row;
    }

    private static void checkVersion(int id, int current, int expected)
            throws ModuleChangeException
    {
        if (current != expected) {
            throw new ModuleChangeException(CONFLICT, "module " + id + " is at version " + current + ", not " + expected
                    + " as your change assumed: someone changed it meanwhile; reload it and make your change again");
        }
    }

    private static ModuleChangeException changedMeanwhile(int id)
    {
        return new ModuleChangeException(CONFLICT, "module " + id + " was changed by someone else at the same moment; reload it and make your change again");
    }

    /** A unique-key violation: a concurrent change took the id or version first. */
    private static ModuleChangeException conflict(int id, PersistenceException e)
    {
        return new ModuleChangeException(CONFLICT, "module " + (id == 0 ? "" : id + " ") + "was changed by someone else at the same moment ("
                + e.getCause().getClass().getSimpleName() + "); reload it and make your change again");
    }

    private ModuleVersionRow versionRow(int id, int version, String actor, String action, String summary, Optional<ModuleSource> after,
            Optional<ModuleSource> before)
    {
        ModuleVersionRow row = new ModuleVersionRow();
        row.moduleId = id;
        row.version = version;
        row.changedAt = Db.utc(clock.instant());
        row.actor = Db.cap(actor, MAX_ACTOR);
        row.action = action;
        row.summary = Db.cap(summary, MAX_SUMMARY);
        row.definition = after.map(ModuleFiles::write).orElse(null);
        row.previousDefinition = before.map(ModuleFiles::write).orElse(null);
        return row;
    }
}
