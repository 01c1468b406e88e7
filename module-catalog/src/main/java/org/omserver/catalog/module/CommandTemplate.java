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
 *
 * <p>Shell mode is the explicit exception, for commands that need pipes or redirections: the template is one
 * element, a shell line, run as {@code /bin/sh -c <line>}; every {@code ${name}} in it is replaced by the value in
 * single quotes ({@code '} inside written as {@code '\''}), always, so a value is one shell word whatever it holds.
 */
public final class CommandTemplate
{
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]{0,63})}");

    /** The shell a shell-mode module runs through. */
    public static final List<String> SHELL = List.of("/bin/sh", "-c");

    private CommandTemplate() {}

    /** Renders either mode: an argument vector, or {@code /bin/sh -c <line with quoted values>}. */
    public static List<String> render(List<String> template, boolean shell, ValidatedParams params)
    {
        return shell ? renderShell(template, params) : render(template, params);
    }

    /** Checks either mode against the parameters that always have a value. */
    public static void check(List<String> template, boolean shell, Collection<String> usable)
    {
        if (shell) {
            checkShell(template, usable);
        }
        else {
            check(template, usable);
        }
    }

    /** Shell mode: {@code /bin/sh -c} and the one-element template with every reference replaced by the quoted value. */
    public static List<String> renderShell(List<String> template, ValidatedParams params)
    {
        requireNonNull(template, "template is null");
        requireNonNull(params, "params is null");
        if (template.size() != 1) {
            throw new IllegalArgumentException("a shell-mode command template must be exactly one shell line, has " + template.size() + " elements");
        }
        String line = template.getFirst();
        Matcher matcher = REFERENCE.matcher(line);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = params.values().get(name);
            if (value == null) {
                throw new IllegalArgumentException("the command template uses ${" + name + "}, which has no value; the template refers to a parameter the module does not define");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of " + name + " contains NUL, which no argument can hold");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(shellQuote(value)));
        }
        matcher.appendTail(out);
        List<String> argv = new ArrayList<>(SHELL);
        argv.add(out.toString());
        return List.copyOf(argv);
    }

    /** One shell word holding exactly {@code value}: single quotes, with {@code '} written as {@code '\''}. */
    public static String shellQuote(String value)
    {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Shell mode: one non-blank line, no control characters, and every <code>${</code> starts a reference to a usable parameter. */
    public static void checkShell(List<String> template, Collection<String> usable)
    {
        requireNonNull(template, "template is null");
        requireNonNull(usable, "usable is null");
        if (template.size() != 1 || template.getFirst() == null || template.getFirst().isBlank()) {
            throw new IllegalArgumentException("a shell-mode command template must be exactly one non-blank shell line, e.g. [\"df -h ${path} | tail -n 1\"]");
        }
        String line = template.getFirst();
        if (line.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the shell line must be a single line without control characters (newline, tab, NUL...)");
        }
        Matcher matcher = REFERENCE.matcher(line);
        while (matcher.find()) {
            if (!usable.contains(matcher.group(1))) {
                throw new IllegalArgumentException("the shell line uses ${" + matcher.group(1)
                        + "}, which is not a parameter that always has a value (defined, and required or with a default)");
            }
        }
        if (REFERENCE.matcher(line).replaceAll("").contains("${")) {
            throw new IllegalArgumentException("the shell line has a broken ${: write parameters exactly as ${name}; for a shell variable write $name");
        }
    }

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
