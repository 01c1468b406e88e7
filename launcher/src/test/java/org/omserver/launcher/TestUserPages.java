package org.omserver.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.user.Role;
import org.omserver.gateway.TestingBrowser;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.PASSWORD;

/**
 * The /users, /account and /audit pages through the real gateway and master (MariaDB): an admin creates, changes and
 * deletes users; every user changes their own password and logs out everywhere; the audit log filters and pages by
 * id in both directions. Non-admins see no link and are refused by the master; forms without the token change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestUserPages
{
    private static final Pattern PASSWORD_SHOWN = Pattern.compile("<code class=\"password\">([^<]+)</code>");
    private static final Pattern ROW_ID = Pattern.compile("<tr(?: class=\"refused\")?>\\s*<td>([0-9]+)</td>");

    private TestingStack stack;
    private TestingBrowser admin;
    private String adminCsrf;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        admin = new TestingBrowser(stack.gatewayUri());
        adminCsrf = admin.login("admin", PASSWORD);
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAdminCreatesAUserWithAGeneratedPasswordShownOnceThenChangesAndDeletesIt()
            throws Exception
    {
        int category = stack.master().catalog().inventory().functionCategories().getFirst().id();
        HttpResponse<String> created = admin.post("/users/create", List.of("csrf", adminCsrf, "username", "olga", "role", "operator",
                "password", "", "category", String.valueOf(category)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
        HttpResponse<String> createdPage = admin.get(created.headers().firstValue("Location").orElseThrow());
        Matcher shown = PASSWORD_SHOWN.matcher(createdPage.body());
        assertThat(shown.find()).isTrue();
        String generated = shown.group(1);
        assertThat(created.headers().firstValue("Location").orElseThrow()).doesNotContain(generated);
        assertThat(createdPage.body()).contains("Created olga as operator.").contains("shown only this once");
        // reloading the page: the password is not shown again
        assertThat(admin.get(created.headers().firstValue("Location").orElseThrow()).body()).doesNotContain(generated).doesNotContain("shown only this once");
        assertThat(admin.get("/users/olga").body()).doesNotContain(generated).contains("<tr><th>Last login (UTC)</th><td>never</td></tr>");
        assertThat(stack.master().catalog().users().grants("olga")).containsExactly(category);

        TestingBrowser olga = new TestingBrowser(stack.gatewayUri());
        olga.login("olga", generated);
        HttpResponse<String> list = admin.get("/users");
        assertThat(list.body()).contains("<a href=\"/users/olga\">olga</a></td><td>operator</td>").contains("<td>enabled</td>")
                .doesNotContain("<td>never</td><td>1</td>");

        assertThat(admin.post("/users/olga/role", List.of("csrf", adminCsrf, "role", "author")).statusCode()).isEqualTo(303);
        assertThat(stack.master().catalog().users().find("olga").orElseThrow().role()).isEqualTo(Role.AUTHOR);
        assertThat(admin.post("/users/olga/grants", List.of("csrf", adminCsrf)).statusCode()).isEqualTo(303);
        assertThat(stack.master().catalog().users().grants("olga")).isEmpty();

        HttpResponse<String> disabled = admin.post("/users/olga/disable", List.of("csrf", adminCsrf));
        assertThat(disabled.statusCode()).isEqualTo(303);
        assertThat(admin.get(disabled.headers().firstValue("Location").orElseThrow()).body()).contains("Disabled olga. 1 session(s) ended.");
        assertThat(olga.get("/").headers().firstValue("Location")).hasValue("/login?expired");
        assertThat(admin.post("/users/olga/enable", List.of("csrf", adminCsrf)).statusCode()).isEqualTo(303);

        HttpResponse<String> weak = admin.post("/users/olga/reset", List.of("csrf", adminCsrf, "password", "short"));
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).contains("the chosen password is not allowed");
        HttpResponse<String> generatedReset = admin.post("/users/olga/reset", List.of("csrf", adminCsrf, "password", ""));
        assertThat(generatedReset.statusCode()).isEqualTo(303);
        String resetPage = generatedReset.headers().firstValue("Location").orElseThrow();
        Matcher newPassword = PASSWORD_SHOWN.matcher(admin.get(resetPage).body());
        assertThat(newPassword.find()).isTrue();
        // a reload shows nothing and resets nothing: the password just shown still works
        assertThat(admin.get(resetPage).body()).contains("Reset the password of olga.").doesNotContain(newPassword.group(1));
        new TestingBrowser(stack.gatewayUri()).login("olga", newPassword.group(1));
        HttpResponse<String> reset = admin.post("/users/olga/reset", List.of("csrf", adminCsrf, "password", "olga-chosen-by-admin"));
        assertThat(reset.statusCode()).isEqualTo(303);
        new TestingBrowser(stack.gatewayUri()).login("olga", "olga-chosen-by-admin");

        HttpResponse<String> unconfirmed = admin.post("/users/olga/delete", List.of("csrf", adminCsrf, "confirm", "olg"));
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(unconfirmed.body()).contains("type the user name again");
        assertThat(stack.master().catalog().users().find("olga")).isPresent();
        HttpResponse<String> deleted = admin.post("/users/olga/delete", List.of("csrf", adminCsrf, "confirm", "olga"));
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(deleted.headers().firstValue("Location").orElseThrow()).startsWith("/users?done=Deleted+olga.");
        assertThat(stack.master().catalog().users().find("olga")).isEmpty();
        assertThat(admin.get("/users/olga").statusCode()).isEqualTo(404);
    }

    @Test
    void theMastersRefusalsAreShownWithTheFormAndAdminsCannotLockThemselvesOut()
            throws Exception
    {
        HttpResponse<String> bad = admin.post("/users/create", List.of("csrf", adminCsrf, "username", "x<script>", "role", "viewer"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("user name must be 1 to 64 letters").contains("value=\"x&lt;script&gt;\"").doesNotContain("x<script>");
        HttpResponse<String> self = admin.post("/users/admin/role", List.of("csrf", adminCsrf, "role", "viewer"));
        assertThat(self.statusCode()).isEqualTo(400);
        assertThat(self.body()).contains("you cannot take the admin role from yourself");
        assertThat(admin.get("/users/admin").body()).doesNotContain("action=\"/users/admin/delete\"");
        assertThat(stack.master().catalog().users().find("admin").orElseThrow().role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void nonAdminsSeeNoUserOrAuditLinksAndTheMasterRefusesThemWhatever()
            throws Exception
    {
        TestingBrowser viewer = new TestingBrowser(stack.gatewayUri());
        String csrf = viewer.login("viewer", PASSWORD);
        HttpResponse<String> home = viewer.get("/");
        assertThat(home.body()).contains("href=\"/account\"").doesNotContain("href=\"/users\"").doesNotContain("href=\"/audit\"");
        assertThat(admin.get("/").body()).contains("href=\"/users\"").contains("href=\"/audit\"");
        assertThat(viewer.get("/users").statusCode()).isEqualTo(403);
        assertThat(viewer.get("/audit").statusCode()).isEqualTo(403);
        HttpResponse<String> create = viewer.post("/users/create", List.of("csrf", csrf, "username", "sneaky", "role", "admin"));
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(stack.master().catalog().users().find("sneaky")).isEmpty();
        assertThat(viewer.post("/users/admin/disable", List.of("csrf", csrf)).statusCode()).isEqualTo(403);
        assertThat(stack.master().catalog().users().find("admin").orElseThrow().enabled()).isTrue();

        HttpResponse<String> forged = admin.post("/users/create", List.of("username", "forged", "role", "admin"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("This form has expired");
        assertThat(stack.master().catalog().users().find("forged")).isEmpty();
    }

    @Test
    void everyUserChangesTheirOwnPasswordAndLogsOutEverywhere()
            throws Exception
    {
        stack.master().catalog().users().create("pete", "pete-first-password".toCharArray(), Role.VIEWER);
        TestingBrowser pete = new TestingBrowser(stack.gatewayUri());
        String csrf = pete.login("pete", "pete-first-password");
        TestingBrowser peteElsewhere = new TestingBrowser(stack.gatewayUri());
        peteElsewhere.login("pete", "pete-first-password");
        assertThat(pete.get("/account").body()).contains("Your account: pete (viewer)").contains("action=\"/account/password\"");

        HttpResponse<String> wrongOld = pete.post("/account/password", List.of("csrf", csrf, "oldPassword", "nope", "newPassword", "pete-second-password",
                "repeatPassword", "pete-second-password"));
        assertThat(wrongOld.statusCode()).isEqualTo(400);
        assertThat(wrongOld.body()).contains("the current password is wrong");
        HttpResponse<String> mismatch = pete.post("/account/password", List.of("csrf", csrf, "oldPassword", "pete-first-password",
                "newPassword", "pete-second-password", "repeatPassword", "pete-second-passwort"));
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(mismatch.body()).contains("differ");

        HttpResponse<String> changed = pete.post("/account/password", List.of("csrf", csrf, "oldPassword", "pete-first-password",
                "newPassword", "pete-second-password", "repeatPassword", "pete-second-password"));
        assertThat(changed.statusCode()).isEqualTo(303);
        assertThat(pete.get(changed.headers().firstValue("Location").orElseThrow()).body()).contains("Password changed; 1 other session(s) ended.");
        assertThat(peteElsewhere.get("/").headers().firstValue("Location")).hasValue("/login?expired");

        TestingBrowser peteAgain = new TestingBrowser(stack.gatewayUri());
        peteAgain.login("pete", "pete-second-password");
        HttpResponse<String> everywhere = pete.post("/account/logout-everywhere", List.of("csrf", csrf));
        assertThat(everywhere.statusCode()).isEqualTo(303);
        assertThat(everywhere.headers().firstValue("Location")).hasValue("/login?everywhere");
        assertThat(peteAgain.get("/").headers().firstValue("Location")).hasValue("/login?expired");
        assertThat(pete.get("/").headers().firstValue("Location")).hasValue("/login");
        assertThat(stack.master().catalog().audit().latest(20)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("logoutEverywhere");
            assertThat(entry.actor()).isEqualTo("pete");
        });
    }

    @Test
    void theAuditLogFiltersAndPagesOlderAndNewerWithoutGapsOrRepeats()
            throws Exception
    {
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        for (int i = 0; i < 250; i++) {
            stack.master().catalog().audit().record(new AuditEntry(at.plusSeconds(i), "auditee", "127.0.41.7", i % 2 == 0 ? "submit" : "moduleUpdate",
                    OptionalInt.of(1003), "{}", "127.0.41.8", i % 5 == 0 ? "FORBIDDEN" : "accepted",
                    Optional.of(i == 249 ? "<script>alert(1)</script>" : "row " + i)));
        }
        HttpResponse<String> first = admin.get("/audit?actor=auditee");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert")
                .doesNotContain("class=\"newer\"").contains("class=\"older\"");

        List<Long> seen = new ArrayList<>(ids(first));
        HttpResponse<String> page = first;
        List<String> olderLinks = new ArrayList<>();
        while (page.body().contains("class=\"older\"")) {
            String older = link(page, "older");
            assertThat(older).contains("actor=auditee").contains("before=");
            olderLinks.add(older);
            page = admin.get(older);
            seen.addAll(ids(page));
        }
        assertThat(seen).hasSize(250).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(new HashSet<>(seen)).hasSize(250);

        // from the last page, "newer" walks back up through the same pages
        List<Long> upward = new ArrayList<>(ids(page));
        while (page.body().contains("class=\"newer\"")) {
            page = admin.get(link(page, "newer"));
            upward.addAll(0, ids(page));
        }
        assertThat(upward).isEqualTo(seen);

        assertThat(ids(admin.get("/audit?actor=auditee&action=submit&outcome=refused"))).hasSize(25);
        assertThat(ids(admin.get("/audit?actor=auditee&since=2026-03-01T10:01&until=2026-03-01T10:02"))).hasSize(60);
        assertThat(ids(admin.get("/audit?actor=auditee&until=2026-03-01"))).isEmpty();
        HttpResponse<String> bad = admin.get("/audit?since=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("must be a UTC date and time such as 2026-12-07T09:30");
        HttpResponse<String> badOutcome = admin.get("/audit?outcome=maybe");
        assertThat(badOutcome.statusCode()).isEqualTo(400);
        assertThat(badOutcome.body()).contains("outcome must be accepted, refused or an error code");
    }

    private static List<Long> ids(HttpResponse<String> page)
    {
        List<Long> ids = new ArrayList<>();
        Matcher matcher = ROW_ID.matcher(page.body());
        while (matcher.find()) {
            ids.add(Long.parseLong(matcher.group(1)));
        }
        return ids;
    }

    private static String link(HttpResponse<String> page, String kind)
    {
        Matcher matcher = Pattern.compile("<a class=\"" + kind + "\" href=\"([^\"]+)\"").matcher(page.body());
        assertThat(matcher.find()).as(kind + " link").isTrue();
        return matcher.group(1).replace("&amp;", "&");
    }
}
