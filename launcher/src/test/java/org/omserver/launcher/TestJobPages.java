package org.omserver.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.gateway.TestingBrowser;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.DEAD_HOST;
import static org.omserver.launcher.TestingStack.FAILING_MODULE;
import static org.omserver.launcher.TestingStack.PASSWORD;
import static org.omserver.launcher.TestingStack.SSH_HOSTS;
import static org.omserver.launcher.TestingStack.WAITING_MODULE;

/** The job history page, the results download and the cancel and retry buttons, in a browser against the real stack. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestJobPages
{
    private static final Pattern OLDER = Pattern.compile("class=\"older\" href=\"([^\"]+)\"");

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
    void historyListsJobsNewestFirstPagesOlderAndFilters()
            throws Exception
    {
        long first = awaitEnded(run(1003, SSH_HOSTS.get(0)));
        long second = awaitEnded(run(FAILING_MODULE, SSH_HOSTS.get(0)));

        HttpResponse<String> history = admin.get("/jobs");
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.body()).contains("<a href=\"/jobs\">History</a>", "href=\"/jobs/" + first + "\"", "href=\"/jobs/" + second + "\"");
        assertThat(history.body().indexOf("href=\"/jobs/" + second + "\"")).isLessThan(history.body().indexOf("href=\"/jobs/" + first + "\""));

        HttpResponse<String> newest = admin.get("/jobs?limit=1");
        assertThat(newest.body()).contains("href=\"/jobs/" + second + "\"").doesNotContain("href=\"/jobs/" + first + "\"");
        Matcher older = OLDER.matcher(newest.body());
        assertThat(older.find()).as(newest.body()).isTrue();
        String olderLink = older.group(1).replace("&amp;", "&");
        assertThat(olderLink).endsWith("&limit=1&before=" + second);
        assertThat(admin.get(olderLink).body()).contains("href=\"/jobs/" + first + "\"").doesNotContain("href=\"/jobs/" + second + "\"");
        assertThat(admin.get("/jobs?before=" + second).body()).contains("href=\"/jobs/" + first + "\"").doesNotContain("href=\"/jobs/" + second + "\"");

        String byModule = admin.get("/jobs?module=" + FAILING_MODULE + "&user=&status=").body();
        assertThat(byModule).contains("href=\"/jobs/" + second + "\"").doesNotContain("href=\"/jobs/" + first + "\"");
        assertThat(admin.get("/jobs?user=admin&module=1003&status=FINISHED").body()).contains("href=\"/jobs/" + first + "\"")
                .doesNotContain("href=\"/jobs/" + second + "\"");
        assertThat(admin.get("/jobs?user=viewer").body()).contains("No jobs match.").doesNotContain("href=\"/jobs/" + first + "\"");
        assertThat(admin.get("/jobs?status=CANCELLED&module=1003").body()).contains("No jobs match.");

        HttpResponse<String> badStatus = admin.get("/jobs?status=DONE");
        assertThat(badStatus.statusCode()).isEqualTo(400);
        assertThat(badStatus.body()).contains("Status must be one of [RUNNING, FINISHED, INTERRUPTED, CANCELLED, STOPPED], was &#39;DONE&#39;.");
        HttpResponse<String> badModule = admin.get("/jobs?module=%3Cb%3E");
        assertThat(badModule.statusCode()).isEqualTo(400);
        assertThat(badModule.body()).contains("Module must be a module id (a whole number, see /modules), was &#39;&lt;b&gt;&#39;.").doesNotContain("<b>");
        assertThat(admin.get("/jobs?limit=500").body()).contains("The page size (limit) must be a whole number from 1 to 200, was &#39;500&#39;.");
        assertThat(admin.get("/jobs?before=x").body()).contains("The &#39;before&#39; job id must be a whole number; use the Older link, was &#39;x&#39;.");

        TestingBrowser anonymous = new TestingBrowser(stack.gatewayUri());
        HttpResponse<String> notLoggedIn = anonymous.get("/jobs");
        assertThat(notLoggedIn.statusCode()).isEqualTo(303);
        assertThat(notLoggedIn.headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void resultsDownloadHasOneBlockPerHostAndAFailedJobIsRetriedAsANewJob()
            throws Exception
    {
        long jobId = awaitEnded(run(FAILING_MODULE, SSH_HOSTS.get(0), SSH_HOSTS.get(1)));

        HttpResponse<String> results = admin.get("/jobs/" + jobId + "/results.txt");
        assertThat(results.statusCode()).isEqualTo(200);
        assertThat(results.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(results.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"job-" + jobId + "-results.txt\"");
        assertThat(results.body()).isEqualTo(
                "== 127.0.8.2 web-127.0.8.2 FAILED exit 3 NON_ZERO_EXIT\npartial\n-- stderr --\nbroken\n"
                        + "== 127.0.8.3 web-127.0.8.3 FAILED exit 3 NON_ZERO_EXIT\npartial\n-- stderr --\nbroken\n");

        HttpResponse<String> unknown = admin.get("/jobs/999999/results.txt");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("job 999999 does not exist (or was removed by the history retention)")
                .doesNotContain("== ");
        HttpResponse<String> unknownPage = admin.get("/jobs/999999");
        assertThat(unknownPage.statusCode()).isEqualTo(404);
        assertThat(unknownPage.body()).contains("job 999999 does not exist (or was removed by the history retention)");

        String page = admin.get("/jobs/" + jobId).body();
        assertThat(page).contains("href=\"/jobs/" + jobId + "/results.txt\"", "action=\"/jobs/" + jobId + "/retry\"", "status FINISHED")
                .doesNotContain("/cancel\"");
        HttpResponse<String> retried = admin.post("/jobs/" + jobId + "/retry", List.of("csrf", adminCsrf));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(303);
        long retry = Long.parseLong(retried.headers().firstValue("Location").orElseThrow().replace("/jobs/", ""));
        assertThat(retry).isGreaterThan(jobId);
        awaitEnded(retry);
        assertThat(admin.get("/jobs/" + retry).body()).contains("2 host(s)", ": fail with exit 3");
        assertThat(admin.get("/jobs?module=" + FAILING_MODULE).body()).contains("<td><a href=\"/jobs/" + jobId + "\">" + jobId + "</a></td>");

        long unreachable = awaitEnded(run(1003, DEAD_HOST));
        assertThat(admin.get("/jobs/" + unreachable + "/results.txt").body()).startsWith("== " + DEAD_HOST + " dead FAILED exit - UNREACHABLE\n");
    }

    @Test
    void aRunningJobIsCancelledFromItsPageButNotByAViewerNorWithoutTheFormToken()
            throws Exception
    {
        long jobId = run(WAITING_MODULE, SSH_HOSTS.get(1));
        String page = admin.get("/jobs/" + jobId).body();
        assertThat(page).contains("action=\"/jobs/" + jobId + "/cancel\"", "status RUNNING").doesNotContain("/retry\"");

        HttpResponse<String> noToken = admin.post("/jobs/" + jobId + "/cancel", List.of());
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("This form has expired");

        TestingBrowser viewer = new TestingBrowser(stack.gatewayUri());
        String viewerCsrf = viewer.login("viewer", PASSWORD);
        HttpResponse<String> refused = viewer.post("/jobs/" + jobId + "/cancel", List.of("csrf", viewerCsrf));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("your role viewer may not cancel or retry jobs");
        assertThat(admin.get("/jobs/" + jobId).body()).contains("status RUNNING");

        HttpResponse<String> cancelled = admin.post("/jobs/" + jobId + "/cancel", List.of("csrf", adminCsrf));
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(303);
        assertThat(cancelled.headers().firstValue("Location")).hasValue("/jobs/" + jobId);
        awaitEnded(jobId);
        assertThat(admin.get("/jobs/" + jobId).body()).contains("status CANCELLED", "action=\"/jobs/" + jobId + "/retry\"");
        assertThat(admin.get("/jobs?status=CANCELLED").body()).contains("href=\"/jobs/" + jobId + "\"");

        HttpResponse<String> viewerRetry = viewer.post("/jobs/" + jobId + "/retry", List.of("csrf", viewerCsrf));
        assertThat(viewerRetry.statusCode()).isEqualTo(403);
        assertThat(viewerRetry.body()).contains("your role viewer may not cancel or retry jobs");
        assertThat(admin.get("/jobs/" + jobId + "/cancel").statusCode()).isEqualTo(404);
    }

    /** Submits through the run form; returns the new job's id. */
    private long run(int moduleId, String... hosts)
            throws Exception
    {
        List<String> form = new java.util.ArrayList<>(List.of("csrf", adminCsrf, "moduleId", Integer.toString(moduleId)));
        for (String host : hosts) {
            form.add("target");
            form.add(host);
        }
        HttpResponse<String> run = admin.post("/run", form);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(303);
        return Long.parseLong(run.headers().firstValue("Location").orElseThrow().replace("/jobs/", ""));
    }

    /**
     * Reads the live stream to its end (the master says the job is complete), then the job page until its stored
     * status is no longer RUNNING (written just after the last event); bounded in count, no sleeping.
     */
    private long awaitEnded(long jobId)
            throws Exception
    {
        for (int streams = 0; streams < 20; streams++) {
            if (admin.get("/jobs/" + jobId + "/events").body().contains("event: done")) {
                break;
            }
        }
        for (int polls = 0; polls < 5000; polls++) {
            if (!admin.get("/jobs/" + jobId).body().contains("status RUNNING")) {
                return jobId;
            }
        }
        throw new AssertionError("job " + jobId + " still reads RUNNING after its events completed");
    }
}
