package org.omserver.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.gateway.TestingBrowser;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The /schedules page against the whole stack (MariaDB, OpenSSH, master, gateway): a schedule is created from the
 * confirm page (a bad cron refused by the master with its message, nothing stored, the form kept), listed with its
 * cron, module, targets, parameters, overlap policy and next run, run by the master and linked to its job, paused,
 * resumed and deleted (only after the confirmation); CSRF and roles hold; secret parameters are masked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestSchedulesPage
{
    private static final Pattern CREATED = Pattern.compile("/schedules\\?created=(\\d+)");

    private TestingStack stack;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        stack.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, "
                + "timeout_seconds, needs_root, enabled) VALUES (9003, 'echo a word', 'Test module: echo a word', NULL, 'any', "
                + "'[{\"name\":\"word\",\"label\":\"Word\",\"type\":\"STRING\",\"required\":true,\"maxLength\":32}]', '[\"echo\",\"${word}\"]', 60, FALSE, TRUE)");
        stack.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, "
                + "timeout_seconds, needs_root, enabled) VALUES (9004, 'use a token', 'Test module: use a token', NULL, 'any', "
                + "'[{\"name\":\"token\",\"label\":\"Token\",\"type\":\"SECRET\",\"required\":true}]', '[\"true\",\"${token}\"]', 60, FALSE, TRUE)");
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void createListRunPauseResumeAndDeleteASchedule()
            throws Exception
    {
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        String csrf = admin.login("admin", TestingStack.PASSWORD);
        assertThat(admin.get("/").body()).contains("<a href=\"/schedules\">Schedules</a>");

        HttpResponse<String> confirm = admin.post("/confirm", form(csrf, "m9003.word", "hello"));
        // the run page names its fields m<module>.<param>; the confirm page re-posts them as param.<name>
        assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(200);
        assertThat(confirm.body()).contains("formaction=\"/schedules/create\"", "name=\"schedule.cron\"");

        // a bad cron: the master refuses it with what to write, the confirm page keeps everything, nothing is stored
        HttpResponse<String> bad = admin.post("/schedules/create", create(csrf, "every minute", "61 * * * *", "QUEUE", "1"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("The master refused the schedule: invalid cron expression &#39;61 * * * *&#39;",
                "write five fields in UTC", "value=\"61 * * * *\"", "value=\"every minute\"", "value=\"1\"",
                "<option value=\"QUEUE\" selected>");
        assertThat(admin.get("/schedules").body()).doesNotContain("every minute");
        // a bad rolling option is refused by the gateway the same way as for a run
        HttpResponse<String> badRolling = admin.post("/schedules/create", create(csrf, "every minute", "* * * * *", "SKIP", "150%"));
        assertThat(badRolling.statusCode()).isEqualTo(400);
        assertThat(badRolling.body()).contains("Batch size must be a percentage from 1% to 100%, was &#39;150%&#39;.");
        // no CSRF token: refused before anything reaches the master
        List<String> noCsrf = new ArrayList<>(create(csrf, "x", "* * * * *", "SKIP", ""));
        noCsrf.set(1, "wrong");
        assertThat(admin.post("/schedules/create", noCsrf).statusCode()).isEqualTo(403);
        assertThat(admin.get("/schedules").body()).doesNotContain("every minute", "<td class=\"schedule-name\">x<");

        HttpResponse<String> created = admin.post("/schedules/create", create(csrf, "say hello", "*/5 * * * *", "QUEUE", "1"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
        Matcher id = CREATED.matcher(created.headers().firstValue("Location").orElseThrow());
        assertThat(id.matches()).isTrue();
        String scheduleId = id.group(1);

        String list = admin.get("/schedules?created=" + scheduleId).body();
        assertThat(list).contains("Schedule " + scheduleId + " created.", "say hello", "<code class=\"schedule-cron\">*/5 * * * *</code>",
                "9003 echo a word", "2 servers: " + String.join(", ", TestingStack.SSH_HOSTS), "<code>word = hello</code>", "batches of 1",
                "<td class=\"schedule-overlap\">queue</td>", "never", "action=\"/schedules/" + scheduleId + "/pause\"");
        assertThat(nextRun(list, scheduleId)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d[05]:00Z");
        assertThat(list).containsPattern("<span class=\"help schedule-later\">then (\\d{4}-[0-9T:-]+:\\d[05]:00Z, ){3}\\d{4}-[0-9T:-]+:\\d[05]:00Z</span>");

        // due now: the master runs it, and the list links the job it started
        stack.execute("UPDATE oms_schedule SET next_run_at = '2000-01-01 00:00:00' WHERE id = " + scheduleId);
        assertThat(stack.master().runDueSchedules()).isEqualTo(1);
        String ran = admin.get("/schedules").body();
        Matcher job = Pattern.compile("<a href=\"/jobs/(\\d+)\">job \\1</a>").matcher(ran);
        assertThat(job.find()).as(ran).isTrue();
        assertThat(ran).contains("started job " + job.group(1));
        assertThat(admin.get("/jobs/" + job.group(1)).body()).contains("echo a word");

        // pause and resume
        assertThat(admin.post("/schedules/" + scheduleId + "/pause", List.of("csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(admin.get("/schedules").body()).contains("action=\"/schedules/" + scheduleId + "/resume\"");
        assertThat(nextRun(admin.get("/schedules").body(), scheduleId)).isEqualTo("paused");
        assertThat(admin.post("/schedules/" + scheduleId + "/resume", List.of("csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(nextRun(admin.get("/schedules").body(), scheduleId)).matches("\\d{4}-.*Z");

        // a viewer sees the list without buttons, and the master refuses the change if sent anyway
        TestingBrowser viewer = new TestingBrowser(stack.gatewayUri());
        String viewerCsrf = viewer.login("viewer", TestingStack.PASSWORD);
        String viewed = viewer.get("/schedules").body();
        assertThat(viewed).contains("say hello").doesNotContain("/pause\"", "Delete…");
        assertThat(viewer.post("/schedules/" + scheduleId + "/pause", List.of("csrf", viewerCsrf)).statusCode()).isEqualTo(403);

        // delete: the confirm page first; a POST without the confirmation deletes nothing
        String ask = admin.get("/schedules/" + scheduleId + "/delete").body();
        assertThat(ask).contains("Delete schedule " + scheduleId + " say hello?", "name=\"confirm\" value=\"" + scheduleId + "\"");
        assertThat(admin.post("/schedules/" + scheduleId + "/delete", List.of("csrf", csrf)).statusCode()).isEqualTo(400);
        assertThat(admin.get("/schedules").body()).contains("say hello");
        assertThat(admin.post("/schedules/" + scheduleId + "/delete", List.of("csrf", csrf, "confirm", scheduleId)).statusCode()).isEqualTo(303);
        assertThat(admin.get("/schedules").body()).doesNotContain("say hello");
        assertThat(admin.get("/schedules/" + scheduleId + "/delete").statusCode()).isEqualTo(404);
    }

    @Test
    void secretParametersAreMaskedInTheList()
            throws Exception
    {
        // the master refuses to schedule a module with a secret; a row made before the module gained one is still masked
        stack.execute("INSERT INTO oms_schedule (name, owner, cron, module_id, targets, params, rolling, overlap, paused, created_at, next_run_at) "
                + "VALUES ('old token job', 'admin', '0 3 * * *', 9004, '[\"" + TestingStack.SSH_HOSTS.getFirst() + "\"]', "
                + "'{\"token\":\"hunter2-do-not-show\"}', NULL, 'SKIP', TRUE, NOW(3), NULL)");
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        String csrf = admin.login("admin", TestingStack.PASSWORD);
        String list = admin.get("/schedules").body();
        assertThat(list).contains("old token job", "<code>token = ******</code>").doesNotContain("hunter2");

        List<String> create = new ArrayList<>(List.of("csrf", csrf, "moduleId", "9004", "target", TestingStack.SSH_HOSTS.getFirst(),
                "param.token", "hunter2-do-not-show", "schedule.name", "token job", "schedule.cron", "0 3 * * *"));
        HttpResponse<String> refused = admin.post("/schedules/create", create);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("has a secret parameter, which is never stored; it cannot be scheduled");
        // as on every confirm page, the secret is only in the hidden field that would submit it
        assertThat(refused.body().split("hunter2", -1)).hasSize(2);
        assertThat(refused.body()).contains("name=\"param.token\" value=\"hunter2-do-not-show\"");
        assertThat(admin.get("/schedules").body()).doesNotContain(">token job<");
    }

    private static List<String> form(String csrf, String... pairs)
    {
        List<String> form = new ArrayList<>(List.of("csrf", csrf, "moduleId", "9003"));
        for (String host : TestingStack.SSH_HOSTS) {
            form.add("target");
            form.add(host);
        }
        form.addAll(List.of(pairs));
        return form;
    }

    private static List<String> create(String csrf, String name, String cron, String overlap, String batch)
    {
        List<String> form = form(csrf, "param.word", "hello", "schedule.name", name, "schedule.cron", cron, "schedule.overlap", overlap);
        form.addAll(List.of("rolling.batchSize", batch));
        return form;
    }

    private static String nextRun(String page, String scheduleId)
    {
        Matcher matcher = Pattern.compile("data-id=\"" + scheduleId + "\">[\\s\\S]*?<span class=\"schedule-next\">([^<]*)</span>").matcher(page);
        assertThat(matcher.find()).as(page).isTrue();
        return matcher.group(1);
    }
}
