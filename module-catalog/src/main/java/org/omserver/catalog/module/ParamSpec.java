package org.omserver.catalog.module;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Collections.unmodifiableMap;
import static java.util.Objects.requireNonNull;

/**
 * One typed parameter of a module (the modern form of {@code module_extend}).
 *
 * @param name form field name, e.g. {@code sys_param_1}; referenced in templates as {@code ${name}}
 * @param choices ENUM only: choice shown to the user -> value placed in the argument vector, in display order
 * @param pattern STRING only: a regular expression the whole value must match
 * @param maxLength STRING only
 */
public record ParamSpec(
        String name,
        String label,
        ParamType type,
        boolean required,
        Optional<String> defaultValue,
        OptionalLong min,
        OptionalLong max,
        Map<String, String> choices,
        Optional<String> pattern,
        int maxLength,
        String help)
{
    public ParamSpec
    {
        requireNonNull(name, "name is null");
        requireNonNull(label, "label is null");
        requireNonNull(type, "type is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(min, "min is null");
        requireNonNull(max, "max is null");
        choices = unmodifiableMap(new LinkedHashMap<>(requireNonNull(choices, "choices is null")));
        requireNonNull(pattern, "pattern is null");
        requireNonNull(help, "help is null");
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("parameter name must be a letter or _ followed by letters, digits or _ (at most 64), was: " + name);
        }
        if (type == ParamType.ENUM && choices.isEmpty()) {
            throw new IllegalArgumentException("enum parameter " + name + " has no choices");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("parameter " + name + ": maxLength must be at least 1, was " + maxLength);
        }
    }
}
