package org.omserver.agent.daemon;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** {@code cronlist}, {@code cronadd SCHEDULE COMMAND PROCESS} and {@code cronremove ENTRY} on the agent's {@link CronTable}. */
final class CronBuiltins
{
    private CronBuiltins() {}

    static List<Builtin> all(CronTable table)
    {
        return List.of(new CronList(table), new CronAdd(table), new CronRemove(table));
    }

    /** The IOMS form {@code min;hour;day;month;weekday;abs-path;process-name} as schedule, command and process, or empty. */
    static Optional<String[]> ioms(String text)
    {
        String[] fields = text.split(";", -1);
        if (fields.length != 7) {
            return Optional.empty();
        }
        return Optional.of(new String[] {String.join(" ", List.of(fields).subList(0, 5)), fields[5], fields[6].isEmpty() ? CronTable.NO_PROCESS : fields[6]});
    }

    private record CronList(CronTable table)
            implements Builtin
    {
        @Override
        public String name()
        {
            return "cronlist";
        }

        @Override
        public String usage()
        {
            return "lists this host's cron entries: id, schedule, command, keep-alive process, next run, last outcome";
        }

        @Override
        public Optional<String> refusal(List<String> args)
        {
            return args.isEmpty() ? Optional.empty() : Optional.of("cronlist takes no arguments, got " + args.size());
        }

        @Override
        public int run(List<String> args, Output output)
        {
            List<CronTable.Entry> entries = table.entries();
            if (entries.isEmpty()) {
                output.out("no cron entries\n");
            }
            for (CronTable.Entry entry : entries) {
                output.out(entry.id() + "  " + entry.schedule() + "  " + entry.command() + "  "
                        + (entry.keepAlive() ? "keep-alive " + entry.process() : "always")
                        + "  next " + table.nextRun(entry.id()).map(Object::toString).orElse("never")
                        + table.lastOutcome(entry.id()).map(last -> "  last " + last).orElse("") + "\n");
            }
            return 0;
        }
    }

    private record CronAdd(CronTable table)
            implements Builtin
    {
        @Override
        public String name()
        {
            return "cronadd";
        }

        @Override
        public String usage()
        {
            return "SCHEDULE COMMAND PROCESS: adds an entry (five cron fields; absolute program and arguments, no shell; "
                    + "a process name to start it only when no such process runs, or - to run it at every due time)";
        }

        @Override
        public Optional<String> refusal(List<String> args)
        {
            if (args.size() != 3) {
                return Optional.of("cronadd takes three arguments, the schedule, the command and the keep-alive process name (or -); got " + args.size());
            }
            return table.refusal(args.get(0), args.get(1), args.get(2));
        }

        @Override
        public int run(List<String> args, Output output)
        {
            try {
                CronTable.Entry entry = table.add(args.get(0), args.get(1), args.get(2));
                output.out("added cron entry " + CronTable.describe(entry) + "; next run " + table.nextRun(entry.id()).map(Object::toString).orElse("never") + "\n");
                return 0;
            }
            catch (IllegalArgumentException e) {
                output.err(e.getMessage() + "\n");
                return 1;
            }
            catch (IOException e) {
                output.err("cannot keep the cron table: " + e.getMessage() + "; nothing was added\n");
                return 1;
            }
        }
    }

    private record CronRemove(CronTable table)
            implements Builtin
    {
        @Override
        public String name()
        {
            return "cronremove";
        }

        @Override
        public String usage()
        {
            return "ENTRY: removes the entry with this id, or the entries matching min;hour;day;month;weekday;abs-path;process-name";
        }

        @Override
        public Optional<String> refusal(List<String> args)
        {
            if (args.size() != 1) {
                return Optional.of("cronremove takes one argument, an entry id or min;hour;day;month;weekday;abs-path;process-name; got " + args.size());
            }
            if (CronTable.ID.matcher(args.getFirst()).matches() || ioms(args.getFirst()).isPresent()) {
                return Optional.empty();
            }
            return Optional.of("'" + args.getFirst().replaceAll("\\p{Cntrl}", "?") + "' is neither an entry id (8 hex digits, see cronlist) nor min;hour;day;month;weekday;abs-path;process-name");
        }

        @Override
        public int run(List<String> args, Output output)
        {
            String key = args.getFirst();
            Predicate<CronTable.Entry> which = CronTable.ID.matcher(key).matches()
                    ? entry -> entry.id().equals(key)
                    : entry -> {
                        String[] ioms = ioms(key).orElseThrow();
                        return entry.schedule().equals(ioms[0]) && entry.command().equals(ioms[1]) && entry.process().equals(ioms[2]);
                    };
            try {
                List<CronTable.Entry> removed = table.remove(which);
                if (removed.isEmpty()) {
                    output.err("no cron entry matches '" + key + "'; cronlist shows the entries\n");
                    return 1;
                }
                removed.forEach(entry -> output.out("removed cron entry " + CronTable.describe(entry) + "\n"));
                return 0;
            }
            catch (IOException e) {
                output.err("cannot keep the cron table: " + e.getMessage() + "; nothing was removed\n");
                return 1;
            }
        }
    }
}
