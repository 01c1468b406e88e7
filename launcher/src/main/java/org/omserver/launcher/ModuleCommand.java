package org.omserver.launcher;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.omserver.catalog.module.InvalidModuleException;
import org.omserver.catalog.module.ModuleYaml;
import org.omserver.gateway.master.MasterClient;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.ModuleChangeReply;
import org.omserver.protocol.thrift.ModuleGetReply;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ModuleVersionInfo;
import org.omserver.protocol.thrift.ParamSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code omserver module list|show|add|edit|export|import|enable|disable|delete|versions|rollback}: the module
 * catalog from the command line. It talks to the master over Thrift (v2 envelopes, the shared secret) as a user who
 * logs in, exactly like the gateway, so the master checks and audits every change the same way. Module files are the
 * format of module-catalog/README.md, in JSON or (by the file name, {@code .yaml}/{@code .yml}) YAML; a YAML file is
 * checked here and sent to the master as the canonical JSON, so both formats give the same stored module.
 */
@Command(name = "module", mixinStandardHelpOptions = true, subcommands = picocli.CommandLine.HelpCommand.class,
        description = "List, show, add, edit, export, import, enable, disable, delete and roll back modules "
                + "(module files are JSON, or YAML when named .yaml/.yml; one module per file).")
final class ModuleCommand
{
    static final String PASSWORD_VARIABLE = "OMSERVER_PASSWORD";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, defaultValue = "conf/gateway.properties", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Configuration with master.host, master.port and the shared secret (secret.file or OMSERVER_SECRET); default: ${DEFAULT-VALUE}.")
    Path config;

    @Option(names = {"-u", "--user"}, required = true, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "User to log in as; the password comes from " + PASSWORD_VARIABLE + " or is asked for.")
    String user;

    private final Function<String, String> environment;

    ModuleCommand()
    {
        this(System::getenv);
    }

    /** @param environment where {@value #PASSWORD_VARIABLE} is read (tests pass their own) */
    ModuleCommand(Function<String, String> environment)
    {
        this.environment = environment;
    }

    @Command(name = "list", description = "List the modules: id, state, name.")
    int list()
            throws Exception
    {
        return withMaster((master, session) -> {
            for (ModuleInfo module : master.catalog(session).getModules()) {
                out().printf("%-6d %-13s %s%s%n", module.getId(), state(module), module.getName(),
                        module.isSetShell() && module.isShell() ? "  [runs through a shell]" : "");
            }
            return 0;
        });
    }

    @Command(name = "show", description = "Show a module: its facts, parameters and versions.")
    int show(@Parameters(paramLabel = "ID") int id)
            throws Exception
    {
        return withMaster((master, session) -> {
            ModuleGetReply reply = master.moduleGet(session, id);
            ModuleInfo info = reply.getInfo();
            out().printf("module %d: %s (version %d, %s)%n", info.getId(), info.getName(), reply.getVersion(), state(info));
            out().printf("  %s%n", info.getCaption());
            out().printf("  backend %s, timeout %ds, max parallel %s, needs root %s%s%n", info.getBackend(), info.getTimeoutSeconds(),
                    info.isSetMaxParallel() ? String.valueOf(info.getMaxParallel()) : "(master's limit)", info.isNeedsRoot() ? "yes" : "no",
                    info.isShell() ? ", RUNS THROUGH A SHELL (/bin/sh -c, parameters single-quoted)" : "");
            for (ParamSpec param : info.getParams()) {
                out().printf("  param %s (%s%s): %s%n", param.getName(), param.getType(), param.isMandatory() ? ", required" : "", param.getLabel());
            }
            master.moduleVersions(session, id).getVersions().forEach(version -> out().printf("  v%d %s %s %s: %s%n", version.getVersion(),
                    java.time.Instant.ofEpochMilli(version.getChangedAtMillis()), version.getActor(), version.getAction(), version.getSummary()));
            return 0;
        });
    }

    @Command(name = "add", description = "Add a module from a module file (id 0 or absent: the next free id, 1008 or more).")
    int add(@Parameters(paramLabel = "FILE") Path file)
            throws Exception
    {
        String definition = read(file);
        return withMaster((master, session) -> {
            ModuleChangeReply change = master.moduleCreate(session, definition, null);
            out().printf("added module %d (version %d)%n", change.getModuleId(), change.getVersion());
            return 0;
        });
    }

    @Command(name = "edit", description = "Change a module: from a file with --file, else in $VISUAL / $EDITOR. Refused if someone changed it meanwhile.")
    int edit(@Parameters(paramLabel = "ID") int id,
            @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Module file with the new definition (its id must be ID).") Path file)
            throws Exception
    {
        return withMaster((master, session) -> {
            ModuleGetReply current = master.moduleGet(session, id);
            String definition = file != null ? read(file) : editInEditor(id, current.getDefinition());
            if (definition.equals(current.getDefinition())) {
                out().printf("module %d unchanged%n", id);
                return 0;
            }
            if (idOf(definition) != id) {
                throw new IllegalArgumentException("the module file has id " + idOf(definition) + ", not " + id + "; edit changes one module, keep its id");
            }
            ModuleChangeReply change = master.moduleUpdate(session, definition, current.getVersion(), null);
            out().printf("module %d is now version %d: %s%n", change.getModuleId(), change.getVersion(), change.getSummary());
            return 0;
        });
    }

    @Command(name = "export", description = "Write module files: one module to standard output, or with --dir every given module (or all) as module-<id>.json (or .yaml).")
    int export(@Parameters(paramLabel = "ID", arity = "0..*") List<Integer> ids,
            @Option(names = {"-d", "--dir"}, paramLabel = "DIR", description = "Directory to write module-<id>.json (or .yaml) files into.") Path dir,
            @Option(names = {"-F", "--format"}, paramLabel = "FORMAT", defaultValue = "json", description = "json (default) or yaml.") String format)
            throws Exception
    {
        boolean yaml = switch (format) {
            case "json" -> false;
            case "yaml" -> true;
            default -> throw new IllegalArgumentException("--format must be json or yaml, was '" + format + "'");
        };
        return withMaster((master, session) -> {
            List<Integer> wanted = ids == null || ids.isEmpty()
                    ? master.catalog(session).getModules().stream().map(ModuleInfo::getId).toList()
                    : ids;
            if (dir == null) {
                if (wanted.size() != 1) {
                    throw new IllegalArgumentException("give one module id to print, or --dir to write several files");
                }
                out().print(formatted(master.moduleGet(session, wanted.getFirst()).getDefinition(), yaml));
                return 0;
            }
            Files.createDirectories(dir);
            for (int id : wanted) {
                Path target = dir.resolve("module-" + id + (yaml ? ".yaml" : ".json"));
                Files.writeString(target, formatted(master.moduleGet(session, id).getDefinition(), yaml), UTF_8);
                out().printf("wrote %s%n", target);
            }
            return 0;
        });
    }

    @Command(name = "import", description = "Add or update modules from module files: a file whose id exists updates that module, else it is added.")
    int importFiles(@Parameters(paramLabel = "FILE", arity = "1..*") List<Path> files)
            throws Exception
    {
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            texts.add(readText(file));
        }
        return withMaster((master, session) -> {
            int failed = 0;
            for (int i = 0; i < files.size(); i++) {
                try {
                    String definition = definition(files.get(i), texts.get(i));
                    int id = idOf(definition);
                    ModuleChangeReply change;
                    ModuleGetReply existing = id > 0 ? find(master, session, id) : null;
                    if (existing == null) {
                        change = master.moduleCreate(session, definition, null);
                    }
                    else if (existing.getDefinition().equals(definition)) {
                        out().printf("%s: module %d unchanged%n", files.get(i), id);
                        continue;
                    }
                    else {
                        change = master.moduleUpdate(session, definition, existing.getVersion(), null);
                    }
                    out().printf("%s: module %d version %d: %s%n", files.get(i), change.getModuleId(), change.getVersion(), change.getSummary());
                }
                catch (MasterException | IllegalArgumentException e) {
                    // one bad file does not stop the others; each is its own versioned change
                    failed++;
                    err().printf("%s: %s%n", files.get(i), e.getMessage());
                }
            }
            return failed == 0 ? 0 : 1;
        });
    }

    @Command(name = "enable", description = "Make a module runnable again (a new version).")
    int enable(@Parameters(paramLabel = "ID") int id)
            throws Exception
    {
        return setEnabled(id, true);
    }

    @Command(name = "disable", description = "Stop a module from being run; it stays in the catalog (a new version).")
    int disable(@Parameters(paramLabel = "ID") int id)
            throws Exception
    {
        return setEnabled(id, false);
    }

    private int setEnabled(int id, boolean enabled)
            throws Exception
    {
        return withMaster((master, session) -> {
            ModuleChangeReply change = master.moduleSetEnabled(session, id, enabled, latestVersion(master, session, id), null);
            out().printf("module %d is now version %d: %s%n", change.getModuleId(), change.getVersion(), change.getSummary());
            return 0;
        });
    }

    @Command(name = "delete", description = "Remove a module from the catalog (its versions stay: roll back to restore it). Needs --yes; built-ins 1001-1007 also --builtin.")
    int delete(@Parameters(paramLabel = "ID") int id,
            @Option(names = "--yes", description = "Confirm the delete (without it nothing changes).") boolean yes,
            @Option(names = "--builtin", description = "Also confirm deleting an OMServer built-in module (1001-1007).") boolean builtin)
            throws Exception
    {
        if (!yes) {
            err().printf("omserver module: module %d not deleted: add --yes to confirm (its versions stay, so rollback restores it)%n", id);
            return 2;
        }
        return withMaster((master, session) -> {
            ModuleChangeReply change = master.moduleDelete(session, id, latestVersion(master, session, id), id, builtin, null);
            out().printf("deleted module %d (version %d); restore it with: omserver module rollback %d %d%n", change.getModuleId(), change.getVersion(),
                    id, change.getVersion() - 1);
            return 0;
        });
    }

    @Command(name = "versions", description = "List a module's versions, newest first: version, time (UTC), who, what.")
    int versions(@Parameters(paramLabel = "ID") int id)
            throws Exception
    {
        return withMaster((master, session) -> {
            for (ModuleVersionInfo version : master.moduleVersions(session, id).getVersions()) {
                out().printf("v%-4d %s %-16s %-8s %s%n", version.getVersion(), java.time.Instant.ofEpochMilli(version.getChangedAtMillis()),
                        version.getActor(), version.getAction(), version.getSummary());
            }
            return 0;
        });
    }

    @Command(name = "rollback", description = "Make an earlier version the current one (a new version; also restores a deleted module).")
    int rollback(@Parameters(index = "0", paramLabel = "ID") int id, @Parameters(index = "1", paramLabel = "VERSION") int version)
            throws Exception
    {
        return withMaster((master, session) -> {
            ModuleChangeReply change = master.moduleRollback(session, id, version, latestVersion(master, session, id), null);
            out().printf("module %d is now version %d: %s%n", change.getModuleId(), change.getVersion(), change.getSummary());
            return 0;
        });
    }

    /** The newest version of a module, deleted ones included (the master refuses the change if another one lands first). */
    private static int latestVersion(MasterClient master, String session, int id)
            throws MasterException, MasterUnavailableException
    {
        List<ModuleVersionInfo> versions = master.moduleVersions(session, id).getVersions();
        if (versions.isEmpty()) {
            throw new MasterException(ErrorCode.NOT_FOUND, "module " + id + " does not exist and never did; see omserver module list");
        }
        return versions.getFirst().getVersion();
    }

    /** Logs in, runs the work, logs out; the master's refusals become a message and exit code 1. */
    private int withMaster(MasterSession.Work work)
            throws Exception
    {
        return MasterSession.run("module", config, user, this::password, err(), work);
    }

    private String password()
    {
        String fromEnvironment = environment.apply(PASSWORD_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no password: set " + PASSWORD_VARIABLE + " or run in a terminal to be asked for it");
        }
        char[] typed = console.readPassword("Password for %s: ", user);
        if (typed == null) {
            throw new IllegalArgumentException("no password given");
        }
        return new String(typed);
    }

    private static ModuleGetReply find(MasterClient master, String session, int id)
            throws MasterException, MasterUnavailableException
    {
        try {
            return master.moduleGet(session, id);
        }
        catch (MasterException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private String editInEditor(int id, String definition)
            throws IOException, InterruptedException
    {
        String editor = firstSet(environment.apply("VISUAL"), environment.apply("EDITOR"), "vi");
        Path file = Files.createTempFile("module-" + id + "-", ".json");
        try {
            Files.writeString(file, definition, UTF_8);
            // the editor is the user's own program from their environment, given the file as one argument
            Process process = new ProcessBuilder(editor, file.toString()).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalArgumentException("the editor " + editor + " failed; module " + id + " unchanged");
            }
            return Files.readString(file, UTF_8);
        }
        finally {
            Files.deleteIfExists(file);
        }
    }

    private static String firstSet(String... values)
    {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        throw new IllegalStateException("no value");
    }

    /** The id a module file names (0 when absent); the master checks the rest. */
    static int idOf(String definition)
    {
        try {
            JsonNode id = JSON.readTree(definition).path("id");
            return id.canConvertToInt() ? id.intValue() : 0;
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a module file (invalid JSON): " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** A module file as the master takes it: JSON as written, YAML (by the name) checked and turned into the canonical JSON. */
    private static String read(Path file)
            throws IOException
    {
        return definition(file, readText(file));
    }

    private static String definition(Path file, String text)
    {
        if (!ModuleYaml.isYamlName(file.getFileName().toString())) {
            return text;
        }
        try {
            return ModuleYaml.toCanonicalJson(text);
        }
        catch (InvalidModuleException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    private static String formatted(String definition, boolean yaml)
    {
        if (!yaml) {
            return definition;
        }
        try {
            return ModuleYaml.fromJson(definition);
        }
        catch (InvalidModuleException e) {
            throw new IllegalStateException("the master's module file did not convert to YAML: " + e.getMessage());
        }
    }

    private static String readText(Path file)
            throws IOException
    {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        if (Files.size(file) > 256 * 1024) {
            throw new IllegalArgumentException(file + " is larger than 256 KiB; a module file is small");
        }
        return Files.readString(file, UTF_8);
    }

    private static String state(ModuleInfo module)
    {
        if (module.isSetEnabled() && !module.isEnabled()) {
            return "disabled";
        }
        return module.isRunnable() ? "runnable" : "not-runnable";
    }

    private PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    private PrintWriter err()
    {
        return spec.commandLine().getErr();
    }
}
