package org.omserver.catalog.module;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * A module as its author wrote it: what a module file holds, what {@code module_list} stores and what each
 * version in the history keeps. {@link ModuleFiles} reads, checks and writes it.
 *
 * @param id 0 when a new module should get the next free id (1008 or more)
 * @param caption plain text
 * @param legacyExtend OMServer's {@code module_extend} form fragment, sanitized
 * @param backend {@code any}, {@code ssh} or {@code agent}
 * @param command the argument-vector template, or in shell mode one shell line; empty = not runnable yet
 */
public record ModuleSource(
        int id,
        String name,
        String caption,
        Optional<String> legacyExtend,
        String backend,
        List<ParamSpec> params,
        List<String> command,
        boolean shell,
        int timeoutSeconds,
        OptionalInt maxParallel,
        boolean needsRoot,
        boolean enabled)
{
    public ModuleSource
    {
        requireNonNull(name, "name is null");
        requireNonNull(caption, "caption is null");
        requireNonNull(legacyExtend, "legacyExtend is null");
        requireNonNull(backend, "backend is null");
        params = List.copyOf(requireNonNull(params, "params is null"));
        command = List.copyOf(requireNonNull(command, "command is null"));
        requireNonNull(maxParallel, "maxParallel is null");
    }

    public ModuleSource withId(int newId)
    {
        return new ModuleSource(newId, name, caption, legacyExtend, backend, params, command, shell, timeoutSeconds, maxParallel, needsRoot, enabled);
    }

    public ModuleSource withEnabled(boolean newEnabled)
    {
        return new ModuleSource(id, name, caption, legacyExtend, backend, params, command, shell, timeoutSeconds, maxParallel, needsRoot, newEnabled);
    }
}
