package org.omserver.agent.daemon;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The built-in commands this agent has, and which of them its configuration enables ({@code allow.builtins}: a
 * comma-separated list of names, or {@code all}). A vector starting with {@link #PREFIX} never reaches
 * {@link ProcessBuilder}: it is a built-in or it is refused.
 */
final class Builtins
{
    static final String PREFIX = "omserver:";
    /** What {@code allow.builtins} enables when it is not set: read-only probes. */
    static final Set<String> DEFAULT_ENABLED = Set.of("agentlist", "version", "help");

    private final Map<String, Builtin> enabled;
    private final Map<String, Builtin> known;

    private Builtins(Map<String, Builtin> known, Map<String, Builtin> enabled)
    {
        this.known = known;
        this.enabled = enabled;
    }

    /**
     * @param all every built-in this agent has
     * @param names the enabled names ({@code all} alone enables every one)
     * @throws IllegalArgumentException naming the unknown names and the known ones
     */
    static Builtins of(Collection<Builtin> all, Set<String> names)
    {
        Map<String, Builtin> known = new TreeMap<>();
        all.forEach(builtin -> known.put(builtin.name(), builtin));
        Map<String, Builtin> enabled = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (name.equals("all")) {
                enabled.putAll(known);
            }
            else if (known.containsKey(name)) {
                enabled.put(name, known.get(name));
            }
            else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("allow.builtins names unknown built-in command(s) " + unknown + "; this agent has " + known.keySet()
                    + " (or write 'all')");
        }
        return new Builtins(Map.copyOf(known), Map.copyOf(enabled));
    }

    static boolean isBuiltin(List<String> argv)
    {
        return !argv.isEmpty() && argv.get(0).startsWith(PREFIX);
    }

    /** The enabled built-in that {@code argv} names, or why it cannot run. */
    Resolution resolve(List<String> argv)
    {
        requireNonNull(argv, "argv is null");
        if (argv.stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            return new Resolution(Optional.empty(), Optional.of("an argument contains a NUL character"));
        }
        String name = argv.get(0).substring(PREFIX.length());
        Builtin builtin = enabled.get(name);
        if (builtin == null) {
            return new Resolution(Optional.empty(), Optional.of(known.containsKey(name)
                    ? "the built-in command '" + name + "' is not enabled on this agent (allow.builtins in its configuration)"
                    : "this agent has no built-in command '" + name + "'; it has " + known.keySet()));
        }
        return new Resolution(Optional.of(builtin), builtin.refusal(argv.subList(1, argv.size())));
    }

    /** The enabled built-ins, by name. */
    Collection<Builtin> enabled()
    {
        return enabled.values();
    }

    int size()
    {
        return enabled.size();
    }

    record Resolution(Optional<Builtin> builtin, Optional<String> refusal)
    {
        Resolution
        {
            requireNonNull(builtin, "builtin is null");
            requireNonNull(refusal, "refusal is null");
        }
    }
}
