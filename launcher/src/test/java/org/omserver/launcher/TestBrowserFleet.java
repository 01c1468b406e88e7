package org.omserver.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run view in a real headless Chromium at fleet scale: several thousand synthetic hosts (master-rpc's test
 * backend, paced at {@link #RATE} hosts a second) through the real master and gateway. The host table stays windowed
 * (a bounded number of rows in the DOM while scrolling shows the last hosts), the failed filter and the counts agree
 * with the master; the event stream cut mid-job by the relay in front of the gateway resumes from the last id with
 * every host once and no seq gap; and bad rolling options are refused on the confirm page with what to enter, with
 * nothing launched. No timing is asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestBrowserFleet
{
    private static final int HOSTS = 3000;
    private static final int RATE = 600;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private TestingFleet fleet;
    private TestingCutProxy proxy;
    private TestingChromium browser;

    @BeforeAll
    void start()
            throws Exception
    {
        fleet = new TestingFleet(HOSTS, Map.of("run.max-parallel", "200", "executor.synthetic.hosts-per-second", String.valueOf(RATE),
                "executor.synthetic.failure-ratio", "0.1"));
        proxy = new TestingCutProxy(fleet.gatewayUri());
        browser = TestingChromium.start();
        URI base = proxy.uri();
        browser.navigate(base.resolve("/login"));
        browser.script("document.querySelector('[name=username]').value = 'admin';"
                + "document.querySelector('[name=password]').value = arguments[0];"
                + "document.querySelector('form').submit();", TestingStack.PASSWORD);
        browser.await("the run page", WAIT, "return location.pathname", path -> path.asText().equals("/"));
    }

    @AfterAll
    void stop()
            throws Exception
    {
        if (browser != null) {
            browser.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void theHostTableStaysWindowedAtThousandsOfHostsAndAgreesWithTheMaster()
            throws Exception
    {
        runOnEveryHost();
        awaitFinished();
        JsonNode summary = summary();
        int failed = summary.path("progress").path("failed").asInt();
        assertThat(failed).isPositive();
        assertThat(summary.path("progress").path("succeeded").asInt()).isEqualTo(HOSTS - failed);
        assertThat(text(".count-failed")).isEqualTo(String.valueOf(failed));
        assertThat(text(".count-success")).isEqualTo(String.valueOf(HOSTS - failed));
        assertThat(text("#progress")).isEqualTo(HOSTS + "/" + HOSTS);
        assertEveryEventOnce(failed);

        // only the rows in view (plus a few above and below) exist, however many hosts there are
        int pooled = browser.script("return document.querySelectorAll('#host-spacer .hostrow').length").asInt();
        assertThat(pooled).isBetween(10, 100);
        assertThat(rowsShown().toString()).contains("fleet0 (");
        // scrolled to the end, the last hosts are drawn, from the same pool
        browser.script("var v = document.getElementById('host-viewport'); v.scrollTop = v.scrollHeight;");
        JsonNode end = browser.await("the last host after scrolling", WAIT, "return [...document.querySelectorAll('#host-spacer .hostrow:not([hidden])')]"
                + ".map(r => r.querySelector('.cell-host').textContent)", rows -> rows.toString().contains("fleet" + (HOSTS - 1) + " ("));
        assertThat(end.toString()).doesNotContain("fleet0 (");
        assertThat(browser.script("return document.querySelectorAll('#host-spacer .hostrow').length").asInt()).isBetween(10, 100);

        // the failed filter: the master's count, every row shown failed
        browser.script("var v = document.getElementById('host-viewport'); v.scrollTop = 0;"
                + "var f = document.getElementById('filter-state'); f.value = 'failed'; f.dispatchEvent(new Event('change'));");
        browser.await("the failed hosts only", WAIT, "return document.getElementById('matching').textContent",
                matching -> matching.asText().equals(failed + " of " + HOSTS + " hosts match"));
        JsonNode states = browser.script("return [...document.querySelectorAll('#host-spacer .hostrow:not([hidden])')].map(r => r.querySelector('.cell-state').textContent)");
        assertThat(states.size()).isPositive();
        states.forEach(state -> assertThat(state.asText()).isEqualTo("failed"));
        browser.script("var f = document.getElementById('filter-state'); f.value = 'all'; f.dispatchEvent(new Event('change'));");
        browser.screenshot(Path.of("target", "browser", "fleet.png"));
    }

    @Test
    void theStreamCutMidJobResumesWithEveryHostOnceAndNoGap()
            throws Exception
    {
        runOnEveryHost();
        String jobPath = browser.script("return location.pathname").asText();
        // cut while hosts are still finishing: past the QUEUED events, well before the end
        browser.await("the job under way", WAIT, "return window.__omsStats.renderedDone", done -> done.asInt() > 100);
        assertThat(text("#state")).isNotEqualTo("finished");
        int cut = proxy.cutAll();
        assertThat(cut).isPositive();
        long seenAtCut = browser.script("return window.__omsStats.lastSeq").asLong();
        awaitFinished();
        int failed = summary().path("progress").path("failed").asInt();
        assertThat(text(".count-failed")).isEqualTo(String.valueOf(failed));
        assertThat(text("#progress")).isEqualTo(HOSTS + "/" + HOSTS);
        assertThat(browser.script("return document.getElementById('matching').textContent").asText()).isEqualTo(HOSTS + " hosts");
        assertEveryEventOnce(failed);
        // the browser came back on its own (EventSource retry) and asked for what followed the last id it had
        List<String> resumed = proxy.requestHeads().stream().filter(head -> head.startsWith("GET " + jobPath + "/events"))
                .filter(head -> head.toLowerCase(java.util.Locale.ROOT).contains("last-event-id:")).toList();
        assertThat(resumed).isNotEmpty();
        long resumedFrom = Long.parseLong(resumed.getFirst().replaceAll("(?is).*last-event-id:\\s*(\\d+).*", "$1"));
        assertThat(resumedFrom).isGreaterThanOrEqualTo(seenAtCut);
    }

    @Test
    void badRollingOptionsAreRefusedOnTheConfirmPageAndNothingIsLaunched()
            throws Exception
    {
        long jobsBefore = fleet.count("SELECT COUNT(*) FROM oms_job");
        List<String> ten = fleet.hosts().subList(0, 10);
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("batchSize=0", "Batch size must be from 1 to 10 (the number of servers chosen), was 0.");
        expected.put("batchSize=150%", "Batch size must be a percentage from 1% to 100%, was '150%'.");
        expected.put("batchSize=abc", "Batch size must be a whole number of hosts or a percentage such as 25%, was 'abc'.");
        expected.put("failureThreshold=-1", "Failure threshold must be a whole number of hosts or a percentage such as 25%, was '-1'.");
        expected.put("failureThreshold=-10%", "Failure threshold must be a whole number of hosts or a percentage such as 25%, was '-10%'.");
        expected.put("maxInFlight=-3", "Max in flight must be a whole number from 1 up, was '-3'.");
        expected.put("commandTimeoutSeconds=0", "Per-host timeout must be a whole number from 1 to 60 (the module's timeout), was '0'.");
        // the gateway does not know run.max-parallel: the master refuses, and its message is shown the same way
        expected.put("maxInFlight=999", "The master refused the run: invalid rolling settings: maxInFlight must be a whole number from 1 to 200 (run.max-parallel of this master), was '999'");
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            String field = entry.getKey().substring(0, entry.getKey().indexOf('='));
            String value = entry.getKey().substring(entry.getKey().indexOf('=') + 1);
            confirm(ten);
            browser.script("document.querySelector('[name=\"rolling.' + arguments[0] + '\"]').value = arguments[1];"
                    + "document.querySelector('form[action=\"/run\"] button.primary').click();", field, value);
            JsonNode errors = browser.await("the refusal of " + entry.getKey(), WAIT,
                    "var e = document.getElementById('errors'); return e ? e.textContent : ''", shown -> !shown.asText().isEmpty());
            assertThat(errors.asText()).contains(entry.getValue());
            assertThat(browser.script("return location.pathname").asText()).isEqualTo("/run");
            // the confirm page again, with the value as typed, ready to correct
            assertThat(browser.script("return document.querySelector('[name=\"rolling.' + arguments[0] + '\"]').value", field).asText()).isEqualTo(value);
            assertThat(browser.script("return document.querySelectorAll('form[action=\"/run\"] input[name=target]').length").asInt()).isEqualTo(10);
        }
        assertThat(fleet.count("SELECT COUNT(*) FROM oms_job")).isEqualTo(jobsBefore);
        browser.screenshot(Path.of("target", "browser", "rolling-refused.png"));
    }

    /** Posts the run form for module 1003 on every host from the page (as the confirm page's Run button does) and waits for the job page. */
    private void runOnEveryHost()
            throws Exception
    {
        browser.navigate(proxy.uri().resolve("/"));
        browser.script("var form = document.createElement('form'); form.method = 'post'; form.action = '/run';"
                + "function add(name, value) { var i = document.createElement('input'); i.type = 'hidden'; i.name = name; i.value = value; form.appendChild(i); }"
                + "add('csrf', document.querySelector('[name=csrf]').value); add('moduleId', '1003');"
                + "arguments[0].forEach(ip => add('target', ip)); document.body.appendChild(form); form.submit();", fleet.hosts());
        browser.await("the job page", WAIT, "return location.pathname", path -> path.asText().matches("/jobs/\\d+"));
    }

    /** The confirm page for module 1003 on {@code targets}, reached by posting the run page's form. */
    private void confirm(List<String> targets)
            throws Exception
    {
        browser.navigate(proxy.uri().resolve("/"));
        browser.script("var form = document.getElementById('run-form');"
                + "var servers = document.getElementById('servers');"
                + "[...servers.options].forEach(o => o.selected = arguments[0].includes(o.value));"
                + "var module = document.getElementById('module'); module.value = '1003'; module.dispatchEvent(new Event('change', {bubbles: true}));"
                + "form.submit();", targets);
        browser.await("the confirm page", WAIT, "return location.pathname", path -> path.asText().equals("/confirm"));
    }

    private void awaitFinished()
            throws Exception
    {
        browser.await("the end of the job", WAIT, "return document.getElementById('state').textContent", state -> state.asText().equals("finished"));
        browser.await("every host drawn", WAIT, "return window.__omsStats.renderedDone", done -> done.asInt() == HOSTS);
    }

    /** Every event of the job applied once: QUEUED, STARTED, STDOUT, FINISHED per host and STDERR per failed host, seq 1..n without a gap. */
    private void assertEveryEventOnce(int failed)
            throws Exception
    {
        JsonNode stats = browser.script("return window.__omsStats");
        assertThat(stats.path("gaps").asInt()).isZero();
        assertThat(stats.path("duplicates").asInt()).isZero();
        assertThat(stats.path("lastSeq").asLong()).isEqualTo(4L * HOSTS + failed);
        assertThat(stats.path("events").asLong()).isEqualTo(4L * HOSTS + failed);
    }

    private JsonNode summary()
            throws Exception
    {
        String body = browser.script("var r = new XMLHttpRequest(); r.open('GET', location.pathname + '/summary.json', false); r.send(); return r.responseText;").asText();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
    }

    private String text(String selector)
            throws Exception
    {
        return browser.script("return document.querySelector(arguments[0]).textContent", selector).asText();
    }

    private JsonNode rowsShown()
            throws Exception
    {
        return browser.script("return [...document.querySelectorAll('#host-spacer .hostrow:not([hidden])')].map(r => r.querySelector('.cell-host').textContent)");
    }
}
