package org.omserver.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user and audit pages in a real headless Chromium (the page's own forms, under the gateway's CSP): an admin
 * creates an operator with a grant through the form, reads the password shown once, and filters the audit log for
 * that change. Screenshots land in {@code target/browser/users.png}, {@code user.png} and {@code audit.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestUserPagesBrowser
{
    private static final Duration PAGE_WAIT = Duration.ofSeconds(30);

    private TestingStack stack;
    private TestingChromium browser;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        browser = TestingChromium.start();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAdminCreatesAnOperatorInTheFormAndFindsTheChangeInTheAuditLog()
            throws Exception
    {
        URI gateway = stack.gatewayUri();
        browser.navigate(gateway.resolve("/login"));
        browser.script("document.querySelector('[name=username]').value = 'admin';"
                + "document.querySelector('[name=password]').value = arguments[0];"
                + "document.querySelector('form').submit();", TestingStack.PASSWORD);
        browser.await("the run page", PAGE_WAIT, "return location.pathname", path -> path.asText().equals("/"));
        JsonNode nav = browser.script("return [...document.querySelectorAll('nav a')].map(a => a.textContent)");
        assertThat(nav.toString()).contains("Users").contains("Audit").contains("Account");

        browser.navigate(gateway.resolve("/users"));
        browser.await("the user list", PAGE_WAIT, "return document.querySelector('h1') && document.querySelector('h1').textContent",
                title -> title.asText().equals("Users"));
        browser.screenshot(Path.of("target", "browser", "users.png"));
        browser.script("var form = document.querySelector('form.user-create');"
                + "form.querySelector('[name=username]').value = 'opal';"
                + "form.querySelector('[name=role]').value = 'operator';"
                + "form.querySelector('[name=category]').checked = true;"
                + "form.querySelector('button[type=submit]').click();");
        JsonNode shown = browser.await("the generated password", PAGE_WAIT,
                "var code = document.querySelector('code.password'); return code ? code.textContent : ''", text -> !text.asText().isEmpty());
        assertThat(shown.asText()).hasSize(20);
        browser.screenshot(Path.of("target", "browser", "user.png"));
        assertThat(stack.master().catalog().users().grants("opal")).hasSize(1);
        new org.omserver.gateway.TestingBrowser(gateway).login("opal", shown.asText());

        browser.navigate(gateway.resolve("/audit"));
        browser.await("the audit page", PAGE_WAIT, "return document.querySelector('h1') && document.querySelector('h1').textContent",
                title -> title.asText().equals("Audit log"));
        browser.script("var form = document.querySelector('form.filters');"
                + "form.querySelector('[name=action]').value = 'userChange';"
                + "form.querySelector('button[type=submit]').click();");
        JsonNode details = browser.await("the filtered audit rows", PAGE_WAIT,
                "return location.search.includes('action=userChange') ? [...document.querySelectorAll('table.audit tbody tr td:last-child')]"
                        + ".map(td => td.textContent) : []", rows -> rows.size() > 0);
        assertThat(details.toString()).contains("create opal as operator, grants Linux.Web");
        browser.screenshot(Path.of("target", "browser", "audit.png"));
    }
}
