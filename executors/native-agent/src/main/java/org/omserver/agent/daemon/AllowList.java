package org.omserver.agent.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static java.util.Objects.requireNonNull;

/**
 * The agent's own list of what it runs, checked on every call whatever the master decided. An entry names a
 * program exactly ({@code allow.<name>.program}: an absolute path or a bare name, compared with the first element
 * of the argument vector, never a prefix) and the arguments it accepts ({@code allow.<name>.args}: regular
 * expressions separated by spaces, one per position, each matching the whole argument; a last pattern followed by
 * {@code ...} accepts any number of further arguments matching it). No entries: nothing runs.
 */
public final class AllowList
{
    public static final AllowList NOTHING = new AllowList(List.of());

    private final List<Entry> entries;

    private AllowList(List<Entry> entries)
    {
        this.entries = List.copyOf(entries);
    }

    /** @param entries per entry name, its {@code program} and {@code args} texts */
    public static AllowList fromEntries(Map<String, Map<String, String>> entries)
    {
        List<String> problems = new ArrayList<>();
        List<Entry> parsed = new ArrayList<>();
        entries.forEach((name, keys) -> {
            String program = keys.get("program");
            if (program == null || program.isBlank() || program.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                problems.add("allow." + name + ".program is required: one program name or absolute path, without spaces");
                return;
            }
            String args = keys.getOrDefault("args", "");
            List<Pattern> patterns = new ArrayList<>();
            boolean repeatsLast = false;
            String[] words = args.isBlank() ? new String[0] : args.strip().split("\\s+");
            for (int i = 0; i < words.length; i++) {
                String word = words[i];
                if (word.equals("...")) {
                    if (i != words.length - 1 || i == 0) {
                        problems.add("allow." + name + ".args: '...' may only follow the last pattern");
                        return;
                    }
                    repeatsLast = true;
                    continue;
                }
                try {
                    patterns.add(Pattern.compile(word));
                }
                catch (PatternSyntaxException e) {
                    problems.add("allow." + name + ".args: '" + word + "' is not a regular expression: " + e.getDescription());
                    return;
                }
            }
            parsed.add(new Entry(name, program, patterns, repeatsLast));
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n  ", problems));
        }
        return new AllowList(parsed);
    }

    /** Empty when some entry accepts {@code argv}; otherwise why not, in words for the operator. */
    public Optional<String> refusal(List<String> argv)
    {
        requireNonNull(argv, "argv is null");
        if (argv.isEmpty()) {
            return Optional.of("the argument vector is empty");
        }
        if (argv.stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            return Optional.of("an argument contains a NUL character");
        }
        List<Entry> sameProgram = entries.stream().filter(entry -> entry.program.equals(argv.get(0))).toList();
        if (sameProgram.isEmpty()) {
            return Optional.of("program '" + printable(argv.get(0)) + "' is not on this agent's allow-list; add an allow.<name>.program entry to its configuration");
        }
        for (Entry entry : sameProgram) {
            if (entry.accepts(argv.subList(1, argv.size()))) {
                return Optional.empty();
            }
        }
        return Optional.of("the arguments of '" + printable(argv.get(0)) + "' match none of its allow-list entries ("
                + String.join(", ", sameProgram.stream().map(entry -> entry.name).toList()) + ")");
    }

    public int size()
    {
        return entries.size();
    }

    private static String printable(String text)
    {
        String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private record Entry(String name, String program, List<Pattern> patterns, boolean repeatsLast)
    {
        boolean accepts(List<String> args)
        {
            if (args.size() < patterns.size() || (args.size() > patterns.size() && !repeatsLast)) {
                return false;
            }
            for (int i = 0; i < args.size(); i++) {
                Pattern pattern = patterns.get(Math.min(i, patterns.size() - 1));
                if (!pattern.matcher(args.get(i)).matches()) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public String toString()
    {
        return "AllowList" + entries.stream().map(entry -> entry.name + "=" + entry.program).toList();
    }
}
