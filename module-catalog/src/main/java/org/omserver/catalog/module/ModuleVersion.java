package org.omserver.catalog.module;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One change of a module: who, when, what (a short summary), the definition before and after it as module-file
 * JSON. Secrets are never in it: a secret parameter has no default, and values are not part of a definition.
 *
 * @param action create, update, enable, disable, delete, rollback
 * @param definition the module after the change; empty for a delete
 * @param previousDefinition the module before the change; empty for a create
 */
public record ModuleVersion(int moduleId, int version, Instant at, String actor, String action, String summary,
        Optional<String> definition, Optional<String> previousDefinition)
{
    public ModuleVersion
    {
        requireNonNull(at, "at is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(previousDefinition, "previousDefinition is null");
    }
}
