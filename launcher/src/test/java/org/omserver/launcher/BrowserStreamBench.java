package org.omserver.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark (not a test; run by {@code bench/browser-stream.sh}): a synthetic job of N hosts, completed by the
 * synthetic backend at a controlled rate, streamed through the real master and gateway (MariaDB included) to the job
 * page in headless Chromium. Per N it prints one row: how long the master took, how long after the master recorded
 * the job finished (its last host's result stored) the page showed every host finished ({@code __omsStats.allShownAt}),
 * the page's longest gap between animation frames and its long tasks while streaming, the JS heap (CDP
 * {@code Performance.getMetrics}) at the end and after a forced GC, and the DOM size.
 *
 * <p>Arguments: host counts (default {@code 1000 10000}); system properties {@code rate} (hosts/s, default 2000),
 * {@code runs} (per N, default 1), {@code profile} (true: also a CPU profile of the page's JavaScript from submit to
 * the last host shown, summarized by function).
 */
public final class BrowserStreamBench
{
    /** Installed before the page's own scripts: frame gaps and long tasks from the first frame on. */
    private static final String PROBE = """
            window.__bench = { maxGap: 0, frames: 0, longTasks: 0, longestTask: 0, longestTaskAt: 0, longTaskMillis: 0, gaps50: 0, streamOpenAt: 0, tasks: [] };
            (function () {
              function now() { return performance.timeOrigin + performance.now(); }
              // when the page's event stream first opened (the page's own EventSource, unchanged otherwise)
              var Native = window.EventSource;
              function Probed(url, options) {
                var source = new Native(url, options);
                source.addEventListener('open', function () { if (!window.__bench.streamOpenAt) { window.__bench.streamOpenAt = now(); } });
                return source;
              }
              Probed.prototype = Native.prototype;
              Probed.CONNECTING = Native.CONNECTING; Probed.OPEN = Native.OPEN; Probed.CLOSED = Native.CLOSED;
              window.EventSource = Probed;
              var last = 0;
              function frame(t) {
                if (last) { var gap = t - last; if (gap > window.__bench.maxGap) { window.__bench.maxGap = gap; } if (gap > 50) { window.__bench.gaps50++; } }
                last = t; window.__bench.frames++;
                if (!window.__bench.stop) { requestAnimationFrame(frame); }
              }
              requestAnimationFrame(frame);
              try {
                new PerformanceObserver(function (list) {
                  list.getEntries().forEach(function (e) {
                    window.__bench.longTasks++; window.__bench.longTaskMillis += e.duration;
                    if (e.duration > window.__bench.longestTask) { window.__bench.longestTask = e.duration; window.__bench.longestTaskAt = performance.timeOrigin + e.startTime; }
                    window.__bench.tasks.push([Math.round(performance.timeOrigin + e.startTime), Math.round(e.duration)]);
                  });
                }).observe({ type: 'longtask', buffered: true });
              } catch (e) { window.__bench.longTasks = -1; }
            })();
            """;
    private static final Duration WAIT = Duration.ofMinutes(5);

    private BrowserStreamBench() {}

    public static void main(String[] args)
            throws Exception
    {
        List<Integer> counts = new ArrayList<>();
        for (String arg : args.length == 0 ? new String[] {"1000", "10000"} : args) {
            counts.add(Integer.parseInt(arg));
        }
        int rate = Integer.getInteger("rate", 2000);
        int runs = Integer.getInteger("runs", 1);
        List<String> rows = new ArrayList<>();
        String header = String.format(Locale.ROOT, "%6s %6s %8s %9s %9s %9s %9s %11s %11s %10s %12s %9s %9s %6s %8s",
                "hosts", "rate/s", "events", "master s", "opened s", "stream s", "page s", "lag last ms", "max gap ms", "gaps>50ms", "long tasks", "longest", "heap MiB", "GC'd", "DOM");
        for (int n : counts) {
            for (int run = 0; run < runs; run++) {
                String row = measure(n, rate);
                System.out.println(header);
                System.out.println(row);
                rows.add(row);
            }
        }
        System.out.println();
        System.out.println(header);
        rows.forEach(System.out::println);
        System.out.println("master s = job created to finished (master clock); opened s = job created to the job page's navigation start; stream s = to its event stream's open; page s = job created to the first frame showing every host "
                + "finished; lag last = that frame minus the master's finish time; gaps/long tasks while the page streamed; heap = CDP "
                + "JSHeapUsedSize at the end and after a forced GC; DOM = element count; cores=" + Runtime.getRuntime().availableProcessors());
    }

    private static String measure(int hosts, int rate)
            throws Exception
    {
        try (TestingFleet fleet = new TestingFleet(hosts, Map.of("run.max-parallel", "500", "rpc.worker-threads", "64",
                "executor.synthetic.hosts-per-second", String.valueOf(rate), "executor.synthetic.failure-ratio", "0.02"));
                TestingChromium browser = TestingChromium.start()) {
            browser.cdp("Performance.enable", Map.of());
            browser.cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
            browser.navigate(fleet.gatewayUri().resolve("/login"));
            browser.script("document.querySelector('[name=username]').value = 'admin';"
                    + "document.querySelector('[name=password]').value = arguments[0];"
                    + "document.querySelector('form').submit();", TestingStack.PASSWORD);
            browser.await("the run page", WAIT, "return location.pathname", path -> path.asText().equals("/"));
            // the run page lists every server; the history page is lighter and has the session's form token too
            browser.navigate(fleet.gatewayUri().resolve("/jobs"));
            boolean profile = Boolean.getBoolean("profile");
            if (profile) {
                browser.cdp("Profiler.enable", Map.of());
                browser.cdp("Profiler.setSamplingInterval", Map.of("interval", 500));
                browser.cdp("Profiler.start", Map.of());
            }
            browser.script("var form = document.createElement('form'); form.method = 'post'; form.action = '/run';"
                    + "function add(name, value) { var i = document.createElement('input'); i.type = 'hidden'; i.name = name; i.value = value; form.appendChild(i); }"
                    + "add('csrf', document.querySelector('[name=csrf]').value); add('moduleId', '1003');"
                    + "arguments[0].forEach(ip => add('target', ip)); document.body.appendChild(form); form.submit();", fleet.hosts());
            browser.await("the job page", WAIT, "return location.pathname", path -> path.asText().matches("/jobs/\\d+"));
            // polled sparingly: each poll is a script run on the page's main thread
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (browser.script("return window.__omsStats ? window.__omsStats.allShownAt : 0").asDouble() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the page did not show every host finished within " + WAIT);
                }
                Thread.sleep(500);
            }
            if (profile) {
                printProfile(browser.cdp("Profiler.stop", Map.of()).get("profile"));
            }
            JsonNode stats = browser.script("window.__bench.stop = true; return {oms: window.__omsStats, bench: window.__bench,"
                    + " dom: document.getElementsByTagName('*').length, opened: performance.timeOrigin}");
            JsonNode summary = new ObjectMapper().readTree(browser.script("var r = new XMLHttpRequest();"
                    + "r.open('GET', location.pathname + '/summary.json', false); r.send(); return r.responseText;").asText());
            double heap = metric(browser.cdp("Performance.getMetrics", Map.of()), "JSHeapUsedSize");
            browser.cdp("HeapProfiler.collectGarbage", Map.of());
            double heapAfterGc = metric(browser.cdp("Performance.getMetrics", Map.of()), "JSHeapUsedSize");

            // the same job page opened again once the job has ended: the whole stream replayed as fast as it goes
            browser.navigate(fleet.gatewayUri().resolve(browser.script("return location.pathname").asText()));
            deadline = System.nanoTime() + WAIT.toNanos();
            while (browser.script("return window.__omsStats ? window.__omsStats.allShownAt : 0").asDouble() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the reopened page did not show every host finished within " + WAIT);
                }
                Thread.sleep(200);
            }
            JsonNode replay = browser.script("return {shown: window.__omsStats.allShownAt, open: window.__bench.streamOpenAt, "
                    + "events: window.__omsStats.events, gaps: window.__omsStats.gaps + window.__omsStats.duplicates, maxGap: window.__bench.maxGap}");
            double replaySeconds = (replay.get("shown").asDouble() - replay.get("open").asDouble()) / 1000.0;
            if (replay.get("gaps").asInt() != 0 || replay.get("events").asLong() != stats.get("oms").get("events").asLong()) {
                throw new IllegalStateException("the replay lost or repeated events: " + replay);
            }
            System.out.printf(Locale.ROOT, "replay of the ended job: %d events in %.2f s after the stream opened (%.0f events/s), max frame gap %.1f ms%n",
                    replay.get("events").asLong(), replaySeconds, replay.get("events").asLong() / replaySeconds, replay.get("maxGap").asDouble());

            JsonNode oms = stats.get("oms");
            JsonNode bench = stats.get("bench");
            if (oms.path("gaps").asInt() != 0 || oms.path("duplicates").asInt() != 0 || oms.path("renderedDone").asInt() != hosts) {
                throw new IllegalStateException("the page lost or repeated events: " + oms);
            }
            long created = summary.get("createdAtMillis").asLong();
            StringBuilder tasks = new StringBuilder();
            bench.get("tasks").forEach(task -> tasks.append(String.format(Locale.ROOT, " %.2fs:%dms", (task.get(0).asLong() - created) / 1000.0, task.get(1).asInt())));
            System.out.println("long tasks (start after job created: duration):" + tasks);
            long finished = summary.get("finishedAtMillis").asLong();
            double shown = oms.get("allShownAt").asDouble();
            return String.format(Locale.ROOT, "%6d %6d %8d %9.2f %9.2f %9.2f %9.2f %11.0f %11.1f %10d %5d/%6.0f %9.1f %9.1f %6.1f %8d",
                    hosts, rate, oms.get("events").asLong(), (finished - created) / 1000.0,
                    (stats.get("opened").asDouble() - created) / 1000.0, (bench.get("streamOpenAt").asDouble() - created) / 1000.0,
                    (shown - created) / 1000.0, shown - finished,
                    bench.get("maxGap").asDouble(), bench.get("gaps50").asInt(), bench.get("longTasks").asInt(), bench.get("longTaskMillis").asDouble(),
                    bench.get("longestTask").asDouble(), heap / (1 << 20), heapAfterGc / (1 << 20), stats.get("dom").asInt());
        }
    }

    /** The page's main-thread JavaScript self time by function, largest first (-Dprofile=true). */
    private static void printProfile(JsonNode profile)
    {
        Map<String, Double> self = new java.util.HashMap<>();
        long samples = profile.get("samples").size();
        double perSample = (profile.get("endTime").asDouble() - profile.get("startTime").asDouble()) / 1000.0 / Math.max(1, samples);
        for (JsonNode node : profile.get("nodes")) {
            JsonNode frame = node.get("callFrame");
            String url = frame.path("url").asText();
            String name = (frame.path("functionName").asText().isEmpty() ? "(anonymous)" : frame.path("functionName").asText())
                    + (url.isEmpty() ? "" : " " + url.substring(url.lastIndexOf('/') + 1) + ":" + (frame.path("lineNumber").asInt() + 1));
            self.merge(name, node.path("hitCount").asDouble() * perSample, Double::sum);
        }
        double total = self.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "profile of the job page's main thread: %.0f ms sampled; self time by function:%n", total);
        self.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .forEach(entry -> System.out.printf(Locale.ROOT, "  %8.1f ms %5.1f %%  %s%n", entry.getValue(), 100 * entry.getValue() / total, entry.getKey()));
    }

    private static double metric(JsonNode reply, String name)
    {
        for (JsonNode metric : reply.path("metrics")) {
            if (metric.path("name").asText().equals(name)) {
                return metric.path("value").asDouble();
            }
        }
        throw new IllegalStateException("no metric " + name + " in " + reply);
    }
}
