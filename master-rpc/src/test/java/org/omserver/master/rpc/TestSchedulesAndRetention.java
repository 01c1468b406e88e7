package org.omserver.master.rpc;

import org.apache.thrift.TException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.job.HostCounts;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobStatus;
import org.omserver.master.schedule.CronSchedule;
import org.omserver.protocol.thrift.CancelReply;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.ChangeScheduleRequest;
import org.omserver.protocol.thrift.CreateScheduleRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.OverlapPolicy;
import org.omserver.protocol.thrift.ScheduleAction;
import org.omserver.protocol.thrift.ScheduleInfo;
import org.omserver.protocol.thrift.ScheduleReply;
import org.omserver.protocol.thrift.SchedulesReply;
import org.omserver.protocol.thrift.SchedulesRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Scheduled runs and the history retention on a real master. The scheduler's background loop is off
 * ({@code schedule.poll-interval=0s}): each test moves the clock and calls {@code runDueSchedules} itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestSchedulesAndRetention
{
    private TestingMaster master;
    private TestingMasterClient client;
    private String admin;
    private String viewer;

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of("schedule.poll-interval", "0s", "history.retention-days", "30"));
        for (int id : new int[] {9201, 9202}) {
            master.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template,"
                    + " timeout_seconds, needs_root, enabled) VALUES (" + id + ", 'sleep', 'Sleeps.', NULL, 'any',"
                    + " '[{\"name\":\"seconds\",\"type\":\"INT\",\"min\":1,\"max\":600}]', '[\"sleep\",\"${seconds}\"]', 600, FALSE, TRUE)");
        }
        client = master.client();
    }

    @BeforeEach
    void login()
            throws TException
    {
        admin = client.login("admin", "pw-admin").getSession();
        viewer = client.login("viewer", "pw-viewer").getSession();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try (TestingMaster closing = master) {
            client.close();
        }
    }

    @Test
    void cronNextRunsAreInUtc()
    {
        CronSchedule cron = CronSchedule.parse("30 3 * * 1-5");
        assertThat(cron.nextAfter(Instant.parse("2026-11-20T03:30:00Z"))).hasValue(Instant.parse("2026-11-23T03:30:00Z"));
        assertThat(CronSchedule.parse("*/15 * * * *").nextAfter(Instant.parse("2026-11-22T10:07:12Z"))).hasValue(Instant.parse("2026-11-22T10:15:00Z"));
        assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *").nextAfter(Instant.parse("2026-01-01T00:00:00Z")).orElseThrow())
                .isInstanceOf(java.util.NoSuchElementException.class);
    }

    @Test
    void scheduledRunsStartSkipOverlapsAndLandInTheHistory()
            throws Exception
    {
        ScheduleInfo created = create(new CreateScheduleRequest(admin, "every five minutes", "*/5 * * * *", 9201, List.of("127.0.0.2"),
                Map.of("seconds", "281")).setOverlap(OverlapPolicy.SKIP)).getSchedule();
        assertThat(created.getOwner()).isEqualTo("admin");
        assertThat(created.getModuleName()).isEqualTo("sleep");
        assertThat(Instant.ofEpochMilli(created.getNextRunMillis())).isEqualTo(CronSchedule.parse("*/5 * * * *").nextAfter(master.clock().instant()).orElseThrow());
        // and the four due times after it, five minutes apart
        long fiveMinutes = java.time.Duration.ofMinutes(5).toMillis();
        assertThat(created.getLaterRunsMillis()).containsExactly(created.getNextRunMillis() + fiveMinutes, created.getNextRunMillis() + 2 * fiveMinutes,
                created.getNextRunMillis() + 3 * fiveMinutes, created.getNextRunMillis() + 4 * fiveMinutes);
        assertThat(master.server().runDueSchedules()).isZero();

        master.clock().advance(Duration.ofMinutes(5));
        assertThat(master.server().runDueSchedules()).isEqualTo(1);
        ScheduleInfo afterRun = find(created.getScheduleId());
        long jobId = afterRun.getLastJobId();
        assertThat(afterRun.getLastOutcome()).isEqualTo("started job " + jobId);
        assertThat(afterRun.getNextRunMillis()).isGreaterThan(created.getNextRunMillis());
        JobDetailReply detail = client.call("jobDetail", new JobDetailRequest(viewer, jobId), new JobDetailReply());
        assertThat(detail.getSummary().getScheduleId()).isEqualTo(created.getScheduleId());
        assertThat(detail.getSummary().getUsername()).isEqualTo("admin");
        assertThat(detail.getParams()).containsEntry("seconds", "281");
        assertThat(master.catalog().audit().latest(20)).filteredOn(entry -> entry.action().equals("scheduledRun"))
                .first().satisfies(entry -> {
                    assertThat(entry.actor()).isEqualTo("admin");
                    assertThat(entry.outcome()).isEqualTo("accepted");
                });

        master.clock().advance(Duration.ofMinutes(5));
        assertThat(master.server().runDueSchedules()).isZero();
        assertThat(find(created.getScheduleId()).getLastOutcome()).isEqualTo("skipped: job " + jobId + " still running");

        cancel(jobId);
        change(created.getScheduleId(), ScheduleAction.DELETE);
    }

    @Test
    void queuedRunStartsWhenThePreviousOneEnded()
            throws Exception
    {
        ScheduleInfo created = create(new CreateScheduleRequest(admin, "queued", "*/5 * * * *", 9202, List.of("127.0.0.3"),
                Map.of("seconds", "282")).setOverlap(OverlapPolicy.QUEUE)).getSchedule();
        master.clock().advance(Duration.ofMinutes(5));
        assertThat(master.server().runDueSchedules()).isEqualTo(1);
        long first = find(created.getScheduleId()).getLastJobId();
        master.clock().advance(Duration.ofMinutes(5));
        assertThat(master.server().runDueSchedules()).isZero();
        assertThat(find(created.getScheduleId()).getLastOutcome()).isEqualTo("queued: job " + first + " still running");

        cancel(first);
        assertThat(master.server().runDueSchedules()).isEqualTo(1);
        long second = find(created.getScheduleId()).getLastJobId();
        assertThat(second).isNotEqualTo(first);
        assertThat(master.server().runDueSchedules()).isZero();
        cancel(second);
        change(created.getScheduleId(), ScheduleAction.DELETE);
    }

    @Test
    void pausedSchedulesDoNotRunAndResumeFromNow()
            throws Exception
    {
        ScheduleInfo created = create(new CreateScheduleRequest(admin, "paused", "0 * * * *", 1003, List.of("127.0.0.2"), Map.of())).getSchedule();
        ScheduleInfo paused = change(created.getScheduleId(), ScheduleAction.PAUSE);
        assertThat(paused.isPaused()).isTrue();
        assertThat(paused.isSetNextRunMillis()).isFalse();
        assertThat(paused.isSetLaterRunsMillis()).isFalse();
        master.clock().advance(Duration.ofMinutes(61));
        admin = client.login("admin", "pw-admin").getSession();
        viewer = client.login("viewer", "pw-viewer").getSession();
        assertThat(master.server().runDueSchedules()).isZero();
        ScheduleInfo resumed = change(created.getScheduleId(), ScheduleAction.RESUME);
        assertThat(resumed.isPaused()).isFalse();
        assertThat(resumed.getNextRunMillis()).isGreaterThan(master.clock().millis());
        assertThat(client.call("schedules", new SchedulesRequest(viewer), new SchedulesReply()).getSchedules())
                .extracting(ScheduleInfo::getScheduleId).contains(created.getScheduleId());
        change(created.getScheduleId(), ScheduleAction.DELETE);
        assertThat(client.call("schedules", new SchedulesRequest(viewer), new SchedulesReply()).getSchedules())
                .extracting(ScheduleInfo::getScheduleId).doesNotContain(created.getScheduleId());
        assertRefused(() -> change(created.getScheduleId(), ScheduleAction.RESUME), ErrorCode.NOT_FOUND,
                "schedule " + created.getScheduleId() + " does not exist");
        assertAudit("changeSchedule", "accepted");
    }

    @Test
    void parametersAreCheckedAgainAtEveryRun()
            throws Exception
    {
        master.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template,"
                + " timeout_seconds, needs_root, enabled) VALUES (9203, 'echo', 'Echoes.', NULL, 'any',"
                + " '[{\"name\":\"n\",\"type\":\"INT\",\"min\":1,\"max\":600}]', '[\"echo\",\"${n}\"]', 60, FALSE, TRUE)");
        ScheduleInfo created = create(new CreateScheduleRequest(admin, "echo", "*/5 * * * *", 9203, List.of("127.0.0.2"), Map.of("n", "500"))).getSchedule();
        master.execute("UPDATE module_list SET param_schema = '[{\"name\":\"n\",\"type\":\"INT\",\"min\":1,\"max\":10}]' WHERE ID = 9203");
        master.clock().advance(Duration.ofMinutes(5));
        assertThat(master.server().runDueSchedules()).isZero();
        assertThat(find(created.getScheduleId()).getLastOutcome())
                .isEqualTo("not run: invalid parameters for module 9203 (echo): n must be a whole number from 1 to 10, was '500'");
        assertAudit("scheduledRun", "INVALID_REQUEST");
        change(created.getScheduleId(), ScheduleAction.DELETE);
    }

    @Test
    void badSchedulesAreRefusedAndViewersMayOnlyRead()
            throws TException
    {
        assertRefused(() -> create(new CreateScheduleRequest(admin, "bad", "61 * * * *", 1003, List.of("127.0.0.2"), Map.of())),
                ErrorCode.INVALID_REQUEST, "invalid cron expression '61 * * * *'");
        assertRefused(() -> create(new CreateScheduleRequest(admin, "bad", "* * *", 1003, List.of("127.0.0.2"), Map.of())),
                ErrorCode.INVALID_REQUEST, "write five fields in UTC");
        assertRefused(() -> create(new CreateScheduleRequest(admin, "bad", "* * * * *\n; rm -rf /", 1003, List.of("127.0.0.2"), Map.of())),
                ErrorCode.INVALID_REQUEST, "with control characters");
        assertRefused(() -> create(new CreateScheduleRequest(admin, " ", "* * * * *", 1003, List.of("127.0.0.2"), Map.of())),
                ErrorCode.INVALID_REQUEST, "the schedule name must be 1 to 128 characters");
        assertRefused(() -> create(new CreateScheduleRequest(admin, "bad", "* * * * *", 9201, List.of("127.0.0.2"), Map.of("seconds", "0"))),
                ErrorCode.INVALID_REQUEST, "seconds must be a whole number from 1 to 600, was '0'");
        assertRefused(() -> create(new CreateScheduleRequest(admin, "bad", "* * * * *", 4242, List.of("127.0.0.2"), Map.of())),
                ErrorCode.NOT_FOUND, "module 4242 does not exist");
        assertRefused(() -> create(new CreateScheduleRequest(admin, "bad", "* * * * *", 1003, List.of("10.66.66.66"), Map.of())),
                ErrorCode.INVALID_REQUEST, "unknown hosts: 10.66.66.66");
        assertRefused(() -> create(new CreateScheduleRequest(viewer, "mine", "* * * * *", 1003, List.of("127.0.0.2"), Map.of())),
                ErrorCode.FORBIDDEN, "your role viewer may not create or change scheduled runs");
        assertRefused(() -> client.call("changeSchedule", new ChangeScheduleRequest(viewer, 1, ScheduleAction.DELETE), new ScheduleReply()),
                ErrorCode.FORBIDDEN, "your role viewer may not create or change scheduled runs");
        assertAudit("createSchedule", "FORBIDDEN");
        assertAudit("createSchedule", "INVALID_REQUEST");
    }

    @Test
    void retentionDeletesOldEndedJobsWithTheirHostsAndKeepsRecentOnes()
            throws Exception
    {
        Instant old = master.clock().instant().minus(Duration.ofDays(45));
        long oldJob = master.catalog().jobs().create(new JobRecord(0, old, "admin", 1003, Map.of(), List.of("127.0.0.2"), JobStatus.RUNNING));
        master.catalog().jobs().finish(oldJob, JobStatus.FINISHED, new HostCounts(1, 0, 0, 0), Optional.empty());
        long oldRunning = master.catalog().jobs().create(new JobRecord(0, old, "admin", 1003, Map.of(), List.of("127.0.0.2"), JobStatus.RUNNING));
        long recent = client.submit(admin, 1003, List.of("127.0.0.2"), Map.of()).getJobId();
        client.allEvents(admin, recent, 500);

        assertThat(master.server().applyRetention()).isGreaterThanOrEqualTo(1);
        assertThat(master.catalog().jobs().find(oldJob)).isEmpty();
        assertThat(master.catalog().jobs().find(oldRunning)).as("running jobs are never deleted").isPresent();
        assertThat(master.catalog().jobs().find(recent)).isPresent();
        assertThat(master.catalog().jobs().hostResults(recent)).hasSize(1);
        assertRefused(() -> client.call("jobDetail", new JobDetailRequest(viewer, oldJob), new JobDetailReply()), ErrorCode.NOT_FOUND,
                "job " + oldJob + " does not exist (or was removed by the history retention)");
        master.catalog().jobs().finish(oldRunning, JobStatus.INTERRUPTED, new HostCounts(1, 0, 0, 0), Optional.empty());
    }

    private ScheduleReply create(CreateScheduleRequest request)
            throws TException
    {
        return client.call("createSchedule", request, new ScheduleReply());
    }

    private ScheduleInfo change(long id, ScheduleAction action)
            throws TException
    {
        return client.call("changeSchedule", new ChangeScheduleRequest(admin, id, action), new ScheduleReply()).getSchedule();
    }

    private ScheduleInfo find(long id)
            throws TException
    {
        return client.call("schedules", new SchedulesRequest(viewer), new SchedulesReply()).getSchedules().stream()
                .filter(schedule -> schedule.getScheduleId() == id).findFirst().orElseThrow();
    }

    private void cancel(long jobId)
            throws TException
    {
        CancelReply reply = client.call("cancel", new CancelRequest(admin, jobId), new CancelReply());
        assertThat(reply.getJobId()).isEqualTo(jobId);
        client.allEvents(admin, jobId, 500);
    }

    private void assertAudit(String action, String outcome)
    {
        assertThat(master.catalog().audit().latest(50)).filteredOn(entry -> entry.action().equals(action))
                .extracting(AuditEntry::outcome).contains(outcome);
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode code, String message)
    {
        assertThatThrownBy(call).isInstanceOfSatisfying(OmsError.class, error -> {
            assertThat(error.getCode()).isEqualTo(code);
            assertThat(error.getMessage()).contains(message);
        });
    }
}
