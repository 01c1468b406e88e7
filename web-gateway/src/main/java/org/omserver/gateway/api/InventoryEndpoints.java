package org.omserver.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.web.WebContext;
import org.omserver.protocol.thrift.CategoryAction;
import org.omserver.protocol.thrift.CategoryChangeReply;
import org.omserver.protocol.thrift.CategoryChangeRequest;
import org.omserver.protocol.thrift.GroupAction;
import org.omserver.protocol.thrift.GroupChangeRequest;
import org.omserver.protocol.thrift.InventoryImportReply;
import org.omserver.protocol.thrift.InventoryImportRequest;
import org.omserver.protocol.thrift.ServerAction;
import org.omserver.protocol.thrift.ServerChangeRequest;
import org.omserver.protocol.thrift.ServerFields;
import org.omserver.protocol.thrift.ServerGroupInfo;
import org.omserver.protocol.thrift.ServerSearchReply;
import org.omserver.protocol.thrift.ServerSearchRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The inventory routes (issue 4): server search and changes, categories, groups, CSV. Like {@link Endpoints}, each
 * checks only the request's shape and relays it; the master checks the role and every value.
 */
public final class InventoryEndpoints
{
    /** The CSV import's own cap (the JSON bodies' is {@link ApiCall#MAX_BODY_BYTES}): 5 MiB, as the master's. */
    public static final int MAX_CSV_BYTES = 5 * 1024 * 1024;
    private static final int MAX_LIST = 10_000;

    private final WebContext web;

    public InventoryEndpoints(WebContext web)
    {
        this.web = requireNonNull(web, "web is null");
    }

    /** The master's server search: {@code q}, {@code tag}, {@code group}, {@code appCategory}, {@code offset}, {@code limit}. */
    ApiReply search(ApiCall call, String token)
            throws ApiException, MasterException, MasterUnavailableException
    {
        ServerSearchRequest request = new ServerSearchRequest(token);
        if (call.query("q") != null) {
            request.setText(call.query("q"));
        }
        if (call.query("tag") != null) {
            request.setTag(call.query("tag"));
        }
        if (call.query("group") != null) {
            request.setGroup(call.query("group"));
        }
        call.numberQuery("appCategory", 0, Integer.MAX_VALUE).ifPresent(id -> request.setAppCategoryId((int) id));
        call.numberQuery("offset", 0, Integer.MAX_VALUE).ifPresent(offset -> request.setOffset((int) offset));
        call.numberQuery("limit", 1, 500).ifPresent(limit -> request.setLimit((int) limit));
        ServerSearchReply reply = web.master().serverSearch(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("servers", reply.getServers().stream().map(ApiJson::server).toList());
        body.put("total", reply.getTotal());
        body.put("offset", reply.getOffset());
        return ApiReply.ok(body);
    }

    ApiReply createServer(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        JsonNode body = call.jsonObject();
        String lanIp = text(body, "lanIp", true);
        ServerChangeRequest request = new ServerChangeRequest(token, ServerAction.CREATE, lanIp).setFields(fields(body, Set.of("lanIp")));
        request.setClientAddress(call.clientAddress());
        return ApiReply.created(Map.of("server", ApiJson.server(web.master().serverChange(request).getServer())), "/api/v1/servers/" + lanIp);
    }

    /** Replaces the server's fields (the LAN IP in the path stays its key). */
    ApiReply updateServer(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        ServerChangeRequest request = new ServerChangeRequest(token, ServerAction.UPDATE, call.textInPath("ip")).setFields(fields(call.jsonObject(), Set.of()));
        request.setClientAddress(call.clientAddress());
        return ApiReply.ok(Map.of("server", ApiJson.server(web.master().serverChange(request).getServer())));
    }

    ApiReply moveServer(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        JsonNode body = call.jsonObject();
        only(body, Set.of("appCategoryId"));
        ServerChangeRequest request = new ServerChangeRequest(token, ServerAction.MOVE, call.textInPath("ip")).setAppCategoryId(integer(body, "appCategoryId", true));
        request.setClientAddress(call.clientAddress());
        return ApiReply.ok(Map.of("server", ApiJson.server(web.master().serverChange(request).getServer())));
    }

    ApiReply deleteServer(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        ServerChangeRequest request = new ServerChangeRequest(token, ServerAction.DELETE, call.textInPath("ip"));
        request.setClientAddress(call.clientAddress());
        return ApiReply.ok(Map.of("removed", ApiJson.server(web.master().serverChange(request).getServer())));
    }

    /** {@code {"name": …}} adds a function category; with {@code "functionCategoryId"} an application category under it. */
    ApiReply createCategory(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        JsonNode body = call.jsonObject();
        only(body, Set.of("name", "functionCategoryId"));
        CategoryChangeRequest request = body.has("functionCategoryId")
                ? new CategoryChangeRequest(token, CategoryAction.CREATE_APP).setFunctionCategoryId(integer(body, "functionCategoryId", true))
                : new CategoryChangeRequest(token, CategoryAction.CREATE_FUNCTION);
        request.setName(text(body, "name", true)).setClientAddress(call.clientAddress());
        CategoryChangeReply reply = web.master().categoryChange(request);
        return ApiReply.created(category(reply, body.has("functionCategoryId") ? "app" : "function"),
                "/api/v1/categories/" + (body.has("functionCategoryId") ? "app/" : "function/") + reply.getId());
    }

    ApiReply renameCategory(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        String kind = kind(call);
        JsonNode body = call.jsonObject();
        only(body, Set.of("name"));
        CategoryChangeRequest request = new CategoryChangeRequest(token, kind.equals("app") ? CategoryAction.RENAME_APP : CategoryAction.RENAME_FUNCTION)
                .setId((int) call.numberInPath("id")).setName(text(body, "name", true));
        request.setClientAddress(call.clientAddress());
        return ApiReply.ok(category(web.master().categoryChange(request), kind));
    }

    ApiReply deleteCategory(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        String kind = kind(call);
        CategoryChangeRequest request = new CategoryChangeRequest(token, kind.equals("app") ? CategoryAction.DELETE_APP : CategoryAction.DELETE_FUNCTION)
                .setId((int) call.numberInPath("id"));
        request.setClientAddress(call.clientAddress());
        CategoryChangeReply reply = web.master().categoryChange(request);
        Map<String, Object> body = category(reply, kind);
        if (reply.isSetGrantsRemoved()) {
            body.put("grantsRemoved", reply.getGrantsRemoved());
        }
        return ApiReply.ok(body);
    }

    ApiReply groups(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        return ApiReply.ok(Map.of("groups", web.master().groups(token).getGroups().stream().map(InventoryEndpoints::group).toList()));
    }

    ApiReply createGroup(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        JsonNode body = call.jsonObject();
        only(body, Set.of("name"));
        String name = text(body, "name", true);
        GroupChangeRequest request = new GroupChangeRequest(token, GroupAction.CREATE, name);
        request.setClientAddress(call.clientAddress());
        return ApiReply.created(Map.of("group", group(web.master().groupChange(request).getGroup())), "/api/v1/groups/" + name);
    }

    ApiReply renameGroup(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        JsonNode body = call.jsonObject();
        only(body, Set.of("name"));
        GroupChangeRequest request = new GroupChangeRequest(token, GroupAction.RENAME, call.textInPath("name")).setNewName(text(body, "name", true));
        request.setClientAddress(call.clientAddress());
        return ApiReply.ok(Map.of("group", group(web.master().groupChange(request).getGroup())));
    }

    ApiReply deleteGroup(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        GroupChangeRequest request = new GroupChangeRequest(token, GroupAction.DELETE, call.textInPath("name"));
        request.setClientAddress(call.clientAddress());
        return ApiReply.ok(Map.of("removed", group(web.master().groupChange(request).getGroup())));
    }

    /** {@code {"add": [IP…], "remove": [IP…]}}: adds first, then removes. */
    ApiReply changeMembers(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        JsonNode body = call.jsonObject();
        only(body, Set.of("add", "remove"));
        List<String> add = list(body, "add");
        List<String> remove = list(body, "remove");
        if (add.isEmpty() && remove.isEmpty()) {
            throw ApiException.invalid("give 'add' and/or 'remove' as JSON arrays of LAN IPs");
        }
        String name = call.textInPath("name");
        ServerGroupInfo group = null;
        if (!add.isEmpty()) {
            group = web.master().groupChange(new GroupChangeRequest(token, GroupAction.ADD_MEMBERS, name).setLanIps(add).setClientAddress(call.clientAddress()))
                    .getGroup();
        }
        if (!remove.isEmpty()) {
            group = web.master().groupChange(new GroupChangeRequest(token, GroupAction.REMOVE_MEMBERS, name).setLanIps(remove)
                    .setClientAddress(call.clientAddress())).getGroup();
        }
        return ApiReply.ok(Map.of("group", group(group)));
    }

    /** The inventory as CSV (text/csv, an attachment named inventory.csv). */
    ApiReply exportCsv(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        String csv = web.master().inventoryExport(token).getCsv();
        call.response().setStatus(200);
        call.response().setContentType("text/csv; charset=utf-8");
        call.response().setHeader("Content-Disposition", "attachment; filename=\"inventory.csv\"");
        call.response().setHeader("Cache-Control", "no-store");
        call.response().getOutputStream().write(csv.getBytes(UTF_8));
        return ApiReply.WRITTEN;
    }

    /**
     * Imports a CSV body (text/csv, at most 5 MiB): all rows or none. With problems the answer is 400 with every
     * problem (row, column, message) and nothing changed; {@code ?dryRun=true} only checks.
     */
    ApiReply importCsv(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("dryRun"));
        boolean dryRun = call.query("dryRun") != null && ApiCall.booleanValue("dryRun", call.query("dryRun"));
        String type = call.request().getContentType();
        if (type == null || !type.startsWith("text/csv")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the CSV as the body with 'Content-Type: text/csv'");
        }
        if (call.request().getContentLengthLong() > MAX_CSV_BYTES) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = call.request().getInputStream()) {
            bytes = in.readNBytes(MAX_CSV_BYTES + 1);
        }
        if (bytes.length > MAX_CSV_BYTES) {
            throw tooLarge();
        }
        String csv = new String(bytes, UTF_8);
        // the dry run's reply lists the problems one by one (a refused import has them only in its message)
        InventoryImportReply check = web.master().inventoryImport(new InventoryImportRequest(token, csv).setDryRun(true).setClientAddress(call.clientAddress()));
        if (!check.getProblems().isEmpty()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", "INVALID_REQUEST");
            body.put("message", "nothing was imported: " + check.getProblems().size() + " problems; fix them and import again");
            body.put("problems", check.getProblems().stream().map(p -> Map.of("row", p.getRow(), "column", p.getColumn(), "message", p.getMessage())).toList());
            return new ApiReply(400, body, Map.of());
        }
        InventoryImportReply reply = dryRun ? check
                : web.master().inventoryImport(new InventoryImportRequest(token, csv).setClientAddress(call.clientAddress()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("imported", reply.isImported());
        body.put("rows", reply.getRows());
        body.put("created", reply.getCreated());
        body.put("updated", reply.getUpdated());
        body.put("categoriesCreated", reply.getCategoriesCreated());
        body.put("groupsCreated", reply.getGroupsCreated());
        body.put("problems", List.of());
        return ApiReply.ok(body);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static ApiException tooLarge()
    {
        return new ApiException(413, "PAYLOAD_TOO_LARGE", "the CSV is larger than " + MAX_CSV_BYTES + " bytes (5 MiB); split it");
    }

    private static ServerFields fields(JsonNode body, Set<String> extra)
            throws ApiException
    {
        Set<String> allowed = new java.util.TreeSet<>(Set.of("name", "wanIp", "sshPort", "sshUser", "backend", "tags", "appCategoryId"));
        allowed.addAll(extra);
        only(body, allowed);
        ServerFields fields = new ServerFields(text(body, "name", true), body.has("backend") ? text(body, "backend", true) : "any",
                integer(body, "appCategoryId", true));
        String wanIp = text(body, "wanIp", false);
        if (wanIp != null && !wanIp.isEmpty()) {
            fields.setWanIp(wanIp);
        }
        if (body.has("sshPort")) {
            fields.setSshPort(integer(body, "sshPort", true));
        }
        String sshUser = text(body, "sshUser", false);
        if (sshUser != null && !sshUser.isEmpty()) {
            fields.setSshUser(sshUser);
        }
        fields.setTags(list(body, "tags"));
        return fields;
    }

    private static void only(JsonNode body, Set<String> allowed)
            throws ApiException
    {
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!allowed.contains(field.getKey())) {
                throw ApiException.invalid("unknown field '" + Printable.cut(field.getKey()) + "'; this request takes "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private static String text(JsonNode body, String name, boolean required)
            throws ApiException
    {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.invalid("'" + name + "' is required and must be a JSON string");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().length() > 1024) {
            throw ApiException.invalid("'" + name + "' must be a JSON string of at most 1024 characters");
        }
        return value.asText();
    }

    private static int integer(JsonNode body, String name, boolean required)
            throws ApiException
    {
        JsonNode value = body.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ApiException.invalid("'" + name + "' is required and must be a whole number");
        }
        return value.asInt();
    }

    private static List<String> list(JsonNode body, String name)
            throws ApiException
    {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray() || value.size() > MAX_LIST) {
            throw ApiException.invalid("'" + name + "' must be a JSON array of at most " + MAX_LIST + " strings");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().length() > 64) {
                throw ApiException.invalid("every entry of '" + name + "' must be a JSON string of at most 64 characters");
            }
            items.add(item.asText());
        }
        return items;
    }

    private static String kind(ApiCall call)
            throws ApiException
    {
        String kind = call.textInPath("kind");
        if (!kind.equals("function") && !kind.equals("app")) {
            throw new ApiException(404, "NOT_FOUND", "categories are /api/v1/categories/function/{id} or /api/v1/categories/app/{id}");
        }
        return kind;
    }

    private static Map<String, Object> category(CategoryChangeReply reply, String kind)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", kind);
        json.put("id", reply.getId());
        json.put("name", reply.getName());
        return json;
    }

    private static Map<String, Object> group(ServerGroupInfo group)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", group.getId());
        json.put("name", group.getName());
        json.put("members", group.getMembers());
        return json;
    }
}
