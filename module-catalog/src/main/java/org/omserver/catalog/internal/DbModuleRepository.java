package org.omserver.catalog.internal;

import java.util.List;
import java.util.Optional;

import org.omserver.catalog.internal.Mappers.ModuleMapper;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ModuleRepository;

public final class DbModuleRepository
        implements ModuleRepository
{
    private final Db db;

    DbModuleRepository(Db db)
    {
        this.db = db;
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
}
