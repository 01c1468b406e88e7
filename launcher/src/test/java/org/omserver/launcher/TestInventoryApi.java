package org.omserver.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.PASSWORD;

/** The inventory routes of the JSON API over real HTTP, to a real master on MariaDB: every change, refusals as JSON, the CSV round trip. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestInventoryApi
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestingStack stack;
    private String admin;
    private String viewer;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        admin = token("admin");
        viewer = token("viewer");
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void serversCategoriesAndGroupsAreManagedThroughTheApi()
            throws Exception
    {
        JsonNode function = created(send("POST", "/api/v1/categories", admin, "application/json", "{\"name\": \"Api.Inventory\"}"));
        JsonNode app = created(send("POST", "/api/v1/categories", admin, "application/json",
                "{\"name\": \"api.inventory\", \"functionCategoryId\": " + function.get("id").asInt() + "}"));
        int appId = app.get("id").asInt();
        assertThat(app.get("kind").asText()).isEqualTo("app");

        JsonNode server = created(send("POST", "/api/v1/servers", admin, "application/json", "{\"lanIp\": \"127.0.40.120\", \"name\": \"api1\", "
                + "\"appCategoryId\": " + appId + ", \"sshPort\": 2200, \"sshUser\": \"deploy\", \"backend\": \"ssh\", \"tags\": [\"Api\", \"eu\"]}")).get("server");
        assertThat(server.get("tags").toString()).isEqualTo("[\"api\",\"eu\"]");
        assertThat(server.get("preferredBackend").asText()).isEqualTo("ssh");

        error(send("POST", "/api/v1/servers", admin, "application/json", "{\"lanIp\": \"127.0.40.999\", \"name\": \"x\", \"appCategoryId\": " + appId
                + ", \"sshPort\": 0}"), 400, "INVALID_REQUEST", "sshPort: must be 1 to 65535");
        error(send("POST", "/api/v1/servers", viewer, "application/json", "{\"lanIp\": \"127.0.40.121\", \"name\": \"x\", \"appCategoryId\": " + appId + "}"),
                403, "FORBIDDEN", "may not change the inventory");
        error(send("POST", "/api/v1/servers", admin, "application/json", "{\"lanIp\": \"127.0.40.121\", \"name\": \"x\", \"appCategoryId\": 1, \"colour\": 1}"),
                400, "INVALID_REQUEST", "unknown field 'colour'");

        JsonNode updated = ok(send("PUT", "/api/v1/servers/127.0.40.120", admin, "application/json", "{\"name\": \"api1-new\", \"appCategoryId\": " + appId
                + ", \"tags\": [\"eu\"]}")).get("server");
        assertThat(updated.get("name").asText()).isEqualTo("api1-new");
        assertThat(updated.get("sshPort").asInt()).isEqualTo(22);

        JsonNode search = ok(send("GET", "/api/v1/servers?tag=eu&limit=10", viewer, null, null));
        assertThat(search.get("total").asInt()).isEqualTo(1);
        assertThat(search.get("servers").findValuesAsText("lanIp")).containsExactly("127.0.40.120");
        error(send("GET", "/api/v1/servers?tag=eu&ip=127.0.40.120", viewer, null, null), 400, "INVALID_REQUEST", "does not combine");

        JsonNode group = created(send("POST", "/api/v1/groups", admin, "application/json", "{\"name\": \"api-group\"}")).get("group");
        assertThat(group.get("members")).isEmpty();
        assertThat(ok(send("POST", "/api/v1/groups/api-group/members", admin, "application/json", "{\"add\": [\"127.0.40.120\"]}")).get("group")
                .get("members").toString()).isEqualTo("[\"127.0.40.120\"]");
        error(send("POST", "/api/v1/groups/api-group/members", admin, "application/json", "{\"add\": [\"192.0.2.77\"]}"), 404, "NOT_FOUND",
                "not in the inventory: '192.0.2.77'");
        assertThat(ok(send("GET", "/api/v1/groups", viewer, null, null)).get("groups").toString()).contains("\"api-group\"", "127.0.40.120");
        assertThat(ok(send("PUT", "/api/v1/groups/api-group", admin, "application/json", "{\"name\": \"api-edge\"}")).get("group").get("name").asText())
                .isEqualTo("api-edge");

        error(send("DELETE", "/api/v1/categories/app/" + appId, admin, null, null), 400, "INVALID_REQUEST", "still holds 1 servers (127.0.40.120)");
        assertThat(ok(send("POST", "/api/v1/servers/127.0.40.120/move", admin, "application/json", "{\"appCategoryId\": " + appId + "}"))
                .get("server").get("appCategoryId").asInt()).isEqualTo(appId);
        assertThat(ok(send("DELETE", "/api/v1/servers/127.0.40.120", admin, null, null)).get("removed").get("lanIp").asText()).isEqualTo("127.0.40.120");
        assertThat(ok(send("DELETE", "/api/v1/groups/api-edge", admin, null, null)).get("removed").get("members")).isEmpty();
        assertThat(ok(send("PUT", "/api/v1/categories/app/" + appId, admin, "application/json", "{\"name\": \"api.renamed\"}")).get("name").asText())
                .isEqualTo("api.renamed");
        ok(send("DELETE", "/api/v1/categories/app/" + appId, admin, null, null));
        ok(send("DELETE", "/api/v1/categories/function/" + function.get("id").asInt(), admin, null, null));
        error(send("DELETE", "/api/v1/categories/colour/1", admin, null, null), 404, "NOT_FOUND", "categories are /api/v1/categories/function/{id}");
    }

    @Test
    void theCsvIsExportedAndImportedAllOrNothingWithItsOwnCap()
            throws Exception
    {
        HttpResponse<String> exported = send("GET", "/api/v1/inventory.csv", viewer, null, null);
        assertThat(exported.statusCode()).isEqualTo(200);
        assertThat(exported.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(exported.headers().firstValue("Content-Disposition").orElseThrow()).contains("inventory.csv");
        assertThat(exported.body()).startsWith("lan_ip,name,wan_ip,ssh_port,ssh_user,backend,tags,function_category,app_category,groups\r\n");

        String bad = "lan_ip,name,function_category,app_category\n127.0.40.130,csv-ok,Csv.Api,csv.api\n127.0.40.131,bad\u0000name,Csv.Api,csv.api\n";
        HttpResponse<String> refused = send("POST", "/api/v1/inventory.csv", admin, "text/csv", bad);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode report = JSON.readTree(refused.body());
        assertThat(report.get("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(report.get("problems").get(0).get("row").asInt()).isEqualTo(3);
        assertThat(report.get("problems").get(0).get("column").asText()).isEqualTo("name");
        assertThat(stack.master().catalog().inventory().findByLanIps(List.of("127.0.40.130"))).isEmpty();

        String good = "lan_ip,name,function_category,app_category\n127.0.40.130,csv-ok,Csv.Api,csv.api\n";
        assertThat(ok(send("POST", "/api/v1/inventory.csv?dryRun=true", admin, "text/csv", good)).get("imported").asBoolean()).isFalse();
        assertThat(stack.master().catalog().inventory().findByLanIps(List.of("127.0.40.130"))).isEmpty();
        JsonNode imported = ok(send("POST", "/api/v1/inventory.csv", admin, "text/csv", good));
        assertThat(imported.get("imported").asBoolean()).isTrue();
        assertThat(imported.get("created").asInt()).isEqualTo(1);
        error(send("POST", "/api/v1/inventory.csv", viewer, "text/csv", good), 403, "FORBIDDEN", "may not change the inventory");
        error(send("POST", "/api/v1/inventory.csv", admin, "application/json", "{}"), 415, "UNSUPPORTED_MEDIA_TYPE", "text/csv");
        // larger than the JSON body cap (64 KiB) but within the CSV cap: the CSV cap applies
        StringBuilder big = new StringBuilder("lan_ip,name,function_category,app_category\n");
        for (int i = 0; i < 2000; i++) {
            big.append("127.0.41.").append(i % 250).append(",").append("n".repeat(30)).append(",Csv.Api,csv.api\n");
        }
        assertThat(big.length()).isGreaterThan(64 * 1024);
        HttpResponse<String> duplicates = send("POST", "/api/v1/inventory.csv?dryRun=true", admin, "text/csv", big.toString());
        assertThat(duplicates.statusCode()).isEqualTo(400);
        assertThat(duplicates.body()).contains("is in the file twice");
        error(send("POST", "/api/v1/inventory.csv", admin, "text/csv", "x".repeat(5 * 1024 * 1024 + 1)), 413, "PAYLOAD_TOO_LARGE", "5 MiB");
    }

    private String token(String username)
            throws Exception
    {
        HttpResponse<String> reply = send("POST", "/api/v1/tokens", null, "application/json",
                JSON.writeValueAsString(Map.of("username", username, "password", PASSWORD)));
        return created(reply).get("token").asText();
    }

    private HttpResponse<String> send(String method, String path, String token, String type, String body)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.gatewayUri().resolve(path)).timeout(Duration.ofSeconds(40))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response)
            throws Exception
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode created(HttpResponse<String> response)
            throws Exception
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static void error(HttpResponse<String> response, int status, String code, String message)
            throws Exception
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).contains(message);
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }
}
