package org.omserver.catalog.module;

import java.util.List;
import java.util.Optional;

/** Reads {@code module_list}. Authoring (create, edit, versions) comes with the catalog issue. */
public interface ModuleRepository
{
    Optional<ModuleDefinition> find(int id);

    /** Every module, by id. */
    List<ModuleDefinition> list();
}
