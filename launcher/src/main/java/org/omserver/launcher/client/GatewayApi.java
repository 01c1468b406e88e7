package org.omserver.launcher.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * A client of the gateway's JSON API ({@code /api/v1}): one method per call the CLI makes. An error answer becomes an
 * {@link ApiError} with the gateway's code and message; not reaching the gateway is an {@link IOException} that
 * names the address.
 */
public final class GatewayApi
{
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Above the API's longest long-poll (20 s). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final int LONG_POLL_SECONDS = 20;

    private final URI base;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public GatewayApi(URI base)
    {
        requireNonNull(base, "base is null");
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A bearer token for this user. */
    public String login(String username, String password)
            throws IOException, InterruptedException, ApiError
    {
        ObjectNode body = json.createObjectNode().put("username", username).put("password", password);
        return send("POST", "api/v1/tokens", null, body).get("token").asText();
    }

    public void revoke(String token)
            throws IOException, InterruptedException, ApiError
    {
        send("DELETE", "api/v1/tokens", token, null);
    }

    public String version()
            throws IOException, InterruptedException, ApiError
    {
        return send("GET", "api/v1/version", null, null).get("version").asText();
    }

    /** LAN IPs of the servers in the application category with exactly this name. */
    public List<String> serversOfAppCategory(String token, String appCategoryName)
            throws IOException, InterruptedException, ApiError
    {
        JsonNode servers = send("GET", "api/v1/servers?appCategoryName=" + URLEncoder.encode(appCategoryName, UTF_8), token, null).get("servers");
        List<String> lanIps = new ArrayList<>();
        servers.forEach(server -> lanIps.add(server.get("lanIp").asText()));
        return List.copyOf(lanIps);
    }

    /** Starts a run; the reply has jobId, moduleId, moduleName and hosts. */
    public JsonNode run(String token, int moduleId, List<String> hosts, Map<String, String> params)
            throws IOException, InterruptedException, ApiError
    {
        return run(token, moduleId, hosts, params, Map.of());
    }

    /**
     * A run with rolling options ({@code batchSize}, {@code maxInFlight}, {@code failureThreshold},
     * {@code commandTimeoutSeconds}; none: not rolling). The two counts are sent as numbers, the others as text.
     */
    public JsonNode run(String token, int moduleId, List<String> hosts, Map<String, String> params, Map<String, String> rolling)
            throws IOException, InterruptedException, ApiError
    {
        ObjectNode body = json.createObjectNode().put("moduleId", moduleId);
        hosts.forEach(body.putArray("hosts")::add);
        ObjectNode values = body.putObject("params");
        params.forEach(values::put);
        if (!rolling.isEmpty()) {
            ObjectNode options = body.putObject("rolling");
            rolling.forEach((name, value) -> {
                if (name.equals("maxInFlight") || name.equals("commandTimeoutSeconds")) {
                    options.put(name, Integer.parseInt(value));
                }
                else {
                    options.put(name, value);
                }
            });
        }
        return send("POST", "api/v1/runs", token, body);
    }

    /** The job's summary and counts (no hosts). */
    public JsonNode job(String token, long jobId)
            throws IOException, InterruptedException, ApiError
    {
        return send("GET", "api/v1/jobs/" + jobId + "?hostLimit=1", token, null);
    }

    /** A page of the job's events after {@code cursor}, waiting up to {@link #LONG_POLL_SECONDS} for one. */
    public JsonNode events(String token, long jobId, long cursor)
            throws IOException, InterruptedException, ApiError
    {
        return send("GET", "api/v1/jobs/" + jobId + "/events?cursor=" + cursor + "&wait=" + LONG_POLL_SECONDS + "&limit=5000", token, null);
    }

    /** The master's file store (IOMS dir). */
    public JsonNode files(String token)
            throws IOException, InterruptedException, ApiError
    {
        return send("GET", "api/v1/files", token, null);
    }

    public JsonNode removeFile(String token, String name)
            throws IOException, InterruptedException, ApiError
    {
        return send("DELETE", "api/v1/files/" + URLEncoder.encode(name, UTF_8).replace("+", "%20"), token, null);
    }

    /** Sends a local file to the store with its SHA-256, which the master checks against what it received. */
    public JsonNode uploadFile(String token, String name, java.nio.file.Path local, String sha256)
            throws IOException, InterruptedException, ApiError
    {
        String path = "api/v1/files/" + URLEncoder.encode(name, UTF_8).replace("+", "%20") + "?sha256=" + sha256;
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofHours(1)).header("Accept", "application/json")
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(local)).build();
        return answer("PUT", path, request);
    }

    /** @param name one file, or null for all */
    public JsonNode rehashFiles(String token, String name)
            throws IOException, InterruptedException, ApiError
    {
        return send("POST", "api/v1/files/rehash" + (name == null ? "" : "?name=" + URLEncoder.encode(name, UTF_8)), token, null);
    }

    private JsonNode send(String method, String path, String token, JsonNode body)
            throws IOException, InterruptedException, ApiError
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return answer(method, path, request.build());
    }

    private JsonNode answer(String method, String path, HttpRequest request)
            throws IOException, InterruptedException, ApiError
    {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        }
        catch (IOException e) {
            throw new IOException("cannot reach the gateway at " + base + " (" + e + "); check --gateway and that the gateway runs", e);
        }
        if (response.statusCode() == 204) {
            return json.createObjectNode();
        }
        JsonNode reply;
        try {
            reply = json.readTree(response.body());
        }
        catch (IOException e) {
            reply = null;
        }
        if (response.statusCode() / 100 == 2 && reply != null && reply.isObject()) {
            return reply;
        }
        if (reply != null && reply.hasNonNull("code") && reply.hasNonNull("message")) {
            throw new ApiError(response.statusCode(), reply.get("code").asText(), reply.get("message").asText());
        }
        throw new ApiError(response.statusCode(), "UNEXPECTED_REPLY", "the server at " + base + " answered HTTP " + response.statusCode()
                + " to " + method + " /" + path.replaceAll("\\?.*", "") + " without the API's JSON; check that --gateway points to an OMServer gateway");
    }
}
