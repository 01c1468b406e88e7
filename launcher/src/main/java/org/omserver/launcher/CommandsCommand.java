package org.omserver.launcher;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.command.CommandAllowRepository;
import org.omserver.master.agents.AgentCommandPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The master's allow-list for free commands (cmd=command, cron entries), for admins on the master's host (it
 * reads the master's configuration and database, like {@code agents}). Every change is audited.
 */
@Command(name = "commands", mixinStandardHelpOptions = true,
        description = "List, add or remove entries of the master's allow-list for free commands (cmd=command, cronadd).")
final class CommandsCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/master.properties",
            description = "Master configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Parameters(index = "0", paramLabel = "ACTION", description = "list, add or remove")
    String action;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARG",
            description = "add -- PROGRAM ['PATTERNS'] (regular expressions separated by spaces, one per argument, a last one followed by ... repeats; "
                    + "'--' keeps patterns such as '-h|-k' from being read as options); remove ID")
    java.util.List<String> args = new java.util.ArrayList<>();

    @Option(names = "--note", defaultValue = "", description = "Why the entry exists (shown by list).")
    String note;

    @Override
    public Integer call()
    {
        try (Catalog catalog = Catalog.open(AgentsCommand.database(ConfigFiles.load(config)))) {
            CommandAllowRepository list = catalog.commandAllowList();
            String actor = System.getProperty("user.name");
            switch (action) {
                case "list" -> {
                    System.out.printf("%-5s %-24s %-40s %s%n", "ID", "PROGRAM", "ARGS", "NOTE");
                    list.list().forEach(entry -> System.out.printf("%-5d %-24s %-40s %s%n", entry.id(), entry.program(), entry.args(), entry.note()));
                }
                case "add" -> {
                    if (args.isEmpty() || args.size() > 2) {
                        throw new IllegalArgumentException("write: omserver commands add -- PROGRAM ['ARG PATTERNS'], e.g. add -- df '-h|-k ...'");
                    }
                    String program = args.get(0);
                    String patterns = args.size() == 2 ? args.get(1).strip() : "";
                    AgentCommandPolicy.check(program, patterns);
                    int id = list.add(program, patterns, note, actor, Instant.now());
                    audit(catalog, actor, program + " " + patterns, "added as " + id);
                    System.out.println("Added entry " + id + ": " + program + " " + patterns);
                }
                case "remove" -> {
                    if (args.size() != 1 || !args.get(0).matches("[1-9][0-9]{0,8}")) {
                        throw new IllegalArgumentException("write: omserver commands remove ID ('omserver commands list' shows the ids)");
                    }
                    if (!list.remove(Integer.parseInt(args.get(0)))) {
                        throw new IllegalArgumentException("there is no entry " + args.get(0) + "; 'omserver commands list' shows them");
                    }
                    audit(catalog, actor, "entry " + args.get(0), "removed");
                    System.out.println("Removed entry " + args.get(0) + ".");
                }
                default -> throw new IllegalArgumentException("unknown action '" + action + "'; use list, add or remove");
            }
        }
        return 0;
    }

    private static void audit(Catalog catalog, String actor, String what, String outcome)
    {
        catalog.audit().record(new AuditEntry(Instant.now(), actor, "cli", "commands.allow", OptionalInt.empty(), what, "", "accepted",
                Optional.of(outcome + " with 'omserver commands'")));
    }
}
