package org.omserver.master.agents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.omserver.agent.daemon.AllowList;
import org.omserver.agent.wire.CommandWords;
import org.omserver.catalog.command.CommandAllowRepository;
import org.omserver.master.schedule.CronSchedule;

import static java.util.Objects.requireNonNull;

/**
 * The master's own check of the agent built-ins that run free text: {@code omserver:command TEXT} and
 * {@code omserver:cronadd SCHEDULE COMMAND PROCESS}, whichever module renders them. The text is split into words
 * exactly as the agent will split it ({@link CommandWords}) and must match the master's allow-list
 * ({@code oms_command_allow}, read on every call so an admin's change applies at once); a cron schedule must
 * parse. The agent checks again against its own list.
 */
public final class AgentCommandPolicy
{
    private final CommandAllowRepository entries;

    public AgentCommandPolicy(CommandAllowRepository entries)
    {
        this.entries = requireNonNull(entries, "entries is null");
    }

    /** Why the rendered argument vector may not be sent, or empty (any other vector: nothing to check here). */
    public Optional<String> refusal(List<String> argv)
    {
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        try {
            return switch (argv.getFirst()) {
                case "omserver:command" -> allowed(argv.get(1));
                case "omserver:cronadd" -> {
                    CronSchedule.parse(argv.get(1));
                    List<String> words = CommandWords.split(argv.get(2));
                    if (!words.getFirst().startsWith("/")) {
                        yield Optional.of("the program of a cron entry must be an absolute path (cron has no PATH), was '" + words.getFirst() + "'");
                    }
                    yield allowed(argv.get(2));
                }
                default -> Optional.empty();
            };
        }
        catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage().startsWith("invalid cron") ? e.getMessage() : "Command not executive: " + e.getMessage());
        }
    }

    private Optional<String> allowed(String text)
    {
        List<String> words = CommandWords.split(text);
        return list().refusal(words).map(reason -> "Command not executive: " + reason.replace("this agent's allow-list", "the master's allow-list")
                .replace("add an allow.<name>.program entry to its configuration", "an admin adds it with 'omserver commands add'"));
    }

    /** The table as an {@link AllowList}; entries are numbered by id. A broken entry is an error naming it. */
    public AllowList list()
    {
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (CommandAllowRepository.Entry entry : entries.list()) {
            byName.put("entry-" + entry.id(), Map.of("program", entry.program(), "args", entry.args()));
        }
        return AllowList.fromEntries(byName);
    }

    /** Checks an entry before it is stored: the same parser as {@link #list}. */
    public static void check(String program, String args)
    {
        AllowList.fromEntries(Map.of("new", Map.of("program", program, "args", args)));
    }
}
