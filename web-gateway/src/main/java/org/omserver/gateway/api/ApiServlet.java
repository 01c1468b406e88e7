package org.omserver.gateway.api;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.web.SafeJson;
import org.omserver.gateway.web.UnreadBody;
import org.omserver.protocol.thrift.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The JSON API under {@code /api}: the route table, and the one place where every failure becomes a JSON error
 * {@code {"code", "message"}} with its HTTP status. Only {@code Authorization: Bearer} authenticates here; the
 * browser's session cookie is never read, so a page's CSRF protection cannot be side-stepped through the API.
 * The master checks every call again; the API only relays.
 */
public final class ApiServlet
        extends HttpServlet
{
    private static final Logger log = LoggerFactory.getLogger(ApiServlet.class);
    public static final String SERVLET_PATH = "/api";

    /** Every route; the OpenAPI document ({@code api/openapi.json}) must describe exactly these. */
    public static final List<ApiRoute> ROUTES = List.of(
            ApiRoute.of("GET", "/api/v1/openapi.json", Endpoints::openApi),
            ApiRoute.of("GET", "/api/v1/version", Endpoints::version),
            ApiRoute.of("POST", "/api/v1/tokens", Endpoints::createToken),
            ApiRoute.of("DELETE", "/api/v1/tokens", Endpoints::revokeToken),
            ApiRoute.of("GET", "/api/v1/modules", Endpoints::modules),
            ApiRoute.of("GET", "/api/v1/modules/{id}", Endpoints::module),
            // module authoring (issue 4): admin and author; the master checks the file, the role and the version
            ApiRoute.of("POST", "/api/v1/modules", Endpoints::createModule),
            ApiRoute.of("POST", "/api/v1/modules/preview", Endpoints::previewModule),
            ApiRoute.of("GET", "/api/v1/modules/{id}/file", Endpoints::moduleFile),
            ApiRoute.of("PUT", "/api/v1/modules/{id}/file", Endpoints::updateModule),
            ApiRoute.of("POST", "/api/v1/modules/{id}/enable", Endpoints::enableModule),
            ApiRoute.of("POST", "/api/v1/modules/{id}/disable", Endpoints::disableModule),
            ApiRoute.of("DELETE", "/api/v1/modules/{id}", Endpoints::deleteModule),
            ApiRoute.of("GET", "/api/v1/modules/{id}/versions", Endpoints::moduleVersions),
            ApiRoute.of("POST", "/api/v1/modules/{id}/rollback", Endpoints::rollbackModule),
            ApiRoute.of("GET", "/api/v1/categories", Endpoints::categories),
            ApiRoute.of("GET", "/api/v1/servers", Endpoints::servers),
            ApiRoute.of("POST", "/api/v1/runs", Endpoints::run),
            ApiRoute.of("GET", "/api/v1/jobs/{id}", Endpoints::job),
            ApiRoute.of("GET", "/api/v1/jobs/{id}/events", Endpoints::events),
            ApiRoute.of("GET", "/api/v1/jobs/{id}/stream", Endpoints::stream),
            ApiRoute.of("GET", "/api/v1/jobs/{id}/results", Endpoints::results),
            ApiRoute.of("GET", "/api/v1/jobs", Endpoints::history),
            ApiRoute.of("GET", "/api/v1/jobs/{id}/hosts/{ip}/output", Endpoints::hostOutput),
            ApiRoute.of("POST", "/api/v1/jobs/{id}/cancel", Endpoints::cancel),
            ApiRoute.of("POST", "/api/v1/jobs/{id}/retry", Endpoints::retry),
            // schedules (issue 5)
            ApiRoute.of("GET", "/api/v1/schedules", Endpoints::schedules),
            ApiRoute.of("POST", "/api/v1/schedules", Endpoints::createSchedule),
            ApiRoute.of("POST", "/api/v1/schedules/{id}/pause", Endpoints::pauseSchedule),
            ApiRoute.of("POST", "/api/v1/schedules/{id}/resume", Endpoints::resumeSchedule),
            ApiRoute.of("DELETE", "/api/v1/schedules/{id}", Endpoints::deleteSchedule),
            // users and audit (issue 4)
            ApiRoute.of("GET", "/api/v1/users", Endpoints::users),
            ApiRoute.of("DELETE", "/api/v1/users/{name}/sessions", Endpoints::logoutEverywhere),
            ApiRoute.of("GET", "/api/v1/audit", Endpoints::audit),
            ApiRoute.of("GET", "/api/v1/files", Endpoints::files),
            ApiRoute.of("POST", "/api/v1/files/rehash", Endpoints::rehashFiles),
            ApiRoute.of("DELETE", "/api/v1/files/{name}", Endpoints::removeFile),
            ApiRoute.of("PUT", "/api/v1/files/{name}", Endpoints::uploadFile),
            // native agents (issue 3)
            ApiRoute.of("GET", "/api/v1/agents", Endpoints::agents),
            ApiRoute.of("GET", "/api/v1/agents/{id}", Endpoints::agentDetail),
            ApiRoute.of("DELETE", "/api/v1/agents/{id}", Endpoints::revokeAgent),
            // inventory management (issue 4)
            ApiRoute.of("POST", "/api/v1/servers", (e, call) -> e.inventory().createServer(call)),
            ApiRoute.of("PUT", "/api/v1/servers/{ip}", (e, call) -> e.inventory().updateServer(call)),
            ApiRoute.of("DELETE", "/api/v1/servers/{ip}", (e, call) -> e.inventory().deleteServer(call)),
            ApiRoute.of("POST", "/api/v1/servers/{ip}/move", (e, call) -> e.inventory().moveServer(call)),
            ApiRoute.of("POST", "/api/v1/categories", (e, call) -> e.inventory().createCategory(call)),
            ApiRoute.of("PUT", "/api/v1/categories/{kind}/{id}", (e, call) -> e.inventory().renameCategory(call)),
            ApiRoute.of("DELETE", "/api/v1/categories/{kind}/{id}", (e, call) -> e.inventory().deleteCategory(call)),
            ApiRoute.of("GET", "/api/v1/groups", (e, call) -> e.inventory().groups(call)),
            ApiRoute.of("POST", "/api/v1/groups", (e, call) -> e.inventory().createGroup(call)),
            ApiRoute.of("PUT", "/api/v1/groups/{name}", (e, call) -> e.inventory().renameGroup(call)),
            ApiRoute.of("DELETE", "/api/v1/groups/{name}", (e, call) -> e.inventory().deleteGroup(call)),
            ApiRoute.of("POST", "/api/v1/groups/{name}/members", (e, call) -> e.inventory().changeMembers(call)),
            ApiRoute.of("GET", "/api/v1/inventory.csv", (e, call) -> e.inventory().exportCsv(call)),
            ApiRoute.of("POST", "/api/v1/inventory.csv", (e, call) -> e.inventory().importCsv(call)));

    private final transient Endpoints endpoints;

    public ApiServlet(Endpoints endpoints)
    {
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        String path = SERVLET_PATH + (request.getPathInfo() == null ? "" : request.getPathInfo());
        try {
            Route route = route(request.getMethod(), path);
            ApiReply reply = route.route().handler().handle(endpoints, new ApiCall(request, response, route.variables()));
            if (reply != ApiReply.WRITTEN) {
                UnreadBody.discard(request, response);
                write(response, reply);
            }
        }
        catch (ApiException e) {
            refuse(request, response, e);
        }
        catch (MasterUnavailableException e) {
            log.warn("api {} {}: {}", request.getMethod(), path, e.getMessage());
            refuse(request, response, new ApiException(503, "MASTER_UNAVAILABLE", "the master at " + e.address()
                    + " is unreachable; check that it runs and that the gateway's master.host and master.port point to it, then retry"));
        }
        catch (MasterException e) {
            refuse(request, response, new ApiException(status(e.code()), e.code().name(), e.getMessage()));
        }
        catch (IOException e) {
            // reading the body or writing the answer failed: the client went away, there is no one to answer
            log.info("api {} {} from {}: connection lost ({})", request.getMethod(), path, request.getRemoteAddr(), e.toString());
        }
        catch (Exception e) {
            String incident = UUID.randomUUID().toString();
            log.error("incident {}: api {} {} failed", incident, request.getMethod(), path, e);
            refuse(request, response, new ApiException(500, "INTERNAL",
                    "the gateway could not answer; incident " + incident + " is in the gateway log"));
        }
    }

    /** The HTTP status for a refusal of the master. */
    public static int status(ErrorCode code)
    {
        return switch (code) {
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case INVALID_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case THROTTLED -> 429;
            case BAD_ENVELOPE, STALE_OR_REPLAYED, LEGACY_DISABLED, INTERNAL -> 502;
        };
    }

    private record Route(ApiRoute route, Map<String, String> variables) {}

    private static Route route(String method, String path)
            throws ApiException
    {
        boolean pathKnown = false;
        for (ApiRoute route : ROUTES) {
            Optional<Map<String, String>> variables = route.match(path);
            if (variables.isPresent()) {
                if (route.method().equals(method)) {
                    return new Route(route, variables.get());
                }
                pathKnown = true;
            }
        }
        if (pathKnown) {
            List<String> allowed = ROUTES.stream().filter(route -> route.match(path).isPresent()).map(ApiRoute::method).toList();
            throw new ApiException(405, "METHOD_NOT_ALLOWED", Printable.cut(path) + " takes " + String.join(", ", allowed)
                    + ", not " + Printable.cut(method));
        }
        throw new ApiException(404, "NOT_FOUND", "no API address " + Printable.cut(path)
                + "; the addresses are listed in /api/v1/openapi.json");
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, ApiException e)
            throws IOException
    {
        log.info("api refused {} {} from {}: {} {}", request.getMethod(), request.getRequestURI(), request.getRemoteAddr(),
                e.status(), e.code());
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        UnreadBody.discard(request, response);
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.status() == 401) {
            headers.put("WWW-Authenticate", "Bearer realm=\"omserver\"");
        }
        if (e.status() == 503 || e.status() == 429) {
            headers.put("Retry-After", "5");
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("code", e.code());
        body.put("message", e.getMessage());
        write(response, new ApiReply(e.status(), body, headers));
    }

    private static void write(HttpServletResponse response, ApiReply reply)
            throws IOException
    {
        response.setStatus(reply.status());
        reply.headers().forEach(response::setHeader);
        if (reply.body() == null) {
            return;
        }
        // a String body is JSON already (the OpenAPI document); anything else is written by Jackson
        byte[] json = (reply.body() instanceof String text ? text : SafeJson.write(reply.body())).getBytes(UTF_8);
        response.setContentType("application/json");
        response.setCharacterEncoding(UTF_8.name());
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }
}
