package org.omserver.catalog.module;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Renders a module's argument-vector template. Each element is literal text, or exactly {@code ${name}},
 * which the parameter's value replaces as one whole argument: values are never split, joined or given to
 * a shell. <code>${</code> anywhere else in an element is a template error, so a template cannot smuggle a
 * value into part of an argument.
 */
public final class CommandTemplate
{
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]{0,63})}");

    private CommandTemplate() {}

    /** @throws IllegalArgumentException when the template is empty or broken, or a referenced value is missing */
    public static List<String> render(List<String> argvTemplate, ValidatedParams params)
    {
        requireNonNull(argvTemplate, "argvTemplate is null");
        requireNonNull(params, "params is null");
        if (argvTemplate.isEmpty()) {
            throw new IllegalArgumentException("the command template is empty: the module has no command to run");
        }
        List<String> argv = new ArrayList<>(argvTemplate.size());
        for (String element : argvTemplate) {
            Optional<String> reference = reference(element);
            if (reference.isEmpty()) {
                argv.add(element);
                continue;
            }
            String value = params.values().get(reference.get());
            if (value == null) {
                throw new IllegalArgumentException("the command template uses ${" + reference.get() + "}, which has no value; the template refers to a parameter the module does not define");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of " + reference.get() + " contains NUL, which no argument can hold");
            }
            argv.add(value);
        }
        return List.copyOf(argv);
    }

    /**
     * Checks a template against the parameters a module defines (used when a row is loaded).
     *
     * @param usable names of parameters that always have a value (required, or with a default)
     * @throws IllegalArgumentException naming the first broken element
     */
    public static void check(List<String> argvTemplate, Collection<String> usable)
    {
        requireNonNull(argvTemplate, "argvTemplate is null");
        requireNonNull(usable, "usable is null");
        for (int i = 0; i < argvTemplate.size(); i++) {
            String element = argvTemplate.get(i);
            if (element == null) {
                throw new IllegalArgumentException("command template element " + i + " is null");
            }
            Optional<String> reference = reference(element);
            if (reference.isPresent() && !usable.contains(reference.get())) {
                throw new IllegalArgumentException("command template element " + i + " uses ${" + reference.get()
                        + "}, which is not a parameter that always has a value (defined, and required or with a default)");
            }
        }
    }

    /** The parameter name when the element is exactly ${name}; empty for literal text. */
    private static Optional<String> reference(String element)
    {
        Matcher matcher = REFERENCE.matcher(element);
        if (matcher.matches()) {
            return Optional.of(matcher.group(1));
        }
        if (element.contains("${")) {
            throw new IllegalArgumentException("command template element '" + element
                    + "' is broken: write a parameter as a whole element, exactly ${name}, and nowhere else use ${");
        }
        return Optional.empty();
    }
}
