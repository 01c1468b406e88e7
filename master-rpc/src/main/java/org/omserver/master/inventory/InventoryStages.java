package org.omserver.master.inventory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.inventory.InventoryCsv;
import org.omserver.catalog.inventory.InventoryException;
import org.omserver.catalog.inventory.InventoryRepository;
import org.omserver.catalog.inventory.InventoryRules;
import org.omserver.catalog.inventory.InventoryRules.Problem;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.inventory.ServerGroup;
import org.omserver.catalog.inventory.ServerPage;
import org.omserver.catalog.inventory.ServerQuery;
import org.omserver.master.pipeline.Call;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.protocol.thrift.CategoryChangeReply;
import org.omserver.protocol.thrift.CategoryChangeRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.GroupChangeReply;
import org.omserver.protocol.thrift.GroupChangeRequest;
import org.omserver.protocol.thrift.GroupsReply;
import org.omserver.protocol.thrift.ImportProblem;
import org.omserver.protocol.thrift.InventoryExportReply;
import org.omserver.protocol.thrift.InventoryImportReply;
import org.omserver.protocol.thrift.InventoryImportRequest;
import org.omserver.protocol.thrift.ServerChangeReply;
import org.omserver.protocol.thrift.ServerChangeRequest;
import org.omserver.protocol.thrift.ServerFields;
import org.omserver.protocol.thrift.ServerGroupInfo;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.ServerSearchReply;
import org.omserver.protocol.thrift.ServerSearchRequest;

import static java.util.Objects.requireNonNull;

/**
 * Inventory management (issue 4): categories, servers, groups (IOMS server types), search, CSV, and the master-side
 * resolution of {@code servertype=NAME}. The permission checks are {@code authorize} stages in MasterHandler; these
 * stages check every field ({@link InventoryRules}) and refuse with what to do. Every change names itself in the
 * call's detail for the audit row.
 */
public final class InventoryStages
{
    public static final int DEFAULT_PAGE = 100;
    private static final int SHOWN_PROBLEMS = 50;

    private final Catalog catalog;
    private final Clock clock;
    private final Duration onlineWindow;
    private final String defaultBackend;

    public InventoryStages(Catalog catalog, Clock clock, Duration onlineWindow, String defaultBackend)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.onlineWindow = requireNonNull(onlineWindow, "onlineWindow is null");
        this.defaultBackend = requireNonNull(defaultBackend, "defaultBackend is null");
    }

    // ---- reads -----------------------------------------------------------------------------------

    /** A page of servers matching the search, each with its online state, tags and groups. */
    public Stage search()
    {
        return Stage.named("searchServers", call -> {
            ServerSearchRequest request = call.request(ServerSearchRequest.class);
            int offset = request.isSetOffset() ? request.getOffset() : 0;
            int limit = request.isSetLimit() ? request.getLimit() : DEFAULT_PAGE;
            if (offset < 0 || limit < 1 || limit > ServerQuery.MAX_LIMIT) {
                throw invalid("offset must be 0 or more and limit 1 to " + ServerQuery.MAX_LIMIT + "; were " + offset + " and " + limit);
            }
            Optional<String> text = Optional.ofNullable(request.getText()).map(String::strip).filter(value -> !value.isEmpty());
            if (text.isPresent() && (text.get().length() > 128 || text.get().codePoints().anyMatch(Character::isISOControl))) {
                throw invalid("search text must be at most 128 characters without control characters");
            }
            Optional<String> tag = Optional.ofNullable(request.getTag()).filter(value -> !value.isEmpty());
            if (tag.isPresent()) {
                List<Problem> problems = new ArrayList<>();
                InventoryRules.tags(List.of(tag.get()), problems);
                refuse(problems, "invalid tag");
            }
            ServerPage page = inventory(() -> catalog.inventory().search(new ServerQuery(text, tag,
                    request.isSetAppCategoryId() ? OptionalInt.of(request.getAppCategoryId()) : OptionalInt.empty(),
                    Optional.ofNullable(request.getGroup()).filter(value -> !value.isEmpty()), offset, limit)));
            call.setReply(new ServerSearchReply(new ArrayList<>(infos(page.servers())), page.total(), offset));
        });
    }

    public Stage listGroups()
    {
        return Stage.named("listGroups", call -> call.setReply(new GroupsReply(new ArrayList<>(catalog.inventory().groups().stream()
                .map(InventoryStages::group).toList()))));
    }

    public Stage export()
    {
        return Stage.named("exportInventory", call -> {
            List<InventoryCsv.Entry> entries = InventoryCsv.entries(catalog.inventory());
            call.setReply(new InventoryExportReply(InventoryCsv.format(entries), entries.size()));
            call.setDetail("exported " + entries.size() + " servers");
        });
    }

    // ---- changes ---------------------------------------------------------------------------------

    public Stage changeCategory()
    {
        return Stage.named("changeCategory", call -> {
            CategoryChangeRequest request = call.request(CategoryChangeRequest.class);
            if (request.getAction() == null) {
                throw invalid("no action given; use one of CREATE_FUNCTION, RENAME_FUNCTION, DELETE_FUNCTION, CREATE_APP, RENAME_APP, DELETE_APP");
            }
            InventoryRepository inventory = catalog.inventory();
            String name = request.getName();
            switch (request.getAction()) {
                case CREATE_FUNCTION -> {
                    checkName(name, InventoryRules.MAX_FUNCTION_CATEGORY_NAME, "function category name");
                    Optional<FunctionCategory> taken = inventory.functionCategories().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
                    if (taken.isPresent()) {
                        throw new Refusal(ErrorCode.INVALID_REQUEST, "there is already a function category named '" + taken.get().name() + "' (id "
                                + taken.get().id() + "); choose another name");
                    }
                    int id = inventory(() -> inventory.addFunctionCategory(name));
                    call.setReply(new CategoryChangeReply(id, name));
                    call.setDetail("created function category " + id + " '" + name + "'");
                }
                case CREATE_APP -> {
                    checkName(name, InventoryRules.MAX_APP_CATEGORY_NAME, "application category name");
                    int parent = request.isSetFunctionCategoryId() ? request.getFunctionCategoryId() : 0;
                    FunctionCategory function = inventory.functionCategories().stream().filter(c -> c.id() == parent).findFirst()
                            .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "there is no function category with id " + parent
                                    + "; give the functionCategoryId of an existing one"));
                    Optional<AppCategory> taken = inventory.appCategories().stream()
                            .filter(c -> c.functionCategoryId() == parent && c.name().equalsIgnoreCase(name)).findFirst();
                    if (taken.isPresent()) {
                        throw invalid("there is already an application category named '" + taken.get().name() + "' (id " + taken.get().id()
                                + ") in " + function.name() + "; choose another name");
                    }
                    int id = inventory(() -> inventory.addAppCategory(parent, name));
                    call.setReply(new CategoryChangeReply(id, name));
                    call.setDetail("created application category " + id + " '" + name + "' in " + function.name());
                }
                case RENAME_FUNCTION, RENAME_APP -> {
                    boolean function = request.getAction() == org.omserver.protocol.thrift.CategoryAction.RENAME_FUNCTION;
                    checkName(name, function ? InventoryRules.MAX_FUNCTION_CATEGORY_NAME : InventoryRules.MAX_APP_CATEGORY_NAME, "category name");
                    int id = requireId(request);
                    String before = categoryName(function, id);
                    inventory(() -> {
                        if (function) {
                            inventory.renameFunctionCategory(id, name);
                        }
                        else {
                            inventory.renameAppCategory(id, name);
                        }
                        return null;
                    });
                    call.setReply(new CategoryChangeReply(id, name));
                    call.setDetail("renamed " + (function ? "function" : "application") + " category " + id + " from '" + before + "' to '" + name + "'");
                }
                case DELETE_FUNCTION -> {
                    int id = requireId(request);
                    String before = categoryName(true, id);
                    int grants = inventory(() -> inventory.deleteFunctionCategory(id));
                    call.setReply(new CategoryChangeReply(id, before).setGrantsRemoved(grants));
                    call.setDetail("deleted function category " + id + " '" + before + "'" + (grants > 0 ? "; removed " + grants + " operator grants of it" : ""));
                }
                case DELETE_APP -> {
                    int id = requireId(request);
                    String before = categoryName(false, id);
                    inventory(() -> {
                        inventory.deleteAppCategory(id);
                        return null;
                    });
                    call.setReply(new CategoryChangeReply(id, before));
                    call.setDetail("deleted application category " + id + " '" + before + "'");
                }
                default -> throw new IllegalStateException("unhandled action " + request.getAction());
            }
        });
    }

    public Stage changeServer()
    {
        return Stage.named("changeServer", call -> {
            ServerChangeRequest request = call.request(ServerChangeRequest.class);
            if (request.getAction() == null) {
                throw invalid("no action given; use one of CREATE, UPDATE, MOVE, DELETE");
            }
            String lanIp = request.getLanIp();
            InventoryRepository inventory = catalog.inventory();
            switch (request.getAction()) {
                case CREATE, UPDATE -> {
                    if (!request.isSetFields()) {
                        throw invalid("give the server's fields (name, backend, appCategoryId, ...)");
                    }
                    Optional<Server> before = inventory.findByLanIps(List.of(lanIp)).stream().findFirst();
                    Server server = server(lanIp, request.getFields(), before.flatMap(Server::os));
                    if (request.getAction() == org.omserver.protocol.thrift.ServerAction.CREATE) {
                        inventory(() -> {
                            inventory.createServer(server);
                            return null;
                        });
                        call.setDetail("created server " + lanIp + " '" + server.name() + "'");
                    }
                    else {
                        inventory(() -> {
                            inventory.updateServer(server);
                            return null;
                        });
                        call.setDetail("updated server " + lanIp + ": " + changes(before.orElseThrow(), server));
                    }
                }
                case MOVE -> {
                    int to = request.isSetAppCategoryId() ? request.getAppCategoryId() : 0;
                    Server before = existing(lanIp);
                    inventory(() -> {
                        inventory.moveServer(lanIp, to);
                        return null;
                    });
                    call.setDetail("moved server " + lanIp + " from application category " + before.appCategoryId() + " to " + to);
                }
                case DELETE -> {
                    Server before = existing(lanIp);
                    inventory(() -> {
                        inventory.deleteServer(lanIp);
                        return null;
                    });
                    call.setReply(new ServerChangeReply(infos(List.of(before)).getFirst()));
                    call.setDetail("deleted server " + lanIp + " '" + before.name() + "'");
                    return;
                }
                default -> throw new IllegalStateException("unhandled action " + request.getAction());
            }
            call.setReply(new ServerChangeReply(infos(List.of(existing(lanIp))).getFirst()));
        });
    }

    public Stage changeGroup()
    {
        return Stage.named("changeGroup", call -> {
            GroupChangeRequest request = call.request(GroupChangeRequest.class);
            if (request.getAction() == null) {
                throw invalid("no action given; use one of CREATE, RENAME, DELETE, ADD_MEMBERS, REMOVE_MEMBERS");
            }
            InventoryRepository inventory = catalog.inventory();
            String name = request.getName();
            ServerGroup group = switch (request.getAction()) {
                case CREATE -> {
                    inventory(() -> inventory.createGroup(name, call.requirePrincipal().username()));
                    call.setDetail("created group " + name);
                    yield inventory.group(name).orElseThrow();
                }
                case RENAME -> {
                    String newName = request.getNewName();
                    inventory(() -> {
                        inventory.renameGroup(name, newName);
                        return null;
                    });
                    call.setDetail("renamed group " + name + " to " + newName);
                    yield inventory.group(newName).orElseThrow();
                }
                case DELETE -> {
                    ServerGroup before = inventory(() -> inventory.group(name).orElseThrow(() -> new InventoryException(InventoryException.Reason.NOT_FOUND,
                            "there is no group named " + InventoryRules.shown(name) + "; list the groups with 'omserver inventory groups'")));
                    inventory(() -> {
                        inventory.deleteGroup(name);
                        return null;
                    });
                    call.setDetail("deleted group " + name + " (" + before.members().size() + " members; the servers stay)");
                    yield before;
                }
                case ADD_MEMBERS, REMOVE_MEMBERS -> {
                    boolean remove = request.getAction() == org.omserver.protocol.thrift.GroupAction.REMOVE_MEMBERS;
                    List<String> lanIps = request.isSetLanIps() ? request.getLanIps() : List.of();
                    if (lanIps.isEmpty() || lanIps.size() > 10_000) {
                        throw invalid("give 1 to 10000 LAN IPs to " + (remove ? "remove from" : "add to") + " the group");
                    }
                    ServerGroup after = inventory(() -> inventory.changeMembers(name, lanIps, remove));
                    call.setDetail((remove ? "removed " : "added ") + lanIps.size() + " servers " + (remove ? "from" : "to") + " group " + name
                            + " (now " + after.members().size() + " members)");
                    yield after;
                }
                default -> throw new IllegalStateException("unhandled action " + request.getAction());
            };
            call.setReply(new GroupChangeReply(group(group)));
        });
    }

    /**
     * All rows or none: every row is checked first (each problem with its row and column); with problems, or for a dry
     * run, nothing changes. A real import with problems is refused (INVALID_REQUEST, one problem per line).
     */
    public Stage importCsv()
    {
        return Stage.named("importInventory", call -> {
            InventoryImportRequest request = call.request(InventoryImportRequest.class);
            InventoryCsv.Parsed parsed = InventoryCsv.parse(request.getCsv());
            List<ImportProblem> problems = parsed.problems().stream().map(p -> new ImportProblem(p.row(), p.column(), p.message())).toList();
            boolean dryRun = request.isDryRun();
            if (!problems.isEmpty()) {
                if (dryRun) {
                    call.setReply(new InventoryImportReply(false, parsed.rows().size(), 0, 0, 0, 0, new ArrayList<>(problems)));
                    call.setDetail("dry run: " + problems.size() + " problems in " + parsed.rowCount() + " rows");
                    return;
                }
                throw invalid("nothing was imported: " + problems.size() + " problems in " + parsed.rowCount() + " rows; fix them and import again:\n"
                        + problems.stream().limit(SHOWN_PROBLEMS).map(p -> "row " + p.getRow() + ", column " + p.getColumn() + ": " + p.getMessage())
                                .collect(Collectors.joining("\n"))
                        + (problems.size() > SHOWN_PROBLEMS ? "\nand " + (problems.size() - SHOWN_PROBLEMS) + " more" : ""));
            }
            if (dryRun) {
                call.setReply(new InventoryImportReply(false, parsed.rows().size(), 0, 0, 0, 0, new ArrayList<>()));
                call.setDetail("dry run: " + parsed.rows().size() + " rows, no problems");
                return;
            }
            InventoryRepository.ImportCounts counts = inventory(() -> catalog.inventory().importRows(parsed.rows(), call.requirePrincipal().username()));
            call.setReply(new InventoryImportReply(true, parsed.rows().size(), counts.created(), counts.updated(), counts.categoriesCreated(),
                    counts.groupsCreated(), new ArrayList<>()));
            call.setDetail("imported " + parsed.rows().size() + " rows: " + counts.created() + " servers created, " + counts.updated() + " updated, "
                    + counts.categoriesCreated() + " categories and " + counts.groupsCreated() + " groups created");
        });
    }

    // ---- IOMS servertype=NAME ----------------------------------------------------------------------

    /**
     * Resolves the request's server type in the master: the group of that exact name, else the application category of
     * that exact name; of its servers only those whose agent is online now (last heartbeat within agents.online-window)
     * become the targets. Explicit targets (serverip=) are left to resolveTargets, which runs them whatever their state.
     */
    public Stage resolveServerType()
    {
        return Stage.named("resolveServerType", call -> {
            Optional<String> serverType = call.serverType();
            if (serverType.isEmpty()) {
                return;
            }
            String name = serverType.get();
            if (!call.requestedTargets().isEmpty()) {
                throw invalid("give the targets either as hosts or as a server type, not both");
            }
            if (name.isEmpty() || name.length() > InventoryRules.MAX_APP_CATEGORY_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
                throw invalid("a server type is the name of a server group (or an application category), 1 to 128 characters");
            }
            List<String> members = catalog.inventory().group(name).map(ServerGroup::members).orElse(null);
            String kind = "group";
            if (members == null) {
                List<Integer> apps = catalog.inventory().appCategories().stream().filter(c -> c.name().equals(name)).map(AppCategory::id).toList();
                if (apps.isEmpty()) {
                    throw new Refusal(ErrorCode.NOT_FOUND, "servertype " + InventoryRules.shown(name) + " is neither a server group nor an application "
                            + "category; list the groups with 'omserver inventory groups'");
                }
                kind = "application category";
                members = catalog.inventory().servers().stream().filter(s -> apps.contains(s.appCategoryId())).map(Server::lanIp).toList();
            }
            if (members.isEmpty()) {
                throw invalid("servertype " + name + " (" + kind + ") has no servers; add servers to it first");
            }
            Map<String, AgentRecord> active = activeAgents();
            Instant now = clock.instant();
            List<String> online = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (String lanIp : members) {
                AgentRecord agent = active.get(lanIp);
                if (agent != null && agent.online(now, onlineWindow)) {
                    online.add(lanIp);
                }
                else {
                    skipped.add(lanIp + (agent == null ? " (no agent)" : " (offline)"));
                }
            }
            if (online.isEmpty()) {
                throw invalid("no host of servertype " + name + " (" + kind + ") has its agent online: " + String.join(", ", skipped.stream().limit(20).toList())
                        + "; start their agents, or name hosts with serverip= to run on them whatever their state");
            }
            call.setRequestedTargets(online);
            call.setDetail("servertype " + name + " (" + kind + "): " + online.size() + " online of " + members.size()
                    + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped.stream().limit(20).toList())));
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Server server(String lanIp, ServerFields fields, Optional<String> os)
            throws Refusal
    {
        List<Problem> problems = new ArrayList<>();
        Optional<Server> server = InventoryRules.server(lanIp, fields.getName(), Optional.ofNullable(fields.getWanIp()),
                fields.isSetSshPort() ? fields.getSshPort() : 22, Optional.ofNullable(fields.getSshUser()), fields.getBackend(),
                fields.isSetTags() ? fields.getTags() : List.of(), fields.getAppCategoryId(), os, problems);
        refuse(problems, "invalid server " + InventoryRules.shown(lanIp == null ? "" : lanIp));
        return server.orElseThrow();
    }

    private Server existing(String lanIp)
            throws Refusal
    {
        return catalog.inventory().findByLanIps(List.of(lanIp)).stream().findFirst().orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                "there is no server with LAN IP " + InventoryRules.shown(lanIp) + " in the inventory; search for it with 'omserver inventory search'"));
    }

    private static String changes(Server before, Server after)
    {
        List<String> changed = new ArrayList<>();
        diff(changed, "name", before.name(), after.name());
        diff(changed, "wanIp", before.wanIp().orElse(""), after.wanIp().orElse(""));
        diff(changed, "sshPort", String.valueOf(before.sshPort()), String.valueOf(after.sshPort()));
        diff(changed, "sshUser", before.sshUser().orElse(""), after.sshUser().orElse(""));
        diff(changed, "backend", before.backend().orElse("any"), after.backend().orElse("any"));
        diff(changed, "tags", String.join(" ", before.tags()), String.join(" ", after.tags()));
        diff(changed, "appCategory", String.valueOf(before.appCategoryId()), String.valueOf(after.appCategoryId()));
        return changed.isEmpty() ? "no change" : String.join(", ", changed);
    }

    private static void diff(List<String> changed, String field, String before, String after)
    {
        if (!before.equals(after)) {
            changed.add(field + " '" + before + "' -> '" + after + "'");
        }
    }

    private Map<String, List<String>> groupsByServer()
    {
        Map<String, List<String>> byServer = new HashMap<>();
        for (ServerGroup group : catalog.inventory().groups()) {
            for (String member : group.members()) {
                byServer.computeIfAbsent(member, ip -> new ArrayList<>()).add(group.name());
            }
        }
        return byServer;
    }

    private Map<String, AgentRecord> activeAgents()
    {
        return catalog.agents().agents().stream().filter(agent -> !agent.revoked())
                .collect(Collectors.toMap(AgentRecord::address, Function.identity(), (a, b) -> b, LinkedHashMap::new));
    }

    private List<ServerInfo> infos(List<Server> servers)
    {
        Map<String, AgentRecord> active = activeAgents();
        Map<String, List<String>> groups = groupsByServer();
        Instant now = clock.instant();
        List<ServerInfo> out = new ArrayList<>();
        for (Server server : servers) {
            ServerInfo info = info(server, defaultBackend);
            info.setGroups(new ArrayList<>(groups.getOrDefault(server.lanIp(), List.of())));
            AgentRecord agent = active.get(server.lanIp());
            if (agent != null) {
                info.setAgentOnline(agent.online(now, onlineWindow));
                agent.lastHeartbeat().ifPresent(at -> info.setAgentLastHeartbeatMillis(at.toEpochMilli()));
            }
            else if (info.getBackend().equals("agent")) {
                info.setAgentOnline(false);
            }
            out.add(info);
        }
        return out;
    }

    /** The server as the RPCs show it: the backend that would run it, and the inventory's own fields. */
    public static ServerInfo info(Server server, String defaultBackend)
    {
        ServerInfo out = new ServerInfo(server.lanIp(), server.name(), server.appCategoryId(), server.backend().orElse(defaultBackend));
        server.wanIp().ifPresent(out::setWanIp);
        server.os().ifPresent(out::setOs);
        out.setSshPort(server.sshPort());
        server.sshUser().ifPresent(out::setSshUser);
        out.setPreferredBackend(server.backend().orElse("any"));
        out.setTags(new ArrayList<>(server.tags()));
        return out;
    }

    private static ServerGroupInfo group(ServerGroup group)
    {
        return new ServerGroupInfo(group.id(), group.name(), new ArrayList<>(group.members()));
    }

    private String categoryName(boolean function, int id)
            throws Refusal
    {
        Optional<String> name = function
                ? catalog.inventory().functionCategories().stream().filter(c -> c.id() == id).map(FunctionCategory::name).findFirst()
                : catalog.inventory().appCategories().stream().filter(c -> c.id() == id).map(AppCategory::name).findFirst();
        return name.orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "there is no " + (function ? "function" : "application") + " category with id "
                + id + "; list them with 'omserver inventory categories'"));
    }

    private static int requireId(CategoryChangeRequest request)
            throws Refusal
    {
        if (!request.isSetId()) {
            throw invalid("give the id of the category to " + request.getAction().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return request.getId();
    }

    private static void checkName(String name, int max, String what)
            throws Refusal
    {
        List<Problem> problems = new ArrayList<>();
        InventoryRules.text("name", name, max, problems);
        refuse(problems, "invalid " + what);
    }

    private static void refuse(List<Problem> problems, String what)
            throws Refusal
    {
        if (!problems.isEmpty()) {
            throw invalid(what + ": " + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        }
    }

    private static Refusal invalid(String message)
    {
        return new Refusal(ErrorCode.INVALID_REQUEST, message);
    }

    /** Runs a repository change, turning its refusal into the RPC's. */
    private static <T> T inventory(InventoryWork<T> work)
            throws Refusal
    {
        try {
            return work.run();
        }
        catch (InventoryException e) {
            throw new Refusal(switch (e.reason()) {
                case NOT_FOUND -> ErrorCode.NOT_FOUND;
                case CONFLICT, INVALID -> ErrorCode.INVALID_REQUEST;
            }, e.getMessage());
        }
    }

    @FunctionalInterface
    private interface InventoryWork<T>
    {
        T run()
                throws Refusal;
    }
}
