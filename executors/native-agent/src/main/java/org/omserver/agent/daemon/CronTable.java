package org.omserver.agent.daemon;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import org.omserver.agent.wire.CommandWords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The agent's cron: entries with a five-field Unix cron expression (parsed by cron-utils, evaluated in the host's
 * time zone like crontab) and a command run as an argument vector, never through a shell, and only when the
 * agent's allow-list accepts it at that moment. An entry with a process name is an IOMS keep-alive guard: when
 * due, it starts the program only if no process of that name runs (read from /proc). An entry without one skips a
 * run while its previous run is still going. Entries are kept in {@code <state.dir>/cron.properties}, written to
 * a temporary file and renamed into place, and reloaded at start; runs missed while the agent was down are not
 * made up (as with cron). The program's output is discarded: a guarded program keeps its own logs.
 */
final class CronTable
        implements AutoCloseable
{
    static final String FILE = "cron.properties";
    private static final Logger log = LoggerFactory.getLogger(CronTable.class);
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    static final Pattern ID = Pattern.compile("[0-9a-f]{8}");
    static final Pattern PROCESS = Pattern.compile("[A-Za-z0-9._+-]{1,64}");
    /** What an entry without a keep-alive process name holds. */
    static final String NO_PROCESS = "-";

    private final Path file;
    private final Clock clock;
    private final ZoneId zone;
    private final ProcessTable processes;
    private final java.util.function.Supplier<AllowList> allowList;
    private final int maxEntries;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Instant> next = new LinkedHashMap<>();
    private final Map<String, Process> lastRun = new LinkedHashMap<>();
    private final Map<String, String> lastOutcome = new LinkedHashMap<>();
    private ScheduledExecutorService ticker;

    /** One line of the table: {@code process} is {@link #NO_PROCESS} for a plain cron entry. */
    record Entry(String id, String schedule, String command, String process)
    {
        Entry
        {
            requireNonNull(id, "id is null");
            requireNonNull(schedule, "schedule is null");
            requireNonNull(command, "command is null");
            requireNonNull(process, "process is null");
        }

        boolean keepAlive()
        {
            return !process.equals(NO_PROCESS);
        }
    }

    CronTable(Path stateDir, Clock clock, ZoneId zone, ProcessTable processes, java.util.function.Supplier<AllowList> allowList, int maxEntries)
    {
        this.file = requireNonNull(stateDir, "stateDir is null").resolve(FILE);
        this.clock = requireNonNull(clock, "clock is null");
        this.zone = requireNonNull(zone, "zone is null");
        this.processes = requireNonNull(processes, "processes is null");
        this.allowList = requireNonNull(allowList, "allowList is null");
        this.maxEntries = maxEntries;
    }

    /** Parses a five-field expression; the message says what is wrong and what is expected. */
    static ExecutionTime parse(String expression)
    {
        String hint = "; write five fields: minute hour day-of-month month day-of-week, e.g. '*/5 * * * *' or '0 3 * * 1-5'";
        if (expression.isBlank() || expression.length() > 128 || expression.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("invalid cron expression: empty, too long or with control characters" + hint);
        }
        try {
            Cron cron = PARSER.parse(expression.strip());
            cron.validate();
            return ExecutionTime.forCron(cron);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cron expression '" + expression + "': " + e.getMessage() + hint, e);
        }
    }

    /** Why this entry cannot be added (checked before the built-in runs), or empty. */
    Optional<String> refusal(String schedule, String command, String process)
    {
        try {
            parse(schedule);
            List<String> argv = CommandWords.split(command);
            if (!argv.getFirst().startsWith("/")) {
                return Optional.of("the program of a cron entry must be an absolute path (cron has no PATH), was '" + argv.getFirst() + "'");
            }
            if (!process.equals(NO_PROCESS) && !PROCESS.matcher(process).matches()) {
                return Optional.of("the process name must be letters, digits, . _ + - (at most 64), or - for a plain cron entry");
            }
            return allowList.get().refusal(argv).map(reason -> "Command not executive: " + reason);
        }
        catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Reads the kept entries; a missing file is an empty table, a broken one an error naming the file. */
    synchronized void load()
    {
        entries.clear();
        if (!Files.exists(file)) {
            return;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
        }
        catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the cron table " + file + ": " + e.getMessage(), e);
        }
        TreeSet<Integer> order = new TreeSet<>();
        properties.stringPropertyNames().forEach(key -> {
            if (key.matches("entry\\.\\d{1,6}\\.id")) {
                order.add(Integer.parseInt(key.split("\\.")[1]));
            }
        });
        Instant now = clock.instant();
        for (int index : order) {
            String prefix = "entry." + index + ".";
            Entry entry = new Entry(properties.getProperty(prefix + "id", ""), properties.getProperty(prefix + "schedule", ""),
                    properties.getProperty(prefix + "command", ""), properties.getProperty(prefix + "process", NO_PROCESS));
            if (!ID.matcher(entry.id()).matches()) {
                throw new IllegalStateException("the cron table " + file + " has a broken entry " + index + "; fix or remove it");
            }
            parse(entry.schedule());
            entries.put(entry.id(), entry);
            schedule(entry, now);
        }
        log.info("cron: {} entries loaded from {}", entries.size(), file);
    }

    /** Starts checking every second which entries are due. */
    synchronized void start()
    {
        ticker = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform().name("agent-cron").daemon(true).unstarted(runnable));
        ticker.scheduleAtFixedRate(() -> {
            try {
                tick();
            }
            catch (RuntimeException e) {
                log.warn("cron: a check failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    synchronized List<Entry> entries()
    {
        return List.copyOf(entries.values());
    }

    synchronized Optional<Instant> nextRun(String id)
    {
        return Optional.ofNullable(next.get(id));
    }

    synchronized Optional<String> lastOutcome(String id)
    {
        return Optional.ofNullable(lastOutcome.get(id));
    }

    /** Adds and keeps an entry; refuses a duplicate and more than {@code cron.max-entries}. */
    synchronized Entry add(String schedule, String command, String process)
            throws IOException
    {
        for (Entry entry : entries.values()) {
            if (entry.schedule().equals(schedule.strip()) && entry.command().equals(command.strip()) && entry.process().equals(process)) {
                throw new IllegalArgumentException("the same entry is already there as " + entry.id());
            }
        }
        if (entries.size() >= maxEntries) {
            throw new IllegalArgumentException("this agent already has " + entries.size() + " cron entries (cron.max-entries); remove some first");
        }
        byte[] bytes = new byte[4];
        new java.security.SecureRandom().nextBytes(bytes);
        Entry entry = new Entry(HexFormat.of().formatHex(bytes), schedule.strip(), command.strip(), process);
        Map<String, Entry> changed = new LinkedHashMap<>(entries);
        changed.put(entry.id(), entry);
        save(changed.values());
        entries.put(entry.id(), entry);
        schedule(entry, clock.instant());
        log.info("cron: added {}", describe(entry));
        return entry;
    }

    /** Removes the entries that match; the table is kept once for all of them. */
    synchronized List<Entry> remove(Predicate<Entry> which)
            throws IOException
    {
        List<Entry> removed = entries.values().stream().filter(which).toList();
        if (removed.isEmpty()) {
            return removed;
        }
        Map<String, Entry> changed = new LinkedHashMap<>(entries);
        removed.forEach(entry -> changed.remove(entry.id()));
        save(changed.values());
        removed.forEach(entry -> {
            entries.remove(entry.id());
            next.remove(entry.id());
            log.info("cron: removed {}", describe(entry));
        });
        return removed;
    }

    /** Runs every entry that is due at the clock's time, then schedules its next run. */
    synchronized void tick()
    {
        Instant now = clock.instant();
        for (Entry entry : entries.values()) {
            Instant due = next.get(entry.id());
            if (due == null || due.isAfter(now)) {
                continue;
            }
            fire(entry);
            schedule(entry, now);
        }
    }

    private void fire(Entry entry)
    {
        List<String> argv = CommandWords.split(entry.command());
        Optional<String> refused = allowList.get().refusal(argv);
        if (refused.isPresent()) {
            LoggerFactory.getLogger("org.omserver.agent.audit").warn("cron: refused to run entry {}: {}", entry.id(), refused.get());
            lastOutcome.put(entry.id(), clock.instant() + " refused: " + refused.get());
            return;
        }
        if (entry.keepAlive() && processes.running(entry.process())) {
            lastOutcome.put(entry.id(), clock.instant() + " " + entry.process() + " already running, not started");
            return;
        }
        Process previous = lastRun.get(entry.id());
        if (!entry.keepAlive() && previous != null && previous.isAlive()) {
            lastOutcome.put(entry.id(), clock.instant() + " previous run (pid " + previous.pid() + ") still going, skipped");
            return;
        }
        try {
            Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            lastRun.put(entry.id(), process);
            String started = clock.instant() + " started pid " + process.pid();
            lastOutcome.put(entry.id(), started);
            process.onExit().thenAccept(ended -> {
                synchronized (this) {
                    if (lastRun.get(entry.id()) == ended) {
                        lastOutcome.put(entry.id(), started + ", exited " + ended.exitValue());
                    }
                }
            });
            log.info("cron: entry {} started {} (pid {})", entry.id(), argv.getFirst(), process.pid());
        }
        catch (IOException e) {
            lastOutcome.put(entry.id(), clock.instant() + " cannot start: " + e.getMessage());
            log.warn("cron: entry {} cannot start {}: {}", entry.id(), argv.getFirst(), e.getMessage());
        }
    }

    private void schedule(Entry entry, Instant after)
    {
        Optional<ZonedDateTime> at = parse(entry.schedule()).nextExecution(after.atZone(zone));
        if (at.isPresent()) {
            next.put(entry.id(), at.get().toInstant());
        }
        else {
            next.remove(entry.id());
        }
    }

    private void save(java.util.Collection<Entry> all)
            throws IOException
    {
        Properties properties = new Properties();
        int index = 0;
        for (Entry entry : all) {
            String prefix = "entry." + (++index) + ".";
            properties.setProperty(prefix + "id", entry.id());
            properties.setProperty(prefix + "schedule", entry.schedule());
            properties.setProperty(prefix + "command", entry.command());
            properties.setProperty(prefix + "process", entry.process());
        }
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(FILE + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temp, UTF_8)) {
            properties.store(writer, "the agent's cron table: edit it through the master (cronadd, cronremove)");
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String describe(Entry entry)
    {
        return entry.id() + " '" + entry.schedule() + "' " + entry.command() + (entry.keepAlive() ? " (keep-alive " + entry.process() + ")" : "");
    }

    @Override
    public synchronized void close()
    {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** Which processes run on this host; {@link #PROC} reads /proc. */
    interface ProcessTable
    {
        boolean running(String name);

        ProcessTable PROC = name -> {
            try (var pids = Files.list(Path.of("/proc"))) {
                return pids.filter(path -> path.getFileName().toString().matches("\\d+")).anyMatch(path -> named(path, name));
            }
            catch (IOException e) {
                return false;
            }
        };

        /** The process's comm (cut at 15 characters by the kernel) or the file name of its argv[0]; zombies do not count. */
        private static boolean named(Path proc, String name)
        {
            try {
                String stat = Files.readString(proc.resolve("stat"), UTF_8);
                int close = stat.lastIndexOf(')');
                if (close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z') {
                    return false;
                }
                String comm = Files.readString(proc.resolve("comm"), UTF_8).strip();
                if (comm.equals(name) || (name.length() > 15 && comm.equals(name.substring(0, 15)) && argv0(proc).equals(name))) {
                    return true;
                }
                return argv0(proc).equals(name);
            }
            catch (IOException e) {
                return false;
            }
        }

        private static String argv0(Path proc)
                throws IOException
        {
            byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
            int end = 0;
            while (end < cmdline.length && cmdline[end] != 0) {
                end++;
            }
            String first = new String(cmdline, 0, end, UTF_8);
            int slash = first.lastIndexOf('/');
            return slash >= 0 ? first.substring(slash + 1) : first;
        }
    }
}
