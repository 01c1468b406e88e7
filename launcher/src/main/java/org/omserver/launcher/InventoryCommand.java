package org.omserver.launcher;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.omserver.gateway.master.MasterClient;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.protocol.thrift.AppCategory;
import org.omserver.protocol.thrift.CategoryAction;
import org.omserver.protocol.thrift.CategoryChangeReply;
import org.omserver.protocol.thrift.CategoryChangeRequest;
import org.omserver.protocol.thrift.FunctionCategory;
import org.omserver.protocol.thrift.GroupAction;
import org.omserver.protocol.thrift.GroupChangeRequest;
import org.omserver.protocol.thrift.ImportProblem;
import org.omserver.protocol.thrift.InventoryImportReply;
import org.omserver.protocol.thrift.InventoryImportRequest;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.ServerAction;
import org.omserver.protocol.thrift.ServerChangeReply;
import org.omserver.protocol.thrift.ServerChangeRequest;
import org.omserver.protocol.thrift.ServerFields;
import org.omserver.protocol.thrift.ServerGroupInfo;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.ServerSearchReply;
import org.omserver.protocol.thrift.ServerSearchRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code omserver inventory …}: the inventory from the command line, through the master RPCs the gateway uses (reads
 * for every role, changes for admin; every change audited in the master). Logs in like {@code omserver users}.
 */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "Manage the inventory: servers, categories, server groups (IOMS server types), CSV import and export (changes: admin).")
final class InventoryCommand
{
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, defaultValue = "conf/gateway.properties", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Configuration with master.host, master.port and the shared secret (secret.file or OMSERVER_SECRET); default: ${DEFAULT-VALUE}.")
    Path config;

    @Option(names = {"-u", "--user"}, required = true, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "User to log in as; the password comes from " + ModuleCommand.PASSWORD_VARIABLE + " or is asked for.")
    String user;

    private final Function<String, String> environment;

    InventoryCommand()
    {
        this(System::getenv);
    }

    InventoryCommand(Function<String, String> environment)
    {
        this.environment = environment;
    }

    // ---- servers ---------------------------------------------------------------------------------

    @Command(name = "list", description = "List servers (ordered by LAN IP, paged): IP, name, online state, backend, category, SSH, tags, groups.")
    int list(@Option(names = "--category", paramLabel = "APP_ID", description = "Only this application category.") Integer category,
            @Option(names = "--offset", defaultValue = "0") int offset,
            @Option(names = "--limit", defaultValue = "100", description = "1-500; default: ${DEFAULT-VALUE}.") int limit)
            throws Exception
    {
        ServerSearchRequest request = new ServerSearchRequest().setOffset(offset).setLimit(limit);
        if (category != null) {
            request.setAppCategoryId(category);
        }
        return searchAndPrint(request);
    }

    @Command(name = "search", description = "Search servers by name or IP (contained, any case), tag or group.")
    int search(@Parameters(paramLabel = "TEXT", arity = "0..1") String text,
            @Option(names = "--tag") String tag,
            @Option(names = "--group") String group,
            @Option(names = "--offset", defaultValue = "0") int offset,
            @Option(names = "--limit", defaultValue = "100") int limit)
            throws Exception
    {
        ServerSearchRequest request = new ServerSearchRequest().setOffset(offset).setLimit(limit);
        if (text != null) {
            request.setText(text);
        }
        if (tag != null) {
            request.setTag(tag);
        }
        if (group != null) {
            request.setGroup(group);
        }
        return searchAndPrint(request);
    }

    @Command(name = "show", description = "Show one server by its LAN IP.")
    int show(@Parameters(paramLabel = "LAN_IP") String lanIp)
            throws Exception
    {
        return withMaster((master, session) -> {
            ServerInfo server = find(master, session, lanIp);
            if (server == null) {
                err().println("omserver inventory: there is no server with LAN IP " + shown(lanIp) + "; 'omserver inventory search' finds servers");
                return 1;
            }
            out().println(line(server));
            return 0;
        });
    }

    @Command(name = "add", description = "Add a server.")
    int add(@Parameters(paramLabel = "LAN_IP") String lanIp,
            @Option(names = "--name", required = true) String name,
            @Option(names = "--category", required = true, paramLabel = "APP_ID", description = "Application category id ('inventory categories').") int category,
            @Option(names = "--wan-ip") String wanIp,
            @Option(names = "--ssh-port", defaultValue = "22") int sshPort,
            @Option(names = "--ssh-user", description = "Empty: the SSH backend's default user.") String sshUser,
            @Option(names = "--backend", defaultValue = "any", description = "agent, ssh or any; default: ${DEFAULT-VALUE}.") String backend,
            @Option(names = "--tags", split = ",", paramLabel = "TAG") List<String> tags)
            throws Exception
    {
        ServerFields fields = new ServerFields(name, backend, category).setSshPort(sshPort).setTags(tags == null ? List.of() : tags);
        if (wanIp != null) {
            fields.setWanIp(wanIp);
        }
        if (sshUser != null) {
            fields.setSshUser(sshUser);
        }
        return change(new ServerChangeRequest(null, ServerAction.CREATE, lanIp).setFields(fields), "added");
    }

    @Command(name = "edit", description = "Change fields of a server; the others stay (an empty --wan-ip or --ssh-user clears it).")
    int edit(@Parameters(paramLabel = "LAN_IP") String lanIp,
            @Option(names = "--name") String name,
            @Option(names = "--category", paramLabel = "APP_ID") Integer category,
            @Option(names = "--wan-ip") String wanIp,
            @Option(names = "--ssh-port") Integer sshPort,
            @Option(names = "--ssh-user") String sshUser,
            @Option(names = "--backend") String backend,
            @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "Replaces the tags; --tags '' clears them.") List<String> tags)
            throws Exception
    {
        return withMaster((master, session) -> {
            ServerInfo now = find(master, session, lanIp);
            if (now == null) {
                err().println("omserver inventory: there is no server with LAN IP " + shown(lanIp) + "; add it with 'omserver inventory add'");
                return 1;
            }
            ServerFields fields = new ServerFields(name != null ? name : now.getName(), backend != null ? backend : now.getPreferredBackend(),
                    category != null ? category : now.getAppCategoryId())
                    .setSshPort(sshPort != null ? sshPort : now.getSshPort())
                    .setTags(tags != null ? tags.stream().filter(tag -> !tag.isEmpty()).toList() : now.getTags());
            String wan = wanIp != null ? wanIp : now.getWanIp();
            if (wan != null && !wan.isEmpty()) {
                fields.setWanIp(wan);
            }
            String ssh = sshUser != null ? sshUser : now.getSshUser();
            if (ssh != null && !ssh.isEmpty()) {
                fields.setSshUser(ssh);
            }
            return changed(master.serverChange(new ServerChangeRequest(session, ServerAction.UPDATE, lanIp).setFields(fields)), "changed");
        });
    }

    @Command(name = "move", description = "Move a server to another application category.")
    int move(@Parameters(paramLabel = "LAN_IP") String lanIp, @Parameters(paramLabel = "APP_ID") int category)
            throws Exception
    {
        return change(new ServerChangeRequest(null, ServerAction.MOVE, lanIp).setAppCategoryId(category), "moved");
    }

    @Command(name = "remove", description = "Remove a server from the inventory (and from its groups).")
    int remove(@Parameters(paramLabel = "LAN_IP") String lanIp)
            throws Exception
    {
        return change(new ServerChangeRequest(null, ServerAction.DELETE, lanIp), "removed");
    }

    // ---- categories ------------------------------------------------------------------------------

    @Command(name = "categories", description = "List the function categories and their application categories with ids.")
    int categories()
            throws Exception
    {
        return withMaster((master, session) -> {
            InventoryReply inventory = master.inventory(session);
            for (FunctionCategory function : inventory.getFunctionCategories()) {
                out().printf("%d  %s%n", function.getId(), shown(function.getName()));
                for (AppCategory app : inventory.getAppCategories()) {
                    if (app.getFunctionCategoryId() == function.getId()) {
                        long servers = inventory.getServers().stream().filter(s -> s.getAppCategoryId() == app.getId()).count();
                        out().printf("    %d  %s  (%d servers)%n", app.getId(), shown(app.getName()), servers);
                    }
                }
            }
            return 0;
        });
    }

    @Command(name = "category-add", description = "Add a function category, or with --in an application category under one.")
    int categoryAdd(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--in", paramLabel = "FUNCTION_ID", description = "Add an application category under this function category.") Integer in)
            throws Exception
    {
        CategoryChangeRequest request = in == null ? new CategoryChangeRequest(null, CategoryAction.CREATE_FUNCTION).setName(name)
                : new CategoryChangeRequest(null, CategoryAction.CREATE_APP).setName(name).setFunctionCategoryId(in);
        return category(request, "added");
    }

    @Command(name = "category-rename", description = "Rename a category: 'function ID NAME' or 'app ID NAME'.")
    int categoryRename(@Parameters(paramLabel = "function|app") String kind, @Parameters(paramLabel = "ID") int id, @Parameters(paramLabel = "NAME") String name)
            throws Exception
    {
        return category(new CategoryChangeRequest(null, kind(kind, CategoryAction.RENAME_FUNCTION, CategoryAction.RENAME_APP)).setId(id).setName(name), "renamed");
    }

    @Command(name = "category-delete", description = "Delete an empty category: 'function ID' or 'app ID'.")
    int categoryDelete(@Parameters(paramLabel = "function|app") String kind, @Parameters(paramLabel = "ID") int id)
            throws Exception
    {
        return category(new CategoryChangeRequest(null, kind(kind, CategoryAction.DELETE_FUNCTION, CategoryAction.DELETE_APP)).setId(id), "deleted");
    }

    // ---- groups ----------------------------------------------------------------------------------

    @Command(name = "groups", description = "List the server groups (IOMS server types, servertype=NAME) and their members.")
    int groups()
            throws Exception
    {
        return withMaster((master, session) -> {
            for (ServerGroupInfo group : master.groups(session).getGroups()) {
                out().println(groupLine(group));
            }
            return 0;
        });
    }

    @Command(name = "group", description = "Change a server group: 'add NAME', 'rename NAME NEW', 'delete NAME', 'members NAME --add IP,... --remove IP,...'.")
    int group(@Parameters(paramLabel = "add|rename|delete|members") String verb, @Parameters(paramLabel = "NAME") String name,
            @Parameters(paramLabel = "NEW_NAME", arity = "0..1") String newName,
            @Option(names = "--add", split = ",", paramLabel = "LAN_IP") List<String> add,
            @Option(names = "--remove", split = ",", paramLabel = "LAN_IP") List<String> remove)
            throws Exception
    {
        List<GroupChangeRequest> requests = new ArrayList<>();
        switch (verb) {
            case "add" -> requests.add(new GroupChangeRequest(null, GroupAction.CREATE, name));
            case "rename" -> {
                if (newName == null) {
                    throw new IllegalArgumentException("say the new name: omserver inventory group rename NAME NEW_NAME");
                }
                requests.add(new GroupChangeRequest(null, GroupAction.RENAME, name).setNewName(newName));
            }
            case "delete" -> requests.add(new GroupChangeRequest(null, GroupAction.DELETE, name));
            case "members" -> {
                if (add == null && remove == null) {
                    throw new IllegalArgumentException("say which members change: --add IP,IP and/or --remove IP,IP");
                }
                if (add != null) {
                    requests.add(new GroupChangeRequest(null, GroupAction.ADD_MEMBERS, name).setLanIps(add));
                }
                if (remove != null) {
                    requests.add(new GroupChangeRequest(null, GroupAction.REMOVE_MEMBERS, name).setLanIps(remove));
                }
            }
            default -> throw new IllegalArgumentException("unknown group verb '" + verb + "'; use add, rename, delete or members");
        }
        return withMaster((master, session) -> {
            ServerGroupInfo last = null;
            for (GroupChangeRequest request : requests) {
                last = master.groupChange(request.setSession(session)).getGroup();
            }
            out().println(verb.equals("delete") ? "deleted " + groupLine(last) : groupLine(last));
            return 0;
        });
    }

    // ---- CSV -------------------------------------------------------------------------------------

    @Command(name = "export", description = "Write the inventory as CSV (header row first) to FILE, or to standard output.")
    int export(@Parameters(paramLabel = "FILE", arity = "0..1") Path file)
            throws Exception
    {
        return withMaster((master, session) -> {
            String csv = master.inventoryExport(session).getCsv();
            if (file == null) {
                out().print(csv);
                out().flush();
            }
            else {
                Files.writeString(file, csv, StandardCharsets.UTF_8);
                err().println("wrote " + file);
            }
            return 0;
        });
    }

    @Command(name = "import", description = "Import a CSV file: every row or none; problems are listed with row and column.")
    int importCsv(@Parameters(paramLabel = "FILE") Path file,
            @Option(names = "--dry-run", description = "Check every row, change nothing.") boolean dryRun)
            throws Exception
    {
        if (Files.size(file) > org.omserver.catalog.inventory.InventoryCsv.MAX_BYTES) {
            throw new IllegalArgumentException(file + " is larger than 5 MiB; split it");
        }
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        return withMaster((master, session) -> {
            // a dry run first: its reply lists the problems one by one, where a refused import has them in its message
            InventoryImportReply check = master.inventoryImport(new InventoryImportRequest(session, csv).setDryRun(true));
            if (!check.getProblems().isEmpty()) {
                for (ImportProblem problem : check.getProblems()) {
                    err().println("row " + problem.getRow() + ", column " + problem.getColumn() + ": " + problem.getMessage());
                }
                err().println("omserver inventory: " + check.getProblems().size() + " problems; nothing was imported");
                return 1;
            }
            if (dryRun) {
                out().println(check.getRows() + " rows, no problems (dry run: nothing changed)");
                return 0;
            }
            InventoryImportReply done = master.inventoryImport(new InventoryImportRequest(session, csv));
            out().printf("imported %d rows: %d servers created, %d updated, %d categories and %d groups created%n", done.getRows(), done.getCreated(),
                    done.getUpdated(), done.getCategoriesCreated(), done.getGroupsCreated());
            return 0;
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private int searchAndPrint(ServerSearchRequest request)
            throws Exception
    {
        return withMaster((master, session) -> {
            ServerSearchReply reply = master.serverSearch(request.setSession(session));
            for (ServerInfo server : reply.getServers()) {
                out().println(line(server));
            }
            err().printf("%d of %d servers (from %d)%n", reply.getServers().size(), reply.getTotal(), reply.getOffset());
            return 0;
        });
    }

    private static ServerInfo find(MasterClient master, String session, String lanIp)
            throws MasterException, MasterUnavailableException
    {
        return master.serverSearch(new ServerSearchRequest(session).setText(lanIp).setLimit(500)).getServers().stream()
                .filter(server -> server.getLanIp().equals(lanIp)).findFirst().orElse(null);
    }

    private int change(ServerChangeRequest request, String verb)
            throws Exception
    {
        return withMaster((master, session) -> changed(master.serverChange(request.setSession(session)), verb));
    }

    private int changed(ServerChangeReply reply, String verb)
    {
        out().println(verb + " " + line(reply.getServer()));
        return 0;
    }

    private int category(CategoryChangeRequest request, String verb)
            throws Exception
    {
        return withMaster((master, session) -> {
            CategoryChangeReply reply = master.categoryChange(request.setSession(session));
            out().println(verb + " category " + reply.getId() + " " + shown(reply.getName())
                    + (reply.isSetGrantsRemoved() && reply.getGrantsRemoved() > 0 ? " (removed " + reply.getGrantsRemoved() + " operator grants)" : ""));
            return 0;
        });
    }

    private static CategoryAction kind(String kind, CategoryAction function, CategoryAction app)
    {
        return switch (kind) {
            case "function" -> function;
            case "app" -> app;
            default -> throw new IllegalArgumentException("say 'function' or 'app', not '" + kind + "'");
        };
    }

    static String line(ServerInfo server)
    {
        String state = server.isSetAgentOnline() ? (server.isAgentOnline() ? "online" : "offline") : "-";
        return String.join("  ", shown(server.getLanIp()), shown(server.getName()), state, server.getPreferredBackend(),
                "category " + server.getAppCategoryId(), "ssh " + (server.isSetSshUser() ? shown(server.getSshUser()) + "@" : "") + server.getSshPort(),
                "tags [" + String.join(" ", server.getTags()) + "]", "groups [" + (server.isSetGroups() ? String.join(" ", server.getGroups()) : "") + "]");
    }

    private static String groupLine(ServerGroupInfo group)
    {
        return "group " + shown(group.getName()) + " (" + group.getMembers().size() + " members): " + String.join(" ", group.getMembers());
    }

    /** A value from the master in one line: control characters escaped. */
    private static String shown(String value)
    {
        return value.codePoints().mapToObj(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                ? String.format("\\u%04x", c) : Character.toString(c)).collect(Collectors.joining());
    }

    /** Logs in, runs the work, logs out; the master's refusals become a message and exit code 1. */
    private int withMaster(MasterSession.Work work)
            throws Exception
    {
        return MasterSession.run("inventory", config, user, this::password, err(), work);
    }

    private String password()
    {
        String fromEnvironment = environment.apply(ModuleCommand.PASSWORD_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no password: set " + ModuleCommand.PASSWORD_VARIABLE + " or run in a terminal to be asked for it");
        }
        char[] typed = console.readPassword("Password for %s: ", user);
        if (typed == null) {
            throw new IllegalArgumentException("no password given");
        }
        return new String(typed);
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
