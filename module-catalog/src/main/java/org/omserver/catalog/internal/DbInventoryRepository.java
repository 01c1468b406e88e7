package org.omserver.catalog.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

import org.omserver.catalog.internal.Mappers.InventoryMapper;
import org.omserver.catalog.internal.Rows.CategoryRow;
import org.omserver.catalog.internal.Rows.ServerRow;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.inventory.InventoryRepository;
import org.omserver.catalog.inventory.InventoryException;
import org.omserver.catalog.inventory.InventoryException.Reason;
import org.omserver.catalog.inventory.InventoryRules;
import org.omserver.catalog.inventory.InventoryRules.Problem;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.inventory.ServerGroup;
import org.omserver.catalog.inventory.ServerPage;
import org.omserver.catalog.inventory.ServerQuery;
import org.omserver.catalog.internal.Rows.GroupRow;
import org.omserver.catalog.internal.Rows.MemberRow;

import static java.util.Objects.requireNonNull;

public final class DbInventoryRepository
        implements InventoryRepository
{
    /** Keeps each IN (...) list well under any driver's parameter limit. */
    private static final int BATCH = 500;

    private final Db db;
    private final Clock clock;

    DbInventoryRepository(Db db, Clock clock)
    {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public List<FunctionCategory> functionCategories()
    {
        return db.call(InventoryMapper.class, InventoryMapper::functionCategories).stream()
                .map(row -> new FunctionCategory(row.id, nullToEmpty(row.name)))
                .toList();
    }

    @Override
    public List<AppCategory> appCategories()
    {
        return db.call(InventoryMapper.class, InventoryMapper::appCategories).stream()
                .map(row -> new AppCategory(row.id, row.parentId, nullToEmpty(row.name)))
                .toList();
    }

    @Override
    public List<Server> servers()
    {
        return db.call(InventoryMapper.class, InventoryMapper::servers).stream().map(DbInventoryRepository::toServer).toList();
    }

    @Override
    public List<Server> findByLanIps(Collection<String> lanIps)
    {
        Set<String> wanted = Set.copyOf(requireNonNull(lanIps, "lanIps is null"));
        List<String> all = List.copyOf(wanted);
        List<Server> found = new ArrayList<>();
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            db.call(InventoryMapper.class, mapper -> mapper.findByLanIps(batch)).stream()
                    // MySQL's default collation ignores case and trailing spaces; the match must be exact
                    .filter(row -> wanted.contains(row.serverLip))
                    .map(DbInventoryRepository::toServer)
                    .forEach(found::add);
        }
        return found;
    }

    @Override
    public int addFunctionCategory(String name)
    {
        CategoryRow row = new CategoryRow();
        row.name = checkName(name, 64, "function category name");
        db.call(InventoryMapper.class, mapper -> {
            mapper.insertFunctionCategory(row);
            return null;
        });
        return row.id;
    }

    @Override
    public int addAppCategory(int functionCategoryId, String name)
    {
        if (functionCategories().stream().noneMatch(category -> category.id() == functionCategoryId)) {
            throw new IllegalArgumentException("there is no function category with id " + functionCategoryId + "; add it first");
        }
        CategoryRow row = new CategoryRow();
        row.parentId = functionCategoryId;
        row.name = checkName(name, 128, "application category name");
        db.call(InventoryMapper.class, mapper -> {
            mapper.insertAppCategory(row);
            return null;
        });
        return row.id;
    }

    @Override
    public void putServer(Server server)
    {
        requireNonNull(server, "server is null");
        ServerRow row = new ServerRow();
        row.serverLip = checkName(server.lanIp(), 45, "LAN IP");
        row.serverName = checkName(server.name(), 64, "server name");
        row.serverWip = server.wanIp().orElse(null);
        row.serverOp = server.os().orElse(null);
        row.serverAppId = server.appCategoryId();
        row.backend = server.backend().orElse(null);
        row.sshPort = server.sshPort();
        row.sshUser = server.sshUser().orElse(null);
        row.tags = tagsColumn(server.tags());
        if (row.sshPort < 1 || row.sshPort > 65535) {
            throw new IllegalArgumentException("SSH port of " + row.serverLip + " must be 1 to 65535, was " + row.sshPort);
        }
        db.call(InventoryMapper.class, mapper -> {
            mapper.putServer(row);
            return null;
        });
    }

    // ---- management (issue 4) ------------------------------------------------------------------

    @Override
    public void renameFunctionCategory(int id, String name)
    {
        List<Problem> problems = new ArrayList<>();
        InventoryRules.text("name", name, InventoryRules.MAX_FUNCTION_CATEGORY_NAME, problems);
        InventoryRules.refuseIfAny("invalid function category name", problems);
        FunctionCategory category = functionCategory(id);
        functionCategories().stream().filter(other -> other.id() != id && other.name().equalsIgnoreCase(name)).findFirst().ifPresent(other -> {
            throw new InventoryException(Reason.CONFLICT, "there is already a function category named '" + other.name() + "' (id " + other.id()
                    + "); choose another name");
        });
        db.call(InventoryAdminMapper.class, mapper -> mapper.renameFunctionCategory(category.id(), name));
    }

    @Override
    public void renameAppCategory(int id, String name)
    {
        List<Problem> problems = new ArrayList<>();
        InventoryRules.text("name", name, InventoryRules.MAX_APP_CATEGORY_NAME, problems);
        InventoryRules.refuseIfAny("invalid application category name", problems);
        AppCategory category = appCategory(id);
        checkAppNameFree(category.functionCategoryId(), id, name);
        db.call(InventoryAdminMapper.class, mapper -> mapper.renameAppCategory(category.id(), name));
    }

    @Override
    public int deleteFunctionCategory(int id)
    {
        FunctionCategory category = functionCategory(id);
        return db.transaction(InventoryAdminMapper.class, mapper -> {
            if (mapper.lockFunctionCategory(id) == 0) {
                throw notFound("function category", id);
            }
            List<String> children = mapper.appCategoriesOf(id);
            if (!children.isEmpty()) {
                throw new InventoryException(Reason.CONFLICT, "the function category '" + category.name() + "' still holds " + children.size()
                        + " application categories (" + listed(children) + "); delete or empty them first, then delete the function category");
            }
            int grants = mapper.deleteGrantsOf(id);
            mapper.deleteFunctionCategory(id);
            return grants;
        });
    }

    @Override
    public void deleteAppCategory(int id)
    {
        AppCategory category = appCategory(id);
        db.transaction(InventoryAdminMapper.class, mapper -> {
            if (mapper.lockAppCategory(id) == 0) {
                throw notFound("application category", id);
            }
            List<String> servers = mapper.serversIn(id);
            if (!servers.isEmpty()) {
                throw new InventoryException(Reason.CONFLICT, "the application category '" + category.name() + "' still holds " + servers.size()
                        + " servers (" + listed(servers) + "); move them to another category (omserver inventory move) or remove them first");
            }
            return mapper.deleteAppCategory(id);
        });
    }

    @Override
    public void createServer(Server server)
    {
        check(server);
        db.transaction(InventoryAdminMapper.class, mapper -> {
            if (!mapper.lockServer(server.lanIp()).isEmpty()) {
                throw new InventoryException(Reason.CONFLICT, "a server with LAN IP " + server.lanIp() + " is already in the inventory; edit it instead");
            }
            mapper.insertServer(row(server));
            return null;
        });
    }

    @Override
    public void updateServer(Server server)
    {
        check(server);
        db.transaction(InventoryAdminMapper.class, mapper -> {
            if (mapper.lockServer(server.lanIp()).isEmpty()) {
                throw serverNotFound(server.lanIp());
            }
            return mapper.updateServer(row(server));
        });
    }

    @Override
    public void moveServer(String lanIp, int appCategoryId)
    {
        appCategory(appCategoryId);
        if (db.call(InventoryAdminMapper.class, mapper -> mapper.moveServer(lanIp, appCategoryId)) == 0) {
            throw serverNotFound(lanIp);
        }
    }

    @Override
    public void deleteServer(String lanIp)
    {
        db.transaction(InventoryAdminMapper.class, mapper -> {
            if (mapper.deleteServer(lanIp) == 0) {
                throw serverNotFound(lanIp);
            }
            return mapper.deleteMembershipsOf(lanIp);
        });
    }

    @Override
    public void agentHost(String lanIp, String name, Optional<String> wanIp, String os, IntSupplier unassigned)
    {
        ServerRow row = new ServerRow();
        row.serverLip = checkName(lanIp, 45, "LAN IP");
        row.serverName = checkName(Db.cap(name, InventoryRules.MAX_SERVER_NAME), InventoryRules.MAX_SERVER_NAME, "server name");
        row.serverWip = wanIp.filter(ip -> ip.length() <= 45).orElse(null);
        row.serverOp = Db.cap(os, 32);
        if (db.call(InventoryAdminMapper.class, mapper -> mapper.updateAgentHost(row)) == 0) {
            row.serverAppId = unassigned.getAsInt();
            if (db.call(InventoryAdminMapper.class, mapper -> mapper.insertAgentHost(row)) == 0) {
                // another announce inserted it meanwhile
                db.call(InventoryAdminMapper.class, mapper -> mapper.updateAgentHost(row));
            }
        }
    }

    @Override
    public ServerPage search(ServerQuery query)
    {
        String like = query.text().filter(text -> !text.isEmpty())
                .map(text -> "%" + likeEscaped(text.toLowerCase(Locale.ROOT)) + "%").orElse(null);
        String tag = query.tag().map(value -> "%," + likeEscaped(value.toLowerCase(Locale.ROOT)) + ",%").orElse(null);
        Integer app = query.appCategoryId().isPresent() ? query.appCategoryId().getAsInt() : null;
        String group = query.group().orElse(null);
        return db.call(InventoryAdminMapper.class, mapper -> {
            List<Server> page = mapper.search(like, tag, app, group, query.offset(), query.limit()).stream()
                    .map(DbInventoryRepository::toServer).toList();
            return new ServerPage(page, mapper.count(like, tag, app, group));
        });
    }

    @Override
    public List<ServerGroup> groups()
    {
        return db.call(InventoryAdminMapper.class, mapper -> {
            Map<Integer, List<String>> members = new HashMap<>();
            for (MemberRow member : mapper.members()) {
                members.computeIfAbsent(member.groupId, id -> new ArrayList<>()).add(member.serverLip);
            }
            return mapper.groups().stream().map(row -> new ServerGroup(row.id, row.groupName, members.getOrDefault(row.id, List.of()))).toList();
        });
    }

    @Override
    public Optional<ServerGroup> group(String name)
    {
        return db.call(InventoryAdminMapper.class, mapper -> mapper.groupsNamed(name).stream()
                // the column's collation ignores case; a group is named exactly
                .filter(row -> row.groupName.equals(name))
                .findFirst()
                .map(row -> new ServerGroup(row.id, row.groupName, mapper.membersOf(row.id))));
    }

    @Override
    public int createGroup(String name, String actor)
    {
        List<Problem> problems = new ArrayList<>();
        InventoryRules.groupName(name, problems);
        InventoryRules.refuseIfAny("invalid group name", problems);
        checkGroupNameFree(name, -1);
        GroupRow row = new GroupRow();
        row.groupName = name;
        db.call(InventoryAdminMapper.class, mapper -> {
            mapper.insertGroup(row, Db.utc(clock.instant()), actor);
            return null;
        });
        return row.id;
    }

    @Override
    public void renameGroup(String name, String newName)
    {
        List<Problem> problems = new ArrayList<>();
        InventoryRules.groupName(newName, problems);
        InventoryRules.refuseIfAny("invalid group name", problems);
        ServerGroup group = existingGroup(name);
        checkGroupNameFree(newName, group.id());
        db.call(InventoryAdminMapper.class, mapper -> mapper.renameGroup(group.id(), newName));
    }

    @Override
    public void deleteGroup(String name)
    {
        ServerGroup group = existingGroup(name);
        db.call(InventoryAdminMapper.class, mapper -> mapper.deleteGroup(group.id()));
    }

    @Override
    public ServerGroup changeMembers(String name, Collection<String> lanIps, boolean remove)
    {
        ServerGroup group = existingGroup(name);
        Set<String> wanted = new LinkedHashSet<>(lanIps);
        if (!remove) {
            Set<String> known = new HashSet<>(findByLanIps(wanted).stream().map(Server::lanIp).toList());
            List<String> unknown = wanted.stream().filter(ip -> !known.contains(ip)).toList();
            if (!unknown.isEmpty()) {
                throw new InventoryException(Reason.NOT_FOUND, "not in the inventory: " + listed(unknown.stream().map(InventoryRules::shown).toList())
                        + "; add the servers first, nothing was changed");
            }
        }
        db.transaction(InventoryAdminMapper.class, mapper -> {
            for (String ip : wanted) {
                if (remove) {
                    mapper.removeMember(group.id(), ip);
                }
                else {
                    mapper.addMember(group.id(), ip);
                }
            }
            return null;
        });
        return existingGroup(name);
    }

    @Override
    public ImportCounts importRows(List<ImportRow> rows, String actor)
    {
        return db.transaction(InventoryAdminMapper.class, mapper -> {
            int created = 0;
            int updated = 0;
            int categories = 0;
            int groupsCreated = 0;
            Map<String, Integer> functions = new HashMap<>();
            for (CategoryRow row : mapper.functionCategories()) {
                functions.putIfAbsent(row.name.toLowerCase(Locale.ROOT), row.id);
            }
            Map<String, Integer> apps = new HashMap<>();
            for (CategoryRow row : mapper.appCategories()) {
                apps.putIfAbsent(row.parentId + "/" + row.name.toLowerCase(Locale.ROOT), row.id);
            }
            Map<String, Integer> groups = new HashMap<>();
            for (GroupRow row : mapper.groups()) {
                groups.putIfAbsent(row.groupName.toLowerCase(Locale.ROOT), row.id);
            }
            for (ImportRow row : rows) {
                Integer function = functions.get(row.functionCategory().toLowerCase(Locale.ROOT));
                if (function == null) {
                    CategoryRow insert = new CategoryRow();
                    insert.name = row.functionCategory();
                    mapper.insertFunctionCategory(insert);
                    function = insert.id;
                    functions.put(row.functionCategory().toLowerCase(Locale.ROOT), function);
                    categories++;
                }
                String appKey = function + "/" + row.appCategory().toLowerCase(Locale.ROOT);
                Integer app = apps.get(appKey);
                if (app == null) {
                    CategoryRow insert = new CategoryRow();
                    insert.parentId = function;
                    insert.name = row.appCategory();
                    mapper.insertAppCategory(insert);
                    app = insert.id;
                    apps.put(appKey, app);
                    categories++;
                }
                Server s = row.server();
                ServerRow serverRow = row(new Server(s.lanIp(), s.name(), s.wanIp(), s.os(), app, s.backend(), s.sshPort(), s.sshUser(), s.tags()));
                if (mapper.lockServer(s.lanIp()).isEmpty()) {
                    mapper.insertServer(serverRow);
                    created++;
                }
                else {
                    mapper.updateServer(serverRow);
                    updated++;
                }
                mapper.deleteMembershipsOf(s.lanIp());
                for (String name : row.groups()) {
                    Integer group = groups.get(name.toLowerCase(Locale.ROOT));
                    if (group == null) {
                        GroupRow insert = new GroupRow();
                        insert.groupName = name;
                        mapper.insertGroup(insert, Db.utc(clock.instant()), actor);
                        group = insert.id;
                        groups.put(name.toLowerCase(Locale.ROOT), group);
                        groupsCreated++;
                    }
                    mapper.addMember(group, s.lanIp());
                }
            }
            return new ImportCounts(created, updated, categories, groupsCreated);
        });
    }

    private void check(Server server)
    {
        List<Problem> problems = new ArrayList<>();
        InventoryRules.server(server.lanIp(), server.name(), server.wanIp(), server.sshPort(), server.sshUser(), server.backend().orElse("any"),
                server.tags(), server.appCategoryId(), server.os(), problems);
        InventoryRules.refuseIfAny("invalid server " + InventoryRules.shown(server.lanIp()), problems);
        appCategory(server.appCategoryId());
    }

    private FunctionCategory functionCategory(int id)
    {
        return functionCategories().stream().filter(category -> category.id() == id).findFirst()
                .orElseThrow(() -> notFound("function category", id));
    }

    private AppCategory appCategory(int id)
    {
        return appCategories().stream().filter(category -> category.id() == id).findFirst()
                .orElseThrow(() -> notFound("application category", id));
    }

    void checkAppNameFree(int functionCategoryId, int id, String name)
    {
        appCategories().stream().filter(other -> other.id() != id && other.functionCategoryId() == functionCategoryId && other.name().equalsIgnoreCase(name))
                .findFirst().ifPresent(other -> {
                    throw new InventoryException(Reason.CONFLICT, "there is already an application category named '" + other.name() + "' (id "
                            + other.id() + ") in this function category; choose another name");
                });
    }

    private void checkGroupNameFree(String name, int id)
    {
        groups().stream().filter(other -> other.id() != id && other.name().equalsIgnoreCase(name)).findFirst().ifPresent(other -> {
            throw new InventoryException(Reason.CONFLICT, "there is already a group named '" + other.name() + "'; choose another name");
        });
    }

    private ServerGroup existingGroup(String name)
    {
        return group(name).orElseThrow(() -> new InventoryException(Reason.NOT_FOUND, "there is no group named " + InventoryRules.shown(name)
                + "; list the groups with 'omserver inventory groups'"));
    }

    private static InventoryException notFound(String what, int id)
    {
        return new InventoryException(Reason.NOT_FOUND, "there is no " + what + " with id " + id + "; list them with 'omserver inventory categories'");
    }

    private static InventoryException serverNotFound(String lanIp)
    {
        return new InventoryException(Reason.NOT_FOUND, "there is no server with LAN IP " + InventoryRules.shown(lanIp) + " in the inventory; add it first");
    }

    private static String listed(List<String> values)
    {
        return String.join(", ", values.stream().limit(10).toList()) + (values.size() > 10 ? " and " + (values.size() - 10) + " more" : "");
    }

    private static ServerRow row(Server server)
    {
        ServerRow row = new ServerRow();
        row.serverLip = server.lanIp();
        row.serverName = server.name();
        row.serverWip = server.wanIp().orElse(null);
        row.serverOp = server.os().orElse(null);
        row.serverAppId = server.appCategoryId();
        row.backend = server.backend().orElse(null);
        row.sshPort = server.sshPort();
        row.sshUser = server.sshUser().orElse(null);
        row.tags = tagsColumn(server.tags());
        return row;
    }

    private static String likeEscaped(String text)
    {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static String tagsColumn(List<String> tags)
    {
        return tags.isEmpty() ? null : String.join(",", tags);
    }

    private static Server toServer(ServerRow row)
    {
        return new Server(row.serverLip, nullToEmpty(row.serverName), Optional.ofNullable(row.serverWip),
                Optional.ofNullable(row.serverOp), row.serverAppId == null ? 0 : row.serverAppId,
                Optional.ofNullable(row.backend), row.sshPort, Optional.ofNullable(row.sshUser),
                row.tags == null || row.tags.isEmpty() ? List.of() : List.of(row.tags.split(",")));
    }

    private static String checkName(String value, int maxLength, String what)
    {
        requireNonNull(value, what + " is null");
        if (value.isBlank() || value.length() > maxLength || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must be 1 to " + maxLength + " characters without control characters, was '"
                    + Db.cap(value, 80).replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return value;
    }

    private static String nullToEmpty(String value)
    {
        return value == null ? "" : value;
    }
}
