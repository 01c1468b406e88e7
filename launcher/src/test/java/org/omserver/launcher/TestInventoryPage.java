package org.omserver.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.inventory.Server;
import org.omserver.gateway.TestingBrowser;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.PASSWORD;

/**
 * {@code /inventory} over real HTTP against a real gateway, master and MariaDB: search and list, the edit form with
 * the master's problems shown and the input kept, categories and groups, the CSV import's per-row report, the export
 * download, CSRF on every POST, and a viewer who reads but cannot change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestInventoryPage
{
    private TestingStack stack;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAdminAddsEditsGroupsImportsAndExportsFromThePage()
            throws Exception
    {
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        String csrf = admin.login("admin", PASSWORD);
        HttpResponse<String> page = admin.get("/inventory");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"/inventory\"", "Server groups (IOMS server types)", "Export CSV", "Add a server", "127.0.8.2");
        int app = stack.master().catalog().inventory().appCategories().getFirst().id();

        HttpResponse<String> bad = admin.post("/inventory/save", List.of("csrf", csrf, "mode", "create", "lanIp", "127.0.40.140", "name", "page1",
                "sshPort", "70000", "backend", "ssh", "tags", "web", "appCategoryId", Integer.toString(app)));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("sshPort: must be 1 to 65535, was 70000").contains("value=\"page1\"");
        assertThat(stack.master().catalog().inventory().findByLanIps(List.of("127.0.40.140"))).isEmpty();

        HttpResponse<String> added = admin.post("/inventory/save", List.of("csrf", csrf, "mode", "create", "lanIp", "127.0.40.140", "name", "<b>page1</b>",
                "sshPort", "2222", "sshUser", "deploy", "backend", "ssh", "tags", "web eu", "appCategoryId", Integer.toString(app)));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(303);
        Server stored = stack.master().catalog().inventory().findByLanIps(List.of("127.0.40.140")).getFirst();
        assertThat(stored.tags()).containsExactly("web", "eu");
        HttpResponse<String> listed = admin.get("/inventory?q=127.0.40.140");
        assertThat(listed.body()).contains("&lt;b&gt;page1&lt;/b&gt;").doesNotContain("<b>page1</b>").contains("deploy@2222").contains("1–1 of 1 servers");

        HttpResponse<String> form = admin.get("/inventory/edit?ip=127.0.40.140");
        assertThat(form.body()).contains("value=\"deploy\"", "value=\"web eu\"");
        assertThat(admin.post("/inventory/save", List.of("csrf", csrf, "mode", "update", "lanIp", "127.0.40.140", "name", "page1", "sshPort", "22",
                "backend", "any", "tags", "web", "appCategoryId", Integer.toString(app))).statusCode()).isEqualTo(303);
        assertThat(stack.master().catalog().inventory().findByLanIps(List.of("127.0.40.140")).getFirst().name()).isEqualTo("page1");

        assertThat(admin.post("/inventory/group/add", List.of("csrf", csrf, "name", "pagegroup")).statusCode()).isEqualTo(303);
        assertThat(admin.post("/inventory/group/members", List.of("csrf", csrf, "name", "pagegroup", "op", "add", "lanIps", "127.0.40.140")).statusCode())
                .isEqualTo(303);
        assertThat(admin.get("/inventory?group=pagegroup").body()).contains("127.0.40.140").contains("1–1 of 1 servers");
        assertThat(admin.post("/inventory/category/add", List.of("csrf", csrf, "name", "Page.Fn")).statusCode()).isEqualTo(303);

        // CSV: a bad row shows the per-row report and imports nothing; a good file goes in whole
        byte[] broken = "lan_ip,name,function_category,app_category\n127.0.40.141,ok,Page.Fn,page.app\n127.0.40.142,=cmd,Page.Fn,page.app,extra\n"
                .getBytes(UTF_8);
        HttpResponse<String> report = admin.postFile("/inventory/import?csrf=" + URLEncoder.encode(csrf, UTF_8), List.of(), "file", "bad.csv", broken);
        assertThat(report.statusCode()).isEqualTo(400);
        assertThat(report.body()).contains("Nothing was imported: 1 problems", "<td>3</td><td>-</td><td>5 fields, but the header names 4 columns</td>");
        assertThat(stack.master().catalog().inventory().findByLanIps(List.of("127.0.40.141"))).isEmpty();
        byte[] good = "lan_ip,name,function_category,app_category,groups\n127.0.40.141,ok,Page.Fn,page.app,pagegroup\n".getBytes(UTF_8);
        HttpResponse<String> imported = admin.postFile("/inventory/import?csrf=" + URLEncoder.encode(csrf, UTF_8), List.of(), "file", "good.csv", good);
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(303);
        assertThat(admin.get(imported.headers().firstValue("Location").orElseThrow()).body()).contains("Imported 1 rows: 1 servers created");

        HttpResponse<String> export = admin.get("/inventory/export.csv");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(export.body()).contains("127.0.40.140,page1,,22,,any,web,", "127.0.40.141,ok,,22,,any,,Page.Fn,page.app,pagegroup");

        HttpResponse<String> unconfirmed = admin.post("/inventory/remove", List.of("csrf", csrf, "ip", "127.0.40.140", "confirm", "127.0.40"));
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(admin.post("/inventory/remove", List.of("csrf", csrf, "ip", "127.0.40.140", "confirm", "127.0.40.140")).statusCode()).isEqualTo(303);
        assertThat(stack.master().catalog().inventory().findByLanIps(List.of("127.0.40.140"))).isEmpty();
    }

    @Test
    void postsWithoutTheTokenAndViewersChangingTheInventoryAreRefused()
            throws Exception
    {
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        admin.login("admin", PASSWORD);
        HttpResponse<String> forged = admin.post("/inventory/group/add", List.of("name", "forged"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(stack.master().catalog().inventory().group("forged")).isEmpty();

        TestingBrowser viewer = new TestingBrowser(stack.gatewayUri());
        String csrf = viewer.login("viewer", PASSWORD);
        HttpResponse<String> page = viewer.get("/inventory");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("127.0.8.2").doesNotContain("Add a server").doesNotContain("/inventory/group/add");
        HttpResponse<String> refused = viewer.post("/inventory/group/add", List.of("csrf", csrf, "name", "viewers"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("your role viewer may not change the inventory");
        assertThat(stack.master().catalog().inventory().group("viewers")).isEmpty();
    }
}
