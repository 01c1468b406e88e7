package org.omserver.catalog.module;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * A row of {@code module_list} with what makes it runnable.
 *
 * @param caption plain text, markup removed
 * @param legacyExtend the original {@code module_extend} HTML fragment, if any (never sent to browsers unsanitized)
 * @param backend "any", or the executor backend this module requires (e.g. "ssh")
 * @param argvTemplate the command: each element is literal text or exactly {@code ${param}}, which the
 *     parameter's value replaces as a whole argument; empty when the module has no command yet
 * @param enabled false keeps the row in the catalog but refuses runs; {@code caption} says why
 * @param shell true: {@code argvTemplate} is one shell line run by {@code /bin/sh -c}, every value single-quoted
 *     (see {@link CommandTemplate}); shown with a "runs through a shell" badge
 * @param maxParallel at most this many hosts at once for this module (the master also applies its own limit)
 * @param version the catalog version of this definition: 0 for a row never changed through authoring
 */
public record ModuleDefinition(
        int id,
        String name,
        String caption,
        Optional<String> legacyExtend,
        String backend,
        List<ParamSpec> params,
        List<String> argvTemplate,
        Duration timeout,
        boolean needsRoot,
        boolean enabled,
        boolean shell,
        OptionalInt maxParallel,
        int version)
{
    /** A module without shell mode, parallelism limit or version (the walking skeleton's shape). */
    public ModuleDefinition(int id, String name, String caption, Optional<String> legacyExtend, String backend, List<ParamSpec> params,
            List<String> argvTemplate, Duration timeout, boolean needsRoot, boolean enabled)
    {
        this(id, name, caption, legacyExtend, backend, params, argvTemplate, timeout, needsRoot, enabled, false, OptionalInt.empty(), 0);
    }

    public ModuleDefinition
    {
        requireNonNull(name, "name is null");
        requireNonNull(caption, "caption is null");
        requireNonNull(legacyExtend, "legacyExtend is null");
        requireNonNull(backend, "backend is null");
        params = List.copyOf(requireNonNull(params, "params is null"));
        argvTemplate = List.copyOf(requireNonNull(argvTemplate, "argvTemplate is null"));
        requireNonNull(timeout, "timeout is null");
        requireNonNull(maxParallel, "maxParallel is null");
    }

    /** The legacy {@code module_extend} fragment through {@link LegacyForms#sanitize}: safe to put into a page. */
    public Optional<String> legacyForm()
    {
        return legacyExtend.map(LegacyForms::sanitize).filter(html -> !html.isBlank());
    }

    /** Runnable: enabled and has a command. */
    public boolean runnable()
    {
        return enabled && !argvTemplate.isEmpty();
    }

    /**
     * Checks raw form values against {@link #params()}: applies defaults, refuses missing required values,
     * unknown field names, out-of-range integers, unknown choices, pattern mismatches, over-long values and
     * control characters. Implemented by {@link ParamValidator}.
     */
    public ValidatedParams validate(Map<String, String> raw)
            throws ParameterException
    {
        return ParamValidator.validate(this, raw);
    }

    /** The argument vector for validated values; {@link CommandTemplate} does the rendering. */
    public List<String> render(ValidatedParams params)
    {
        return CommandTemplate.render(argvTemplate, shell, params);
    }
}
