package org.omserver.gateway.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.AppCategory;
import org.omserver.protocol.thrift.CategoryAction;
import org.omserver.protocol.thrift.CategoryChangeRequest;
import org.omserver.protocol.thrift.FunctionCategory;
import org.omserver.protocol.thrift.GroupAction;
import org.omserver.protocol.thrift.GroupChangeRequest;
import org.omserver.protocol.thrift.ImportProblem;
import org.omserver.protocol.thrift.InventoryImportReply;
import org.omserver.protocol.thrift.InventoryImportRequest;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.ServerAction;
import org.omserver.protocol.thrift.ServerChangeRequest;
import org.omserver.protocol.thrift.ServerFields;
import org.omserver.protocol.thrift.ServerGroupInfo;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.ServerSearchReply;
import org.omserver.protocol.thrift.ServerSearchRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code /inventory}: search and list servers with their online state, the edit form, categories, server groups, CSV
 * import (with the per-row report) and export. GET shows (every role); every POST changes something and goes through
 * the CSRF filter; the master decides (admin) and checks every value, the page only hides the forms from other
 * roles. The import form is multipart with the form token in the query string, as on /files.
 */
final class InventoryServlet
        extends GatewayServlet
{
    static final int PAGE = 50;
    /** The CSV import's cap, as the master's (5 MiB). */
    static final long MAX_CSV_BYTES = 5L * 1024 * 1024;

    InventoryServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        switch (path) {
            case "", "/" -> page(request, response, user.get(), notice(request), List.of());
            case "/edit", "/new" -> {
                String ip = request.getParameter("ip");
                ServerInfo server = path.equals("/edit") && ip != null ? find(user.get(), ip) : null;
                if (path.equals("/edit") && server == null) {
                    web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no server with that LAN IP in the inventory.");
                    return;
                }
                edit(request, response, user.get(), server == null ? null : form(server), server != null, null);
            }
            case "/export.csv" -> {
                String csv = web.master().inventoryExport(user.get().masterToken()).getCsv();
                response.setStatus(HttpServletResponse.SC_OK);
                response.setContentType("text/csv; charset=utf-8");
                response.setHeader("Content-Disposition", "attachment; filename=\"inventory.csv\"");
                response.setHeader("Cache-Control", "no-store");
                response.getOutputStream().write(csv.getBytes(UTF_8));
            }
            default -> web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such inventory page.");
        }
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        String token = user.get().masterToken();
        String address = request.getRemoteAddr();
        String action = request.getPathInfo() == null ? "" : request.getPathInfo();
        switch (action) {
            case "/save" -> save(request, response, user.get(), address);
            case "/remove" -> {
                String ip = field(request, "ip");
                if (!ip.equals(field(request, "confirm"))) {
                    web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Not removed",
                            "To remove " + ip + ", type its LAN IP again in the confirmation field.");
                    return;
                }
                web.master().serverChange(new ServerChangeRequest(token, ServerAction.DELETE, ip).setClientAddress(address));
                done(response, "Removed " + ip + ".");
            }
            case "/category/add" -> {
                String parent = field(request, "functionCategoryId");
                CategoryChangeRequest change = parent.isEmpty() ? new CategoryChangeRequest(token, CategoryAction.CREATE_FUNCTION)
                        : new CategoryChangeRequest(token, CategoryAction.CREATE_APP).setFunctionCategoryId(number(parent));
                web.master().categoryChange(change.setName(field(request, "name")).setClientAddress(address));
                done(response, "Added category " + field(request, "name") + ".");
            }
            case "/category/rename", "/category/delete" -> {
                boolean app = field(request, "kind").equals("app");
                boolean rename = action.endsWith("rename");
                CategoryAction what = rename ? (app ? CategoryAction.RENAME_APP : CategoryAction.RENAME_FUNCTION)
                        : (app ? CategoryAction.DELETE_APP : CategoryAction.DELETE_FUNCTION);
                CategoryChangeRequest change = new CategoryChangeRequest(token, what).setId(number(field(request, "id"))).setClientAddress(address);
                if (rename) {
                    change.setName(field(request, "name"));
                }
                web.master().categoryChange(change);
                done(response, (rename ? "Renamed" : "Deleted") + " the category.");
            }
            case "/group/add", "/group/rename", "/group/delete" -> {
                GroupAction what = switch (action) {
                    case "/group/add" -> GroupAction.CREATE;
                    case "/group/rename" -> GroupAction.RENAME;
                    default -> GroupAction.DELETE;
                };
                GroupChangeRequest change = new GroupChangeRequest(token, what, field(request, "name")).setClientAddress(address);
                if (what == GroupAction.RENAME) {
                    change.setNewName(field(request, "newName"));
                }
                web.master().groupChange(change);
                done(response, "Group " + field(request, "name") + ": done.");
            }
            case "/group/members" -> {
                List<String> ips = words(field(request, "lanIps"));
                if (ips.isEmpty()) {
                    web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Nothing changed", "Give the LAN IPs, separated by spaces or commas.");
                    return;
                }
                GroupAction what = field(request, "op").equals("remove") ? GroupAction.REMOVE_MEMBERS : GroupAction.ADD_MEMBERS;
                web.master().groupChange(new GroupChangeRequest(token, what, field(request, "name")).setLanIps(ips).setClientAddress(address));
                done(response, "Group " + field(request, "name") + ": members changed.");
            }
            case "/import" -> importCsv(request, response, user.get(), address);
            default -> web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such action on the inventory.");
        }
    }

    private void save(HttpServletRequest request, HttpServletResponse response, UserSession user, String address)
            throws IOException, MasterException, MasterUnavailableException
    {
        Map<String, String> form = new LinkedHashMap<>();
        for (String name : List.of("lanIp", "name", "wanIp", "sshPort", "sshUser", "backend", "tags", "appCategoryId")) {
            form.put(name, field(request, name));
        }
        boolean existing = field(request, "mode").equals("update");
        int port;
        int category;
        try {
            port = form.get("sshPort").isEmpty() ? 22 : Integer.parseInt(form.get("sshPort"));
            category = Integer.parseInt(form.get("appCategoryId"));
        }
        catch (NumberFormatException e) {
            edit(request, response, user, form, existing, "The SSH port and the category must be numbers.");
            return;
        }
        ServerFields fields = new ServerFields(form.get("name"), form.get("backend").isEmpty() ? "any" : form.get("backend"), category)
                .setSshPort(port).setTags(words(form.get("tags")));
        if (!form.get("wanIp").isEmpty()) {
            fields.setWanIp(form.get("wanIp"));
        }
        if (!form.get("sshUser").isEmpty()) {
            fields.setSshUser(form.get("sshUser"));
        }
        try {
            web.master().serverChange(new ServerChangeRequest(user.masterToken(), existing ? ServerAction.UPDATE : ServerAction.CREATE, form.get("lanIp"))
                    .setFields(fields).setClientAddress(address));
        }
        catch (MasterException e) {
            if (e.code() == org.omserver.protocol.thrift.ErrorCode.INVALID_REQUEST || e.code() == org.omserver.protocol.thrift.ErrorCode.NOT_FOUND) {
                // the master's problems, with the input kept
                edit(request, response, user, form, existing, e.getMessage());
                return;
            }
            throw e;
        }
        done(response, (existing ? "Saved " : "Added ") + form.get("lanIp") + ".");
    }

    private void importCsv(HttpServletRequest request, HttpServletResponse response, UserSession user, String address)
            throws IOException, MasterException, MasterUnavailableException
    {
        Part part;
        try {
            part = request.getPart("file");
        }
        catch (ServletException | IllegalStateException e) {
            web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Not imported", "Send the form with a CSV file of at most 5 MiB chosen.");
            return;
        }
        if (part == null || part.getSize() == 0) {
            web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Not imported", "Choose a CSV file to import.");
            return;
        }
        if (part.getSize() > MAX_CSV_BYTES) {
            part.delete();
            web.pages().message(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Not imported", "The CSV is larger than 5 MiB; split it.");
            return;
        }
        String csv;
        try (InputStream in = part.getInputStream()) {
            csv = new String(in.readAllBytes(), UTF_8);
        }
        finally {
            part.delete();
        }
        boolean dryRun = field(request, "dryRun").equals("true");
        InventoryImportReply check = web.master().inventoryImport(new InventoryImportRequest(user.masterToken(), csv).setDryRun(true).setClientAddress(address));
        if (!check.getProblems().isEmpty()) {
            List<Map<String, Object>> problems = new ArrayList<>();
            for (ImportProblem problem : check.getProblems()) {
                problems.add(Map.of("row", String.valueOf(problem.getRow()), "column", problem.getColumn(), "message", problem.getMessage()));
            }
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            page(request, response, user, List.of("Nothing was imported: " + problems.size() + " problems. Fix them and import the file again."), problems);
            return;
        }
        if (dryRun) {
            page(request, response, user, List.of(check.getRows() + " rows, no problems (dry run: nothing changed)."), List.of());
            return;
        }
        InventoryImportReply done = web.master().inventoryImport(new InventoryImportRequest(user.masterToken(), csv).setClientAddress(address));
        done(response, "Imported " + done.getRows() + " rows: " + done.getCreated() + " servers created, " + done.getUpdated() + " updated, "
                + done.getCategoriesCreated() + " categories and " + done.getGroupsCreated() + " groups created.");
    }

    private void page(HttpServletRequest request, HttpServletResponse response, UserSession user, List<String> notices, List<Map<String, Object>> problems)
            throws IOException, MasterException, MasterUnavailableException
    {
        String token = user.masterToken();
        ServerSearchRequest search = new ServerSearchRequest(token).setLimit(PAGE);
        String q = trimmed(request.getParameter("q"));
        String tag = trimmed(request.getParameter("tag"));
        String group = trimmed(request.getParameter("group"));
        int offset = 0;
        try {
            offset = request.getParameter("offset") == null ? 0 : Math.max(0, Integer.parseInt(request.getParameter("offset")));
        }
        catch (NumberFormatException e) {
            notices = append(notices, "The offset must be a number; showing the first page.");
        }
        if (!q.isEmpty()) {
            search.setText(q);
        }
        if (!tag.isEmpty()) {
            search.setTag(tag);
        }
        if (!group.isEmpty()) {
            search.setGroup(group);
        }
        search.setOffset(offset);
        InventoryReply inventory = web.master().inventory(token);
        ServerSearchReply found;
        try {
            found = web.master().serverSearch(search);
        }
        catch (MasterException e) {
            if (e.code() != org.omserver.protocol.thrift.ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            notices = append(notices, e.getMessage());
            found = web.master().serverSearch(new ServerSearchRequest(token).setLimit(PAGE));
        }
        Map<Integer, String> categoryNames = categoryNames(inventory);
        List<Map<String, Object>> servers = new ArrayList<>();
        for (ServerInfo server : found.getServers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("lanIp", server.getLanIp());
            row.put("editLink", "/inventory/edit?ip=" + URLEncoder.encode(server.getLanIp(), UTF_8));
            row.put("name", server.getName());
            row.put("state", server.isSetAgentOnline() ? (server.isAgentOnline() ? "online" : "offline") : "-");
            row.put("backend", server.getPreferredBackend());
            row.put("category", categoryNames.getOrDefault(server.getAppCategoryId(), "category " + server.getAppCategoryId()));
            row.put("ssh", (server.isSetSshUser() ? server.getSshUser() + "@" : "") + server.getSshPort());
            row.put("tags", String.join(" ", server.getTags()));
            row.put("groups", server.isSetGroups() ? String.join(" ", server.getGroups()) : "");
            servers.add(row);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("servers", servers);
        model.put("total", String.valueOf(found.getTotal()));
        model.put("from", String.valueOf(found.getServers().isEmpty() ? 0 : found.getOffset() + 1));
        model.put("to", String.valueOf(found.getOffset() + found.getServers().size()));
        String filters = "q=" + URLEncoder.encode(q, UTF_8) + "&tag=" + URLEncoder.encode(tag, UTF_8) + "&group=" + URLEncoder.encode(group, UTF_8);
        model.put("nextLink", found.getOffset() + found.getServers().size() < found.getTotal() ? "/inventory?" + filters + "&offset="
                + (found.getOffset() + found.getServers().size()) : "");
        model.put("q", q);
        model.put("tag", tag);
        model.put("group", group);
        model.put("categories", categoryTree(inventory));
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ServerGroupInfo info : web.master().groups(token).getGroups()) {
            groups.add(Map.of("name", info.getName(), "count", String.valueOf(info.getMembers().size()), "members", String.join(" ", info.getMembers())));
        }
        model.put("groups", groups);
        model.put("notices", notices);
        model.put("problems", problems);
        model.put("canChange", user.role() == Role.ADMIN);
        web.pages().render(request, response, response.getStatus() == 0 ? HttpServletResponse.SC_OK : response.getStatus(), "inventory", model);
    }

    private void edit(HttpServletRequest request, HttpServletResponse response, UserSession user, Map<String, String> form, boolean existing, String problem)
            throws IOException, MasterException, MasterUnavailableException
    {
        InventoryReply inventory = web.master().inventory(user.masterToken());
        Map<String, Object> model = new LinkedHashMap<>();
        Map<String, String> values = new HashMap<>(Map.of("lanIp", "", "name", "", "wanIp", "", "sshPort", "22", "sshUser", "", "backend", "any", "tags", "",
                "appCategoryId", ""));
        if (form != null) {
            values.putAll(form);
        }
        model.put("form", values);
        model.put("existing", existing);
        model.put("problem", problem == null ? "" : problem);
        List<Map<String, Object>> options = new ArrayList<>();
        Map<Integer, String> names = categoryNames(inventory);
        for (AppCategory app : inventory.getAppCategories()) {
            options.add(Map.of("id", String.valueOf(app.getId()), "label", names.get(app.getId())));
        }
        model.put("appCategories", options);
        model.put("canChange", user.role() == Role.ADMIN);
        web.pages().render(request, response, problem == null ? HttpServletResponse.SC_OK : HttpServletResponse.SC_BAD_REQUEST, "inventory-edit", model);
    }

    private ServerInfo find(UserSession user, String lanIp)
            throws MasterException, MasterUnavailableException
    {
        return web.master().serverSearch(new ServerSearchRequest(user.masterToken()).setText(lanIp).setLimit(500)).getServers().stream()
                .filter(server -> server.getLanIp().equals(lanIp)).findFirst().orElse(null);
    }

    private static Map<String, String> form(ServerInfo server)
    {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("lanIp", server.getLanIp());
        form.put("name", server.getName());
        form.put("wanIp", server.isSetWanIp() ? server.getWanIp() : "");
        form.put("sshPort", String.valueOf(server.getSshPort()));
        form.put("sshUser", server.isSetSshUser() ? server.getSshUser() : "");
        form.put("backend", server.getPreferredBackend());
        form.put("tags", String.join(" ", server.getTags()));
        form.put("appCategoryId", String.valueOf(server.getAppCategoryId()));
        return form;
    }

    private static Map<Integer, String> categoryNames(InventoryReply inventory)
    {
        Map<Integer, String> functions = new HashMap<>();
        inventory.getFunctionCategories().forEach(f -> functions.put(f.getId(), f.getName()));
        Map<Integer, String> names = new HashMap<>();
        inventory.getAppCategories().forEach(a -> names.put(a.getId(), functions.getOrDefault(a.getFunctionCategoryId(), "?") + " / " + a.getName()));
        return names;
    }

    private static List<Map<String, Object>> categoryTree(InventoryReply inventory)
    {
        List<Map<String, Object>> tree = new ArrayList<>();
        for (FunctionCategory function : inventory.getFunctionCategories()) {
            List<Map<String, Object>> apps = new ArrayList<>();
            for (AppCategory app : inventory.getAppCategories()) {
                if (app.getFunctionCategoryId() == function.getId()) {
                    long servers = inventory.getServers().stream().filter(s -> s.getAppCategoryId() == app.getId()).count();
                    apps.add(Map.of("id", String.valueOf(app.getId()), "name", app.getName(), "servers", String.valueOf(servers)));
                }
            }
            tree.add(Map.of("id", String.valueOf(function.getId()), "name", function.getName(), "apps", apps));
        }
        return tree;
    }

    private static List<String> notice(HttpServletRequest request)
    {
        String done = request.getParameter("done");
        return done != null && done.length() <= 300 ? List.of(done) : List.of();
    }

    private static List<String> append(List<String> notices, String notice)
    {
        List<String> all = new ArrayList<>(notices);
        all.add(notice);
        return all;
    }

    private static void done(HttpServletResponse response, String notice)
    {
        seeOther(response, "/inventory?done=" + URLEncoder.encode(notice, UTF_8));
    }

    private static List<String> words(String text)
    {
        return text.isBlank() ? List.of() : Arrays.stream(text.strip().split("[\\s,]+")).filter(word -> !word.isEmpty()).toList();
    }

    /** An id from a form; anything else is 0, which the master refuses as an unknown category. */
    private static int number(String text)
    {
        try {
            return Integer.parseInt(text);
        }
        catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String trimmed(String value)
    {
        return value == null ? "" : value.strip();
    }

    private static String field(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        return value == null ? "" : value.strip();
    }
}
