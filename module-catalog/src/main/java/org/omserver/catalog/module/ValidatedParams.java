package org.omserver.catalog.module;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Parameters that passed a module's schema.
 *
 * @param values field name -> value to substitute into the template (ENUM choices already mapped)
 * @param shown field name -> value as it may appear in audit and history (the user's choice, never a secret)
 */
public record ValidatedParams(Map<String, String> values, Map<String, String> shown)
{
    public ValidatedParams
    {
        values = Map.copyOf(requireNonNull(values, "values is null"));
        shown = Map.copyOf(requireNonNull(shown, "shown is null"));
    }
}
