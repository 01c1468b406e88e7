package org.omserver.catalog.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Checks raw form values against a module's parameter schema. Every problem is one sentence that names
 * the field and says what is allowed; all problems are reported together.
 */
public final class ParamValidator
{
    /** "-" and 19 digits: anything longer cannot be a long, so it is refused before parsing. */
    private static final int MAX_INT_LENGTH = 20;
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
    /** How much of a refused value a message quotes. */
    private static final int QUOTE_LIMIT = 40;
    /** A file store name: a plain file name, no directories, no leading dot. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** What audit, history and echoes show instead of a secret's value. */
    public static final String MASK = "******";

    private ParamValidator() {}

    public static ValidatedParams validate(ModuleDefinition module, Map<String, String> raw)
            throws ParameterException
    {
        requireNonNull(module, "module is null");
        requireNonNull(raw, "raw is null");
        List<String> problems = new ArrayList<>();
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        module.params().forEach(spec -> specs.put(spec.name(), spec));

        for (String field : raw.keySet()) {
            if (!specs.containsKey(field)) {
                problems.add("unknown field " + quote(field) + "; " + (specs.isEmpty()
                        ? "module " + module.id() + " takes no parameters"
                        : "module " + module.id() + " takes " + String.join(", ", specs.keySet())));
            }
        }

        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> shown = new LinkedHashMap<>();
        for (ParamSpec spec : specs.values()) {
            String value = raw.get(spec.name());
            if (value == null || value.isEmpty()) {
                if (spec.defaultValue().isPresent()) {
                    value = spec.defaultValue().get();
                }
                else {
                    if (spec.required()) {
                        problems.add(spec.name() + " is required: give " + describe(spec));
                    }
                    continue;
                }
            }
            Optional<String> problem = problem(spec, value);
            if (problem.isPresent()) {
                problems.add(problem.get());
                continue;
            }
            shown.put(spec.name(), spec.type() == ParamType.SECRET ? MASK : value);
            values.put(spec.name(), substitution(spec, value));
        }
        if (!problems.isEmpty()) {
            throw new ParameterException(problems);
        }
        return new ValidatedParams(values, shown);
    }

    /** What the field accepts, e.g. "a whole number from 1 to 999". */
    public static String describe(ParamSpec spec)
    {
        return switch (spec.type()) {
            case INT -> "a whole number" + range(spec);
            case ENUM -> "one of " + String.join(", ", spec.choices().keySet());
            case STRING, SECRET -> (spec.type() == ParamType.SECRET ? "secret text" : "text") + " of at most " + spec.maxLength()
                    + " characters" + spec.pattern().map(pattern -> " matching " + pattern).orElse("");
            case BOOLEAN -> "true or false";
            case FILE -> "a file name from the file store (letters, digits, '.', '_', '-'; at most 128 characters; no '..')";
        };
    }

    /**
     * Checks a schema before it is saved: every default must be a valid value of its field, and a secret may not
     * have one (it would be stored in the catalog and its history).
     *
     * @return one sentence per problem; empty when the schema is sound
     */
    public static List<String> checkDefaults(List<ParamSpec> specs)
    {
        List<String> problems = new ArrayList<>();
        for (ParamSpec spec : specs) {
            if (spec.defaultValue().isEmpty()) {
                continue;
            }
            if (spec.type() == ParamType.SECRET) {
                problems.add("secret parameter " + spec.name() + " may not have a default: a default would be stored in the catalog and its history; remove it");
                continue;
            }
            problem(spec, spec.defaultValue().get()).ifPresent(problem -> problems.add("the default of " + problem));
        }
        return problems;
    }

    private static Optional<String> problem(ParamSpec spec, String value)
    {
        String quoted = spec.type() == ParamType.SECRET ? "(secret, not shown)" : quote(value);
        if (value.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(spec.name() + " must not contain control characters (newline, tab, NUL...): give "
                    + describe(spec) + ", was " + quoted);
        }
        switch (spec.type()) {
            case INT -> {
                if (value.length() > MAX_INT_LENGTH || !INTEGER.matcher(value).matches()) {
                    return Optional.of(spec.name() + " must be " + describe(spec) + ", was " + quote(value));
                }
                long number;
                try {
                    number = Long.parseLong(value);
                }
                catch (NumberFormatException e) {
                    return Optional.of(spec.name() + " must be " + describe(spec) + ", was " + quote(value));
                }
                if ((spec.min().isPresent() && number < spec.min().getAsLong())
                        || (spec.max().isPresent() && number > spec.max().getAsLong())) {
                    return Optional.of(spec.name() + " must be " + describe(spec) + ", was " + quote(value));
                }
            }
            case ENUM -> {
                if (!spec.choices().containsKey(value)) {
                    return Optional.of(spec.name() + " must be " + describe(spec) + " (exact spelling), was " + quote(value));
                }
            }
            case STRING, SECRET -> {
                if (value.length() > spec.maxLength()) {
                    return Optional.of(spec.name() + " must be at most " + spec.maxLength() + " characters, was "
                            + value.length() + " characters long");
                }
                if (spec.pattern().isPresent() && !Pattern.compile(spec.pattern().get()).matcher(value).matches()) {
                    return Optional.of(spec.name() + " must be " + describe(spec) + ", was " + quoted);
                }
            }
            case BOOLEAN -> {
                if (!value.equals("true") && !value.equals("false")) {
                    return Optional.of(spec.name() + " must be " + describe(spec) + ", was " + quote(value));
                }
            }
            case FILE -> {
                if (!FILE_NAME.matcher(value).matches() || value.contains("..")) {
                    return Optional.of(spec.name() + " must be " + describe(spec) + ", was " + quote(value));
                }
            }
        }
        return Optional.empty();
    }

    /** The value for the command: a canonical number (no leading zeros, no "-0"), or the mapped choice. */
    private static String substitution(ParamSpec spec, String value)
    {
        return switch (spec.type()) {
            case INT -> Long.toString(Long.parseLong(value));
            case ENUM -> spec.choices().get(value);
            case STRING, SECRET, BOOLEAN, FILE -> value;
        };
    }

    private static String range(ParamSpec spec)
    {
        if (spec.min().isPresent() && spec.max().isPresent()) {
            return " from " + spec.min().getAsLong() + " to " + spec.max().getAsLong();
        }
        if (spec.min().isPresent()) {
            return " of at least " + spec.min().getAsLong();
        }
        if (spec.max().isPresent()) {
            return " of at most " + spec.max().getAsLong();
        }
        return "";
    }

    /** Quotes a user's value for a message: control characters escaped, long values cut. */
    static String quote(String value)
    {
        if (value == null) {
            return "(null)";
        }
        StringBuilder out = new StringBuilder("'");
        int shownChars = Math.min(value.length(), QUOTE_LIMIT);
        for (int i = 0; i < shownChars; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            }
            else {
                out.append(c);
            }
        }
        if (value.length() > QUOTE_LIMIT) {
            out.append("...' (").append(value.length()).append(" characters)");
            return out.toString();
        }
        return out.append('\'').toString();
    }
}
