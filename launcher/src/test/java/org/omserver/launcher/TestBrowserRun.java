package org.omserver.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages' JavaScript in a real headless Chromium against the whole stack (MariaDB, OpenSSH, master, gateway):
 * log in, use the cascading pickers, confirm, run, watch each host's block arrive, see the Retry button once the
 * job ended, download the results. A screenshot is kept in {@code target/browser/job.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestBrowserRun
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
    void runAModuleFromThePickersAndWatchEachHostArrive()
            throws Exception
    {
        URI gateway = stack.gatewayUri();
        browser.navigate(gateway.resolve("/login"));
        browser.script("document.querySelector('[name=username]').value = 'admin';"
                + "document.querySelector('[name=password]').value = arguments[0];"
                + "document.querySelector('form').submit();", TestingStack.PASSWORD);
        browser.await("the run page", PAGE_WAIT, "return location.pathname", path -> path.asText().equals("/"));

        // the application category narrows the server list to its hosts
        JsonNode narrowed = browser.script("var app = document.getElementById('app-categ');"
                + "app.value = [...app.options].find(o => o.text === arguments[0]).value;"
                + "app.dispatchEvent(new Event('change', {bubbles: true}));"
                + "return [...document.getElementById('servers').options].map(o => o.value);", TestingStack.GROUP);
        assertThat(values(narrowed)).containsExactlyInAnyOrderElementsOf(TestingStack.SSH_HOSTS);

        List<String> targets = new ArrayList<>(TestingStack.SSH_HOSTS);
        targets.add(TestingStack.DEAD_HOST);
        JsonNode caption = browser.script("var app = document.getElementById('app-categ'); app.selectedIndex = 0;"
                + "app.dispatchEvent(new Event('change', {bubbles: true}));"
                + "[...document.getElementById('servers').options].forEach(o => o.selected = arguments[0].includes(o.value));"
                + "var module = document.getElementById('module'); module.value = '1003';"
                + "module.dispatchEvent(new Event('change', {bubbles: true}));"
                + "return document.getElementById('run-form').textContent;", targets);
        assertThat(caption.asText()).contains("/etc/issue");
        browser.script("document.getElementById('run-form').submit();");
        browser.await("the confirm page", PAGE_WAIT, "return location.pathname", path -> path.asText().equals("/confirm"));
        assertThat(browser.script("return document.body.textContent").asText()).contains(targets);
        browser.script("document.querySelector('form[action=\"/run\"]').submit();");
        browser.await("the job page", PAGE_WAIT, "return location.pathname", path -> path.asText().matches("/jobs/\\d+"));

        browser.await("the end of the job", PAGE_WAIT, "return document.getElementById('state').textContent",
                state -> state.asText().equals("finished"));
        JsonNode hosts = browser.await("three rows in the host table", PAGE_WAIT,
                "return [...document.querySelectorAll('#host-spacer .hostrow:not([hidden])')].map(r => ({"
                + "name: r.querySelector('.cell-host').textContent, state: r.querySelector('.cell-state').textContent,"
                + "output: r.querySelector('.cell-output').textContent}))", rows -> rows.size() == 3);
        String osVersion = localOsVersion();
        for (JsonNode host : hosts) {
            String name = host.get("name").asText();
            if (name.contains(TestingStack.DEAD_HOST)) {
                assertThat(host.get("state").asText()).isEqualTo("failed: UNREACHABLE");
            }
            else {
                assertThat(host.get("state").asText()).isEqualTo("success");
                assertThat(host.get("output").asText()).isEqualTo(osVersion.strip());
            }
        }
        assertThat(browser.script("return document.querySelector('.count-failed').textContent + '/' + "
                + "document.querySelector('.count-success').textContent").asText()).isEqualTo("1/2");
        // no seq was skipped or repeated on the way to the page
        assertThat(browser.script("return window.__omsStats.gaps + window.__omsStats.duplicates").asInt()).isZero();

        // filter failed: only the unreachable host is left; its output opens with stdout and stderr apart
        browser.script("var f = document.getElementById('filter-state'); f.value = 'failed'; f.dispatchEvent(new Event('change'));");
        JsonNode failed = browser.await("only the failed host", PAGE_WAIT,
                "return [...document.querySelectorAll('#host-spacer .hostrow')].filter(r => r.offsetParent !== null)"
                + ".map(r => r.querySelector('.cell-host').textContent)",
                rows -> rows.size() == 1);
        assertThat(failed.get(0).asText()).contains(TestingStack.DEAD_HOST);
        browser.script("document.querySelector('#host-spacer .hostrow:not([hidden])').click();");
        browser.await("the failed host's output", PAGE_WAIT, "return document.querySelector('#host-detail .detail-status').textContent",
                status -> status.asText().startsWith("failed: UNREACHABLE"));
        assertThat(browser.script("return document.getElementById('host-detail').hidden").asBoolean()).isFalse();
        assertThat(values(browser.script("return [...document.querySelectorAll('.actions button')].map(b => b.textContent)")))
                .contains("Retry failed and unreachable hosts");

        String results = browser.script("var request = new XMLHttpRequest();"
                + "request.open('GET', location.pathname + '/results.txt', false); request.send(); return request.responseText;").asText();
        for (String target : targets) {
            assertThat(results).contains("== " + target + " ");
        }
        browser.screenshot(Path.of("target", "browser", "job.png"));
    }

    private static List<String> values(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static String localOsVersion()
            throws Exception
    {
        Process process = new ProcessBuilder("head", "-n", "1", "/etc/issue").start();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        process.waitFor();
        return out;
    }
}
