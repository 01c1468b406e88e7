package org.omserver.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.web.WebContext;
import org.omserver.protocol.thrift.CancelReply;
import org.omserver.protocol.thrift.ScheduleInfo;
import org.omserver.protocol.thrift.ScheduleAction;
import org.omserver.protocol.thrift.OverlapPolicy;
import org.omserver.protocol.thrift.CreateScheduleRequest;
import org.omserver.protocol.thrift.ChangeScheduleRequest;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.HostState;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobStatus;
import org.omserver.protocol.thrift.JobsReply;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.ModuleChangeReply;
import org.omserver.protocol.thrift.ModuleGetReply;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ModulePreviewReply;
import org.omserver.protocol.thrift.ModuleVersionInfo;
import org.omserver.protocol.thrift.RetryReply;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.RetryScope;
import org.omserver.protocol.thrift.RollingOptions;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The API's endpoints, one method per route of {@link ApiServlet#ROUTES}. Each checks the shape of the request,
 * relays it to the master with the caller's bearer token, and turns the master's reply into JSON. Whether the
 * caller may do it, and whether the values are acceptable, is decided by the master.
 */
public final class Endpoints
{
    /** Longest {@code wait} of the events long-poll, in seconds (below the master's 25 s cap and its read timeout). */
    public static final int MAX_WAIT_SECONDS = 20;
    /** Module files pass through as JSON text; the master parses and checks them (unknown keys, types, sizes). */
    private static final com.fasterxml.jackson.databind.ObjectMapper MODULE_FILE = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final int MAX_HOSTS = 10_000;
    private static final int MAX_EVENTS_PER_PAGE = 5000;
    private static final int MAX_TEXT = 1024;

    private final WebContext web;
    private final String openApi;
    private final Semaphore longPolls;
    private final InventoryEndpoints inventory;

    public Endpoints(WebContext web)
    {
        this.web = requireNonNull(web, "web is null");
        this.inventory = new InventoryEndpoints(web);
        this.openApi = openApiDocument();
        // long-polls hold a master connection each; like the live streams, they may not take the pages' share
        this.longPolls = new Semaphore(Math.max(1, web.config().masterMaxConnections() / 4));
    }

    /** The inventory routes (issue 4). */
    InventoryEndpoints inventory()
    {
        return inventory;
    }

    /** The OpenAPI 3 document, as shipped in the jar. */
    public static String openApiDocument()
    {
        try (InputStream in = Endpoints.class.getResourceAsStream("/api/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("api/openapi.json is missing from the gateway's class path; rebuild the gateway");
            }
            return new String(in.readAllBytes(), UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ApiReply openApi(ApiCall call)
            throws ApiException
    {
        call.allowQuery(Set.of());
        return ApiReply.ok(openApi);
    }

    ApiReply version(ApiCall call)
            throws ApiException
    {
        call.allowQuery(Set.of());
        String version = GatewayServer.class.getPackage().getImplementationVersion();
        return ApiReply.ok(Map.of("version", version == null ? "development build" : version));
    }

    ApiReply createToken(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        call.allowQuery(Set.of());
        JsonNode body = call.jsonObject();
        Fields fields = Fields.of(body, Set.of("username", "password"));
        String username = fields.requiredText("username", 64);
        String password = fields.requiredText("password", MAX_TEXT);
        LoginReply login = web.master().login(username, password, call.clientAddress());
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("token", login.getSession());
        token.put("username", login.getUsername());
        token.put("role", login.getRole().name());
        token.put("expiresAtMillis", login.getExpiresAtMillis());
        return ApiReply.created(token, "/api/v1/tokens");
    }

    ApiReply revokeToken(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        if (!web.master().logout(token, call.clientAddress()).isLoggedOut()) {
            throw new ApiException(401, "UNAUTHENTICATED", "this token is not valid (expired or already revoked); nothing to revoke");
        }
        return ApiReply.noContent();
    }

    ApiReply modules(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        CatalogReply catalog = web.master().catalog(token);
        return ApiReply.ok(Map.of("modules", catalog.getModules().stream().map(ApiJson::module).toList()));
    }

    ApiReply module(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        long id = call.numberInPath("id");
        CatalogReply catalog = web.master().catalog(token);
        for (ModuleInfo module : catalog.getModules()) {
            if (module.getId() == id) {
                return ApiReply.ok(ApiJson.module(module));
            }
        }
        throw new ApiException(404, "NOT_FOUND", "module " + id + " does not exist; GET /api/v1/modules lists the modules");
    }

    // ---- module authoring (issue 4) ----------------------------------------------------------------

    /** Adds a module; the body is a module file (module-catalog/README.md), id 0 or absent for the next free id. */
    ApiReply createModule(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        String definition = MODULE_FILE.writeValueAsString(call.jsonObject());
        ModuleChangeReply change = web.master().moduleCreate(token, definition, call.clientAddress());
        return ApiReply.created(change(change), "/api/v1/modules/" + change.getModuleId());
    }

    /** The module file (canonical) and its version: what an update starts from. */
    ApiReply moduleFile(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        ModuleGetReply reply = web.master().moduleGet(token, moduleId(call));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", reply.getVersion());
        body.put("file", MODULE_FILE.readTree(reply.getDefinition()));
        return ApiReply.ok(body);
    }

    /** Replaces a module's definition; {@code ?expectedVersion=} is the version the edit started from (a stale one is refused). */
    ApiReply updateModule(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("expectedVersion"));
        int id = moduleId(call);
        int expected = expectedVersion(call);
        JsonNode file = call.jsonObject();
        JsonNode fileId = file.get("id");
        if (fileId != null && !(fileId.isIntegralNumber() && fileId.canConvertToInt() && fileId.asInt() == id)) {
            throw ApiException.invalid("the module file has id " + Printable.cut(fileId.toString()) + " but the address names module " + id
                    + "; send the file with \"id\": " + id + " or without id");
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) file).put("id", id);
        ModuleChangeReply change = web.master().moduleUpdate(token, MODULE_FILE.writeValueAsString(file), expected, call.clientAddress());
        return ApiReply.ok(change(change));
    }

    ApiReply enableModule(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        return setEnabled(call, true);
    }

    ApiReply disableModule(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        return setEnabled(call, false);
    }

    private ApiReply setEnabled(ApiCall call, boolean enabled)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("expectedVersion"));
        int id = moduleId(call);
        int expected = expectedVersion(call);
        call.noBody();
        return ApiReply.ok(change(web.master().moduleSetEnabled(token, id, enabled, expected, call.clientAddress())));
    }

    /** Deletes a module: {@code ?expectedVersion=&confirm=<the id again>}, built-ins 1001-1007 also {@code &builtin=true}. Its versions stay. */
    ApiReply deleteModule(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("expectedVersion", "confirm", "builtin"));
        int id = moduleId(call);
        int expected = expectedVersion(call);
        long confirm = call.numberQuery("confirm", 0, Integer.MAX_VALUE).orElseThrow(() -> ApiException.invalid(
                "give ?confirm=" + id + " (the module's id again) to confirm the delete"));
        boolean builtin = call.query("builtin") != null && ApiCall.booleanValue("builtin", call.query("builtin"));
        call.noBody();
        return ApiReply.ok(change(web.master().moduleDelete(token, id, expected, (int) confirm, builtin, call.clientAddress())));
    }

    /** Every version of a module, newest first, with who, when, what and the module file after the change. */
    ApiReply moduleVersions(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        List<Map<String, Object>> versions = new ArrayList<>();
        for (ModuleVersionInfo version : web.master().moduleVersions(token, moduleId(call)).getVersions()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", version.getVersion());
            row.put("changedAtMillis", version.getChangedAtMillis());
            row.put("actor", version.getActor());
            row.put("action", version.getAction());
            row.put("summary", version.getSummary());
            if (version.isSetDefinition()) {
                row.put("file", MODULE_FILE.readTree(version.getDefinition()));
            }
            versions.add(row);
        }
        return ApiReply.ok(Map.of("versions", versions));
    }

    /** {@code {"toVersion": n, "expectedVersion": m}}: makes version n current again as a new version (also restores a deleted module). */
    ApiReply rollbackModule(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        int id = moduleId(call);
        Fields fields = Fields.of(call.jsonObject(), Set.of("toVersion", "expectedVersion"));
        Integer toVersion = fields.optionalPositiveInt("toVersion");
        Integer expected = fields.optionalPositiveInt("expectedVersion");
        if (toVersion == null || expected == null) {
            throw ApiException.invalid("send {\"toVersion\": n, \"expectedVersion\": m}: the version to restore and the module's current version "
                    + "(GET /api/v1/modules/" + id + "/versions lists them)");
        }
        return ApiReply.ok(change(web.master().moduleRollback(token, id, toVersion, expected, call.clientAddress())));
    }

    /** {@code {"file": {module file}, "params": {...}}}: the draft checked and rendered with sample values; nothing is saved or run. */
    ApiReply previewModule(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        Fields fields = Fields.of(call.jsonObject(), Set.of("file", "params"));
        JsonNode file = fields.body().get("file");
        if (file == null || !file.isObject()) {
            throw ApiException.invalid("'file' is required and must be a module file as a JSON object, e.g. {\"name\": \"uptime\", \"command\": [\"uptime\"]}");
        }
        ModulePreviewReply reply = web.master().modulePreview(token, MODULE_FILE.writeValueAsString(file), fields.optionalTextMap("params"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("module", ApiJson.module(reply.getInfo()));
        if (reply.isSetArgv()) {
            body.put("argv", reply.getArgv());
        }
        body.put("problems", reply.getProblems());
        return ApiReply.ok(body);
    }

    private static Map<String, Object> change(ModuleChangeReply change)
    {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("moduleId", change.getModuleId());
        body.put("version", change.getVersion());
        body.put("summary", change.getSummary());
        return body;
    }

    private static int moduleId(ApiCall call)
            throws ApiException
    {
        long id = call.numberInPath("id");
        if (id < 1 || id > Integer.MAX_VALUE) {
            throw new ApiException(404, "NOT_FOUND", "module " + id + " does not exist; GET /api/v1/modules lists the modules");
        }
        return (int) id;
    }

    private static int expectedVersion(ApiCall call)
            throws ApiException
    {
        return (int) call.numberQuery("expectedVersion", 0, Integer.MAX_VALUE).orElseThrow(() -> ApiException.invalid(
                "give ?expectedVersion= with the module's current version (GET /api/v1/modules/{id}/file says it); a change from an older one is refused"));
    }

    ApiReply categories(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        InventoryReply inventory = web.master().inventory(token);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("functionCategories", inventory.getFunctionCategories().stream()
                .map(category -> Map.of("id", category.getId(), "name", category.getName())).toList());
        body.put("appCategories", inventory.getAppCategories().stream()
                .map(category -> Map.of("id", category.getId(), "functionCategoryId", category.getFunctionCategoryId(), "name", category.getName()))
                .toList());
        return ApiReply.ok(body);
    }

    /** Servers, optionally narrowed: {@code ip} exact, {@code name} contained (any case), {@code appCategory} id or {@code appCategoryName} exact. */
    ApiReply servers(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("ip", "name", "appCategory", "appCategoryName", "q", "tag", "group", "offset", "limit"));
        if (Stream.of("q", "tag", "group", "offset", "limit").anyMatch(name -> call.query(name) != null)) {
            if (Stream.of("ip", "name", "appCategoryName").anyMatch(name -> call.query(name) != null)) {
                throw ApiException.invalid("the search (q, tag, group, offset, limit, appCategory) does not combine with ip, name or appCategoryName; "
                        + "use q for a name or IP");
            }
            return inventory.search(call, token);
        }
        String ip = call.query("ip");
        String name = call.query("name");
        String appCategoryName = call.query("appCategoryName");
        Long appCategory = call.numberQuery("appCategory", 0, Integer.MAX_VALUE).stream().boxed().findFirst().orElse(null);
        InventoryReply inventory = web.master().inventory(token);
        Set<Integer> categoryIds = new LinkedHashSet<>();
        if (appCategoryName != null) {
            inventory.getAppCategories().stream().filter(category -> category.getName().equals(appCategoryName))
                    .forEach(category -> categoryIds.add(category.getId()));
            if (categoryIds.isEmpty()) {
                throw new ApiException(404, "NOT_FOUND", "there is no application category named '" + Printable.cut(appCategoryName)
                        + "'; GET /api/v1/categories lists them");
            }
        }
        String nameLower = name == null ? null : name.toLowerCase(Locale.ROOT);
        List<Map<String, Object>> servers = new ArrayList<>();
        for (ServerInfo server : inventory.getServers()) {
            if ((ip == null || server.getLanIp().equals(ip))
                    && (nameLower == null || server.getName().toLowerCase(Locale.ROOT).contains(nameLower))
                    && (appCategory == null || server.getAppCategoryId() == appCategory)
                    && (appCategoryName == null || categoryIds.contains(server.getAppCategoryId()))) {
                servers.add(ApiJson.server(server));
            }
        }
        return ApiReply.ok(Map.of("servers", servers));
    }

    ApiReply run(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        Fields fields = Fields.of(call.jsonObject(), Set.of("moduleId", "hosts", "serverType", "params", "rolling"));
        String serverType = fields.optionalText("serverType", 128);
        if (serverType != null && fields.body().has("hosts")) {
            throw ApiException.invalid("give either 'hosts' (run on these hosts whatever their state) or 'serverType' (a server group's online agent hosts), not both");
        }
        int moduleId = fields.requiredModuleId("moduleId");
        // IOMS servertype: the master resolves the name (issue 4), the gateway only relays it
        SubmitRequest request = new SubmitRequest(token, moduleId, serverType != null ? List.of() : fields.requiredTextList("hosts", MAX_HOSTS),
                fields.optionalTextMap("params"));
        if (serverType != null) {
            request.setServerType(serverType);
        }
        request.setClientAddress(call.clientAddress());
        RollingOptions rolling = fields.optionalRolling("rolling");
        if (rolling != null) {
            request.setRolling(rolling);
        }
        SubmitReply reply = web.master().submit(request);
        Map<String, Object> body = submitted(reply);
        return ApiReply.created(body, "/api/v1/jobs/" + reply.getJobId());
    }

    /** The job's summary, parameters, targets and a page of its hosts (filters as in the OpenAPI document). */
    ApiReply job(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("hostOffset", "hostLimit", "state", "failureReason", "outputContains", "groups"));
        JobDetailRequest request = new JobDetailRequest(token, call.numberInPath("id"));
        call.numberQuery("hostOffset", 0, Integer.MAX_VALUE).ifPresent(offset -> request.setHostOffset((int) offset));
        call.numberQuery("hostLimit", 1, 1000).ifPresent(limit -> request.setHostLimit((int) limit));
        if (call.query("state") != null) {
            List<HostState> states = new ArrayList<>();
            for (String state : call.query("state").split(",", -1)) {
                states.add(ApiCall.enumValue(HostState.class, "state", state));
            }
            request.setStates(states);
        }
        if (call.query("failureReason") != null) {
            request.setFailureReason(call.query("failureReason"));
        }
        if (call.query("outputContains") != null) {
            request.setOutputContains(call.query("outputContains"));
        }
        if (call.query("groups") != null) {
            request.setWithGroups(ApiCall.booleanValue("groups", call.query("groups")));
        }
        return ApiReply.ok(ApiJson.jobDetail(web.master().jobDetail(request)));
    }

    // ---- file store (issue 3) ------------------------------------------------------------------

    /** The master's file store: every file with size and checksums (any logged-in user). */
    ApiReply files(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        org.omserver.protocol.thrift.FileListReply reply = web.master().fileList(token);
        List<Map<String, Object>> files = new ArrayList<>();
        reply.getFiles().forEach(file -> files.add(file(file)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", files);
        body.put("maxFileBytes", reply.getMaxFileBytes());
        return ApiReply.ok(body);
    }

    /**
     * Stores the body (application/octet-stream, with Content-Length) as a file (admin, author). {@code ?sha256=} is
     * the client's SHA-256 of the file: the gateway relays the body to the master in chunks and the master compares
     * that sum with the bytes it received, so the check runs end to end and the gateway never holds the file.
     */
    ApiReply uploadFile(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("sha256"));
        String name = call.textInPath("name");
        String sha256 = call.query("sha256");
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
            throw ApiException.invalid("give ?sha256= with the SHA-256 of the file you send (64 hex digits)");
        }
        String type = call.request().getContentType();
        if (type == null || !type.startsWith("application/octet-stream")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the file as the body with 'Content-Type: application/octet-stream'");
        }
        long size = call.request().getContentLengthLong();
        if (size < 0) {
            throw new ApiException(411, "LENGTH_REQUIRED", "send the file with a Content-Length header (no chunked transfer encoding)");
        }
        org.omserver.protocol.thrift.FileUploadBeginReply begun = web.master().fileUploadBegin(token, name, size, call.clientAddress());
        long offset = 0;
        try (InputStream in = call.request().getInputStream()) {
            while (offset < size) {
                byte[] chunk = in.readNBytes((int) Math.min(begun.getMaxChunkBytes(), size - offset));
                if (chunk.length == 0) {
                    break;
                }
                offset = web.master().fileUploadChunk(token, begun.getUploadId(), offset, java.nio.ByteBuffer.wrap(chunk));
            }
        }
        // a body shorter than announced is committed as it is: the master refuses it and deletes what it received
        org.omserver.protocol.thrift.FileUploadCommitReply committed = web.master().fileUploadCommit(token, begun.getUploadId(), sha256.toLowerCase(Locale.ROOT),
                call.clientAddress());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("file", file(committed.getFile()));
        body.put("replaced", committed.isReplaced());
        return ApiReply.ok(body);
    }

    /** Removes a file (admin, author). */
    ApiReply removeFile(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        org.omserver.protocol.thrift.FileRemoveReply reply = web.master().fileRemove(token, call.textInPath("name"), call.clientAddress());
        return ApiReply.ok(Map.of("removed", file(reply.getRemoved())));
    }

    /** IOMS genmd5: re-hashes every file, or the one named by {@code ?name=} (admin, author). */
    ApiReply rehashFiles(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("name"));
        org.omserver.protocol.thrift.FileRehashReply reply = web.master().fileRehash(token, call.query("name"), call.clientAddress());
        List<Map<String, Object>> files = new ArrayList<>();
        reply.getFiles().forEach(file -> files.add(file(file)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", files);
        body.put("changed", reply.getChanged());
        return ApiReply.ok(body);
    }

    private static Map<String, Object> file(org.omserver.protocol.thrift.StoredFileInfo file)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", file.getName());
        json.put("size", file.getSize());
        json.put("md5", file.getMd5());
        json.put("sha256", file.getSha256());
        json.put("uploadedBy", file.getUploadedBy());
        json.put("uploadedAt", java.time.Instant.ofEpochMilli(file.getUploadedAtMillis()).toString());
        json.put("hashedAt", java.time.Instant.ofEpochMilli(file.getHashedAtMillis()).toString());
        return json;
    }

    /** Job history, newest first, keyset-paged with {@code before}. */
    ApiReply history(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("before", "limit", "user", "module", "status", "since", "until"));
        JobsRequest request = new JobsRequest(token);
        call.numberQuery("before", 1, Long.MAX_VALUE / 2).ifPresent(request::setBeforeJobId);
        call.numberQuery("limit", 1, 200).ifPresent(limit -> request.setLimit((int) limit));
        if (call.query("user") != null) {
            request.setUsername(call.query("user"));
        }
        call.numberQuery("module", 1, Integer.MAX_VALUE).ifPresent(module -> request.setModuleId((int) module));
        if (call.query("status") != null) {
            request.setStatus(ApiCall.enumValue(JobStatus.class, "status", call.query("status")));
        }
        call.numberQuery("since", 0, Long.MAX_VALUE / 2).ifPresent(request::setSinceMillis);
        call.numberQuery("until", 0, Long.MAX_VALUE / 2).ifPresent(request::setUntilMillis);
        JobsReply reply = web.master().jobs(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", reply.getJobs().stream().map(ApiJson::jobSummary).toList());
        if (reply.isSetNextBeforeJobId()) {
            body.put("nextBefore", reply.getNextBeforeJobId());
        }
        return ApiReply.ok(body);
    }

    /** One host's output, stdout and stderr paged apart by character offset. */
    ApiReply hostOutput(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("stdoutOffset", "stderrOffset", "limit"));
        HostOutputRequest request = new HostOutputRequest(token, call.numberInPath("id"), call.textInPath("ip"));
        call.numberQuery("stdoutOffset", 0, Integer.MAX_VALUE).ifPresent(offset -> request.setStdoutOffset((int) offset));
        call.numberQuery("stderrOffset", 0, Integer.MAX_VALUE).ifPresent(offset -> request.setStderrOffset((int) offset));
        call.numberQuery("limit", 1, 1_048_576).ifPresent(limit -> request.setLimit((int) limit));
        return ApiReply.ok(ApiJson.hostOutput(web.master().hostOutput(request)));
    }

    /** Every agent, revoked ones included, with its online state and newest reading (every role). */
    ApiReply agents(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        var reply = web.master().agents(token);
        return ApiReply.ok(Map.of("agents", reply.getAgents().stream().map(Endpoints::agent).toList(), "nowMillis", reply.getNowMillis(),
                "onlineWindowMillis", reply.getOnlineWindowMillis()));
    }

    /** One agent with its CPU and memory of the last {@code minutes} (1..1440, default 1440) in at most {@code points} buckets (every role). */
    ApiReply agentDetail(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("minutes", "points"));
        var request = new org.omserver.protocol.thrift.AgentMetricsRequest(token, call.textInPath("id"));
        call.numberQuery("minutes", 1, 1440).ifPresent(minutes -> request.setWindowMinutes((int) minutes));
        call.numberQuery("points", 1, 1440).ifPresent(points -> request.setMaxPoints((int) points));
        var reply = web.master().agentMetrics(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", agent(reply.getAgent()));
        body.put("fromMillis", reply.getFromMillis());
        body.put("toMillis", reply.getToMillis());
        body.put("bucketMillis", reply.getBucketMillis());
        body.put("points", reply.getPoints().stream().map(point -> Map.of("atMillis", point.getAtMillis(), "cpuPercent", point.getCpuPercent(),
                "memoryUsed", point.getMemoryUsed(), "memoryTotal", point.getMemoryTotal())).toList());
        return ApiReply.ok(body);
    }

    /** Revokes an agent (admin): the master calls it no more and refuses its calls. No body. */
    ApiReply revokeAgent(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        call.noBody();
        String id = call.textInPath("id");
        // DELETE names the agent in its path: that is the confirmation the pages ask to type
        var reply = web.master().agentRevoke(new org.omserver.protocol.thrift.RevokeAgentRequest(token, id, id).setClientAddress(call.clientAddress()));
        return ApiReply.ok(Map.of("revoked", agent(reply.getAgent())));
    }

    private static Map<String, Object> agent(org.omserver.protocol.thrift.AgentInfo info)
    {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agentId", info.getAgentId());
        row.put("address", info.getAddress());
        row.put("port", info.getPort());
        row.put("hostname", info.getHostname());
        row.put("lanIps", info.getLanIps());
        row.put("wanIps", info.getWanIps());
        row.put("os", info.getOs());
        row.put("version", info.getVersion());
        row.put("cores", info.getCores());
        row.put("revoked", info.isRevoked());
        row.put("online", info.isOnline());
        row.put("enrolledMillis", info.getEnrolledMillis());
        row.put("lastHeartbeatMillis", info.isSetLastHeartbeatMillis() ? info.getLastHeartbeatMillis() : null);
        row.put("cpuPercent", info.isSetCpuPercent() ? info.getCpuPercent() : null);
        row.put("memoryUsed", info.isSetMemoryUsed() ? info.getMemoryUsed() : null);
        row.put("memoryTotal", info.isSetMemoryTotal() ? info.getMemoryTotal() : null);
        return row;
    }

    /** Every user with role, state, open sessions and grants (admin). */
    ApiReply users(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        return ApiReply.ok(Map.of("users", web.master().users(token).getUsers().stream().map(user -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("username", user.getUsername());
            row.put("role", user.getRole().name().toLowerCase(java.util.Locale.ROOT));
            row.put("enabled", user.isEnabled());
            row.put("createdAtMillis", user.getCreatedAtMillis());
            row.put("grantedFunctionCategoryIds", user.getGrantedFunctionCategoryIds());
            row.put("openSessions", user.getOpenSessions());
            if (user.isSetLastLoginMillis()) {
                row.put("lastLoginMillis", user.getLastLoginMillis());
            }
            return row;
        }).toList()));
    }

    /** Ends every browser session and API token of the user (this token too, when it is one's own): one's own for anyone, others' for admins. */
    ApiReply logoutEverywhere(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        call.noBody();
        var reply = web.master().logoutEverywhere(new org.omserver.protocol.thrift.LogoutEverywhereRequest(token)
                .setUsername(call.textInPath("name")).setClientAddress(call.clientAddress()));
        return ApiReply.ok(Map.of("username", reply.getUsername(), "sessionsEnded", reply.getSessionsEnded()));
    }

    /** The audit log, newest first, keyset-paged with nextBefore (admin). */
    ApiReply audit(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("before", "after", "limit", "actor", "action", "outcome", "since", "until", "text"));
        var request = new org.omserver.protocol.thrift.AuditQueryRequest(token);
        call.numberQuery("before", 1, Long.MAX_VALUE / 2).ifPresent(request::setBeforeId);
        call.numberQuery("after", 0, Long.MAX_VALUE / 2).ifPresent(request::setAfterId);
        call.numberQuery("limit", 1, 500).ifPresent(limit -> request.setLimit((int) limit));
        for (String name : List.of("actor", "action", "outcome", "text")) {
            String value = call.query(name);
            if (value != null) {
                switch (name) {
                    case "actor" -> request.setActor(value);
                    case "action" -> request.setAction(value);
                    case "outcome" -> request.setOutcome(value);
                    default -> request.setText(value);
                }
            }
        }
        call.numberQuery("since", 0, Long.MAX_VALUE / 2).ifPresent(request::setSinceMillis);
        call.numberQuery("until", 0, Long.MAX_VALUE / 2).ifPresent(request::setUntilMillis);
        var reply = web.master().auditLog(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", reply.getRecords().stream().map(record -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", record.getId());
            row.put("atMillis", record.getAtMillis());
            row.put("actor", record.getActor());
            row.put("clientAddress", record.getClientAddress());
            row.put("action", record.getAction());
            if (record.isSetModuleId()) {
                row.put("moduleId", record.getModuleId());
            }
            row.put("params", record.getParams());
            row.put("targets", record.getTargets());
            row.put("outcome", record.getOutcome());
            if (record.isSetDetail()) {
                row.put("detail", record.getDetail());
            }
            return row;
        }).toList());
        if (reply.isSetNextBeforeId()) {
            body.put("nextBefore", reply.getNextBeforeId());
        }
        return ApiReply.ok(body);
    }

    /** Cancels a running job; cancelling a job that already ended answers {@code cancelled: false}. */
    ApiReply cancel(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        call.noBody();
        CancelRequest request = new CancelRequest(token, call.numberInPath("id"));
        request.setClientAddress(call.clientAddress());
        CancelReply reply = web.master().cancel(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", reply.getJobId());
        body.put("status", reply.getStatus().name());
        body.put("cancelled", reply.isCancelled());
        return ApiReply.ok(body);
    }

    /** Runs the job's module again on its failed hosts: a new job. Body optional: {@code {"scope", "includeSkipped", "rolling"}}. */
    ApiReply retry(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        RetryRequest request = new RetryRequest(token, call.numberInPath("id"));
        request.setClientAddress(call.clientAddress());
        if (call.hasBody()) {
            Fields fields = Fields.of(call.jsonObject(), Set.of("scope", "includeSkipped", "rolling"));
            String scope = fields.optionalText("scope", 64);
            if (scope != null) {
                request.setScope(ApiCall.enumValue(RetryScope.class, "scope", scope));
            }
            Boolean includeSkipped = fields.optionalBoolean("includeSkipped");
            if (includeSkipped != null) {
                request.setIncludeSkipped(includeSkipped);
            }
            RollingOptions rolling = fields.optionalRolling("rolling");
            if (rolling != null) {
                request.setRolling(rolling);
            }
        }
        RetryReply reply = web.master().retryJob(request);
        Map<String, Object> body = submitted(reply.getSubmitted());
        body.put("parentJobId", reply.getParentJobId());
        return ApiReply.created(body, "/api/v1/jobs/" + reply.getSubmitted().getJobId());
    }

    /** Events after {@code cursor}; with {@code wait} seconds, waits for at least one (long-poll). */
    ApiReply events(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("cursor", "wait", "limit"));
        long jobId = call.numberInPath("id");
        long cursor = call.numberQuery("cursor", 0, Long.MAX_VALUE / 2).orElse(0);
        int waitSeconds = (int) call.numberQuery("wait", 0, MAX_WAIT_SECONDS).orElse(0);
        int limit = (int) call.numberQuery("limit", 1, MAX_EVENTS_PER_PAGE).orElse(500);
        EventsReply reply;
        if (waitSeconds == 0) {
            reply = web.master().events(token, jobId, cursor, 0, limit);
        }
        else {
            if (!longPolls.tryAcquire()) {
                throw new ApiException(503, "BUSY", "too many long-polls are waiting at this gateway; retry in a few seconds, or poll with wait=0");
            }
            try {
                reply = web.master().events(token, jobId, cursor, waitSeconds * 1000, limit);
            }
            finally {
                longPolls.release();
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", reply.getEvents().stream().filter(event -> event.getSeq() > cursor).map(ApiJson::event).toList());
        body.put("nextCursor", Math.max(cursor, reply.getNextCursor()));
        body.put("complete", reply.isComplete());
        body.put("hostsTotal", reply.getHostsTotal());
        body.put("hostsDone", reply.getHostsDone());
        return ApiReply.ok(body);
    }

    /** The same events as Server-Sent Events, in the format of the results page's stream. */
    ApiReply stream(ApiCall call)
            throws ApiException, IOException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("cursor"));
        long jobId = call.numberInPath("id");
        long cursor = call.numberQuery("cursor", 0, Long.MAX_VALUE / 2).orElse(0);
        String lastEventId = call.request().getHeader("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isBlank()) {
            if (!lastEventId.strip().matches("\\d{1,18}")) {
                throw ApiException.invalid("Last-Event-ID must be the id of an event this stream sent, was '" + Printable.cut(lastEventId) + "'");
            }
            cursor = Long.parseLong(lastEventId.strip());
        }
        web.streams().start(call.request(), call.response(), token, "api client " + call.clientAddress(), jobId, cursor);
        return ApiReply.WRITTEN;
    }

    /** Each host's result so far, assembled from the job's whole event sequence. */
    ApiReply results(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        long jobId = call.numberInPath("id");
        HostResults results = new HostResults();
        long cursor = 0;
        EventsReply page;
        do {
            page = web.master().events(token, jobId, cursor, 0, MAX_EVENTS_PER_PAGE);
            for (HostEvent event : page.getEvents()) {
                if (event.getSeq() > cursor) {
                    results.add(event);
                    cursor = event.getSeq();
                }
            }
        }
        while (!page.getEvents().isEmpty() && !page.isComplete());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", jobId);
        body.put("complete", page.isComplete());
        body.put("hostsTotal", page.getHostsTotal());
        body.put("hostsDone", page.getHostsDone());
        body.put("hosts", results.json());
        return ApiReply.ok(body);
    }

    // ---- schedules (issue 5): the same master RPCs as the /schedules page ----

    /** Every schedule the caller may see, with its next due times. */
    ApiReply schedules(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        return ApiReply.ok(Map.of("schedules", web.master().schedules(token).getSchedules().stream().map(Endpoints::schedule).toList()));
    }

    /** {@code {"name", "cron", "moduleId", "hosts", "params", "rolling", "overlap": "SKIP" | "QUEUE"}}; the master checks the cron and the rest. */
    ApiReply createSchedule(ApiCall call)
            throws ApiException, IOException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        Fields fields = Fields.of(call.jsonObject(), Set.of("name", "cron", "moduleId", "hosts", "params", "rolling", "overlap"));
        CreateScheduleRequest request = new CreateScheduleRequest(token, fields.requiredText("name", 128), fields.requiredText("cron", 128),
                fields.requiredModuleId("moduleId"), fields.requiredTextList("hosts", MAX_HOSTS), fields.optionalTextMap("params"));
        String overlap = fields.optionalText("overlap", 16);
        if (overlap != null) {
            request.setOverlap(ApiCall.enumValue(OverlapPolicy.class, "overlap", overlap));
        }
        RollingOptions rolling = fields.optionalRolling("rolling");
        if (rolling != null) {
            request.setRolling(rolling);
        }
        request.setClientAddress(call.clientAddress());
        ScheduleInfo created = web.master().createSchedule(request).getSchedule();
        return ApiReply.created(schedule(created), "/api/v1/schedules/" + created.getScheduleId());
    }

    ApiReply pauseSchedule(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        return ApiReply.ok(schedule(changeSchedule(call, token, ScheduleAction.PAUSE)));
    }

    ApiReply resumeSchedule(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of());
        return ApiReply.ok(schedule(changeSchedule(call, token, ScheduleAction.RESUME)));
    }

    /** Deletes a schedule: {@code ?confirm=<id>} repeats its id, as on the page's confirm step. */
    ApiReply deleteSchedule(ApiCall call)
            throws ApiException, MasterException, MasterUnavailableException
    {
        String token = call.bearerToken();
        call.allowQuery(Set.of("confirm"));
        long id = call.numberInPath("id");
        long confirm = call.numberQuery("confirm", 0, Long.MAX_VALUE / 2).orElseThrow(() -> ApiException.invalid(
                "give ?confirm=" + id + " (the schedule's id again) to confirm the delete"));
        if (confirm != id) {
            throw ApiException.invalid("?confirm=" + confirm + " does not repeat the schedule's id " + id + "; nothing was deleted");
        }
        changeSchedule(call, token, ScheduleAction.DELETE);
        return ApiReply.noContent();
    }

    private ScheduleInfo changeSchedule(ApiCall call, String token, ScheduleAction action)
            throws ApiException, MasterException, MasterUnavailableException
    {
        call.noBody();
        ChangeScheduleRequest request = new ChangeScheduleRequest(token, call.numberInPath("id"), action);
        request.setClientAddress(call.clientAddress());
        return web.master().changeSchedule(request).getSchedule();
    }

    private static Map<String, Object> schedule(ScheduleInfo info)
    {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scheduleId", info.getScheduleId());
        row.put("name", info.getName());
        row.put("owner", info.getOwner());
        row.put("cron", info.getCron());
        row.put("moduleId", info.getModuleId());
        row.put("moduleName", info.getModuleName());
        row.put("hosts", info.getTargets());
        row.put("params", info.getParams());
        if (info.isSetRolling()) {
            RollingOptions rolling = info.getRolling();
            Map<String, Object> options = new LinkedHashMap<>();
            if (rolling.isSetBatchSize()) {
                options.put("batchSize", rolling.getBatchSize());
            }
            if (rolling.isSetMaxInFlight()) {
                options.put("maxInFlight", rolling.getMaxInFlight());
            }
            if (rolling.isSetFailureThreshold()) {
                options.put("failureThreshold", rolling.getFailureThreshold());
            }
            if (rolling.isSetCommandTimeoutSeconds()) {
                options.put("commandTimeoutSeconds", rolling.getCommandTimeoutSeconds());
            }
            row.put("rolling", options);
        }
        row.put("overlap", info.getOverlap().name());
        row.put("paused", info.isPaused());
        if (info.isSetNextRunMillis()) {
            row.put("nextRunMillis", info.getNextRunMillis());
        }
        if (info.isSetLaterRunsMillis()) {
            row.put("laterRunsMillis", info.getLaterRunsMillis());
        }
        if (info.isSetLastRunMillis()) {
            row.put("lastRunMillis", info.getLastRunMillis());
        }
        if (info.isSetLastJobId()) {
            row.put("lastJobId", info.getLastJobId());
        }
        if (info.isSetLastOutcome()) {
            row.put("lastOutcome", info.getLastOutcome());
        }
        return row;
    }

    private static Map<String, Object> submitted(SubmitReply reply)
    {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", reply.getJobId());
        body.put("moduleId", reply.getModuleId());
        body.put("moduleName", reply.getModuleName());
        body.put("hosts", reply.getHosts().stream().map(host -> Map.of("lanIp", host.getLanIp(), "name", host.getName())).toList());
        return body;
    }

    /** Reads the fields of a request object strictly: no unknown fields, each of the expected JSON type. */
    private record Fields(JsonNode body, Set<String> allowed)
    {
        /** The body's fields, refusing any field not in {@code allowed}. */
        static Fields of(JsonNode body, Set<String> allowed)
                throws ApiException
        {
            for (Map.Entry<String, JsonNode> field : body.properties()) {
                String name = field.getKey();
                if (!allowed.contains(name)) {
                    throw ApiException.invalid("unknown field '" + Printable.cut(name) + "'; this request takes "
                            + String.join(", ", allowed.stream().sorted().toList()));
                }
            }
            return new Fields(body, allowed);
        }

        String requiredText(String name, int maxLength)
                throws ApiException
        {
            JsonNode value = body.get(name);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                throw ApiException.invalid("'" + name + "' is required and must be a non-empty JSON string");
            }
            if (value.asText().length() > maxLength) {
                throw ApiException.invalid("'" + name + "' is longer than " + maxLength + " characters");
            }
            return value.asText();
        }

        String optionalText(String name, int maxLength)
                throws ApiException
        {
            return body.has(name) ? requiredText(name, maxLength) : null;
        }

        Boolean optionalBoolean(String name)
                throws ApiException
        {
            JsonNode value = body.get(name);
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                throw ApiException.invalid("'" + name + "' must be true or false");
            }
            return value.asBoolean();
        }

        Integer optionalPositiveInt(String name)
                throws ApiException
        {
            JsonNode value = body.get(name);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
                throw ApiException.invalid("'" + name + "' must be a whole number of 1 or more");
            }
            return value.asInt();
        }

        /** {@code {"batchSize": "10" | "25%", "maxInFlight": n, "failureThreshold": "3" | "10%", "commandTimeoutSeconds": n}}; the master checks the values. */
        RollingOptions optionalRolling(String name)
                throws ApiException
        {
            JsonNode value = body.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isObject()) {
                throw ApiException.invalid("'" + name + "' must be a JSON object with batchSize, maxInFlight, failureThreshold, commandTimeoutSeconds");
            }
            Fields rolling = Fields.of(value, Set.of("batchSize", "maxInFlight", "failureThreshold", "commandTimeoutSeconds"));
            RollingOptions options = new RollingOptions();
            String batchSize = rolling.optionalText("batchSize", 16);
            if (batchSize != null) {
                options.setBatchSize(batchSize);
            }
            Integer maxInFlight = rolling.optionalPositiveInt("maxInFlight");
            if (maxInFlight != null) {
                options.setMaxInFlight(maxInFlight);
            }
            String threshold = rolling.optionalText("failureThreshold", 16);
            if (threshold != null) {
                options.setFailureThreshold(threshold);
            }
            Integer timeout = rolling.optionalPositiveInt("commandTimeoutSeconds");
            if (timeout != null) {
                options.setCommandTimeoutSeconds(timeout);
            }
            return options;
        }

        int requiredModuleId(String name)
                throws ApiException
        {
            JsonNode value = body.get(name);
            if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
                throw ApiException.invalid("'" + name + "' is required and must be a module number such as 1003");
            }
            return value.asInt();
        }

        List<String> requiredTextList(String name, int maxItems)
                throws ApiException
        {
            JsonNode value = body.get(name);
            if (value == null || !value.isArray() || value.isEmpty()) {
                throw ApiException.invalid("'" + name + "' is required and must be a JSON array of LAN IPs, e.g. [\"10.0.0.1\"]");
            }
            if (value.size() > maxItems) {
                throw ApiException.invalid("'" + name + "' lists " + value.size() + " entries; send at most " + maxItems + " per run");
            }
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isTextual() || item.asText().isEmpty() || item.asText().length() > 64) {
                    throw ApiException.invalid("every entry of '" + name + "' must be a LAN IP as a JSON string");
                }
                items.add(item.asText());
            }
            return items;
        }

        Map<String, String> optionalTextMap(String name)
                throws ApiException
        {
            JsonNode value = body.get(name);
            if (value == null || value.isNull()) {
                return Map.of();
            }
            if (!value.isObject()) {
                throw ApiException.invalid("'" + name + "' must be a JSON object of parameter names to string values, e.g. {\"sys_param_1\": \"50\"}");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                if (!entry.getValue().isTextual()) {
                    throw ApiException.invalid("parameter '" + Printable.cut(entry.getKey()) + "' must be a JSON string, e.g. \"50\"");
                }
                values.put(entry.getKey(), entry.getValue().asText());
            }
            return values;
        }
    }
}
