package org.omserver.catalog.module;

import java.util.List;
import java.util.Optional;

/**
 * Reads and changes {@code module_list}. Every change is one transaction that also writes a {@link ModuleVersion}
 * (who, when, what changed, the definition before and after); changes name the version they were made from, and a
 * module changed by someone else in between is refused with {@link ModuleChangeException.Reason#CONFLICT}.
 */
public interface ModuleRepository
{
    Optional<ModuleDefinition> find(int id);

    /** Every module, by id. */
    List<ModuleDefinition> list();

    /** The module as its author edits it, with its current version. */
    Optional<StoredModule> source(int id);

    /** Adds a module: {@code source.id()} 0 takes the next free id (1008 or more), else that id, which must be free. */
    ModuleChange create(ModuleSource source, String actor)
            throws ModuleChangeException, InvalidModuleException;

    /**
     * Replaces module {@code source.id()}, which must still be at {@code expectedVersion}.
     *
     * @param action what the history calls the change: update, enable, disable, import
     */
    ModuleChange update(ModuleSource source, int expectedVersion, String action, String actor)
            throws ModuleChangeException, InvalidModuleException;

    /** Removes the module (its history stays, so it can be rolled back); it must still be at {@code expectedVersion}. */
    ModuleChange delete(int id, int expectedVersion, String actor)
            throws ModuleChangeException;

    /**
     * Makes the module what it was after version {@code toVersion}, as a new version; re-creates a deleted module.
     * The module (or, when deleted, its history) must still be at {@code expectedVersion}.
     */
    ModuleChange rollback(int id, int toVersion, int expectedVersion, String actor)
            throws ModuleChangeException, InvalidModuleException;

    /** The module's history, newest first; empty for a module never changed through authoring. */
    List<ModuleVersion> versions(int id);
}
