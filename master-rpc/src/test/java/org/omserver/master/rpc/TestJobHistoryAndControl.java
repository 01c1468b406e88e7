package org.omserver.master.rpc;

import org.apache.thrift.TException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.inventory.Server;
import org.omserver.protocol.thrift.CancelReply;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostOutputReply;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.HostState;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.HostSummary;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobStatus;
import org.omserver.protocol.thrift.JobSummary;
import org.omserver.protocol.thrift.JobsReply;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.OutputGroup;
import org.omserver.protocol.thrift.RetryReply;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.RetryScope;
import org.omserver.protocol.thrift.RollingOptions;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 5 on a real master (MariaDB, sshd, the synthetic backend): history, job detail, output paging, rolling runs,
 * the failure threshold, retry and cancel. Synthetic hosts 127.0.10.1-20 (syn01-syn20): 127.0.10.2 and .3 exit 1,
 * 127.0.10.4 is unreachable, every other one succeeds with the same output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestJobHistoryAndControl
{
    private static final String FAIL_1 = "127.0.10.2";
    private static final String FAIL_2 = "127.0.10.3";
    private static final String UNREACHABLE = "127.0.10.4";

    private TestingMaster master;
    private TestingMasterClient client;
    private String admin;
    private String viewer;

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of("run.max-parallel", "8",
                "executor.synthetic.output", "same output\n",
                "executor.synthetic.fail-hosts", FAIL_1 + "," + FAIL_2,
                "executor.synthetic.unreachable-hosts", UNREACHABLE));
        int function = master.catalog().inventory().addFunctionCategory("Synthetic");
        int app = master.catalog().inventory().addAppCategory(function, "synthetic fleet");
        for (int i = 1; i <= 20; i++) {
            master.catalog().inventory().putServer(new Server("127.0.10." + i, String.format("syn%02d", i), Optional.empty(), Optional.empty(), app,
                    Optional.of("synthetic"), 22, Optional.empty()));
        }
        master.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template,"
                + " timeout_seconds, needs_root, enabled) VALUES (9101, 'sleep', 'Sleeps.', NULL, 'any',"
                + " '[{\"name\":\"seconds\",\"type\":\"INT\",\"min\":1,\"max\":600}]', '[\"sleep\",\"${seconds}\"]', 600, FALSE, TRUE)");
        master.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template,"
                + " timeout_seconds, needs_root, enabled) VALUES (9102, 'count', 'Counts.', NULL, 'any', '[]', '[\"seq\",\"1\",\"30000\"]', 60, FALSE, TRUE)");
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

    // ---- history ---------------------------------------------------------------------------------

    @Test
    void historyPagesNewestFirstWithFiltersForAViewer()
            throws TException
    {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long id = client.submit(admin, 1003, List.of("127.0.10.1", FAIL_1), Map.of()).getJobId();
            client.allEvents(admin, id, 500);
            ids.add(id);
        }
        JobsReply first = jobs(new JobsRequest(viewer).setLimit(2).setUsername("admin").setModuleId(1003));
        assertThat(first.getJobs()).extracting(JobSummary::getJobId).containsExactly(ids.get(2), ids.get(1));
        JobSummary newest = first.getJobs().get(0);
        assertThat(newest.getStatus()).isEqualTo(JobStatus.FINISHED);
        assertThat(newest.getModuleName()).isEqualTo("view OS version");
        assertThat(newest.getProgress().getTotal()).isEqualTo(2);
        assertThat(newest.getProgress().getSucceeded()).isEqualTo(1);
        assertThat(newest.getProgress().getFailed()).isEqualTo(1);
        assertThat(newest.isSetFinishedAtMillis()).isTrue();
        JobsReply second = jobs(new JobsRequest(viewer).setLimit(2).setUsername("admin").setModuleId(1003).setBeforeJobId(first.getNextBeforeJobId()));
        assertThat(second.getJobs()).extracting(JobSummary::getJobId).startsWith(ids.get(0));
        assertThat(jobs(new JobsRequest(viewer).setStatus(JobStatus.CANCELLED).setModuleId(4242)).getJobs()).isEmpty();

        assertRefused(() -> jobs(new JobsRequest(viewer).setLimit(5000)), ErrorCode.INVALID_REQUEST, "limit must be 1 to 200, was 5000");
        assertRefused(() -> jobs(new JobsRequest(viewer).setBeforeJobId(-5)), ErrorCode.INVALID_REQUEST, "beforeJobId must be 0 (newest) or a job id");
        assertRefused(() -> jobs(new JobsRequest(viewer).setUsername("x'; DROP TABLE oms_job; --")), ErrorCode.INVALID_REQUEST,
                "username filter must be a user name");
        assertRefused(() -> jobs(new JobsRequest(viewer).setSinceMillis(10).setUntilMillis(5)), ErrorCode.INVALID_REQUEST, "since must be before until");
        assertAudit("jobs", "INVALID_REQUEST");
        assertRefused(() -> jobs(new JobsRequest("no-such-session")), ErrorCode.UNAUTHENTICATED, "log in again");
    }

    // ---- detail, filters, groups, output ---------------------------------------------------------

    @Test
    void jobDetailFiltersHostsAndMergesIdenticalOutputs()
            throws Exception
    {
        List<String> targets = List.of("127.0.10.1", FAIL_1, FAIL_2, UNREACHABLE, "127.0.10.5", "127.0.10.6");
        long id = client.submit(admin, 1003, targets, Map.of()).getJobId();
        client.allEvents(admin, id, 500);

        JobDetailReply all = detail(new JobDetailRequest(viewer, id).setWithGroups(true));
        assertThat(all.getSummary().getStatus()).isEqualTo(JobStatus.FINISHED);
        assertThat(all.getTargets()).hasSize(6);
        assertThat(all.getMatchingHosts()).isEqualTo(6);
        assertThat(all.getOutputCapBytes()).isEqualTo(256 * 1024);
        assertThat(all.getGroups()).first().satisfies(group -> {
            assertThat(group.getHostCount()).isEqualTo(3);
            assertThat(group.getLanIps()).containsExactly("127.0.10.1", "127.0.10.5", "127.0.10.6");
            assertThat(group.getStdoutHead()).isEqualTo("same output\n");
            assertThat(group.getExitCode()).isZero();
        });
        assertThat(all.getGroups()).extracting(OutputGroup::getHostCount).containsExactly(3, 1, 1, 1);

        JobDetailReply failed = detail(new JobDetailRequest(viewer, id).setStates(List.of(HostState.FAILED)));
        assertThat(failed.getHosts()).extracting(HostSummary::getLanIp).containsExactly(FAIL_1, FAIL_2, UNREACHABLE);
        JobDetailReply unreachable = detail(new JobDetailRequest(viewer, id).setFailureReason("UNREACHABLE"));
        assertThat(unreachable.getHosts()).singleElement().satisfies(host -> {
            assertThat(host.getLanIp()).isEqualTo(UNREACHABLE);
            assertThat(host.getMessage()).contains("unreachable");
        });
        JobDetailReply byOutput = detail(new JobDetailRequest(viewer, id).setOutputContains("SYNTHETIC FAILURE"));
        assertThat(byOutput.getHosts()).extracting(HostSummary::getLanIp).containsExactly(FAIL_1, FAIL_2);
        JobDetailReply paged = detail(new JobDetailRequest(viewer, id).setHostOffset(4).setHostLimit(1));
        assertThat(paged.getMatchingHosts()).isEqualTo(6);
        assertThat(paged.getHosts()).extracting(HostSummary::getLanIp).containsExactly("127.0.10.5");

        // the same answers once the job has left the master's memory (10 minutes after it finished)
        master.clock().advance(Duration.ofMinutes(11));
        admin = client.login("admin", "pw-admin").getSession();
        viewer = client.login("viewer", "pw-viewer").getSession();
        client.allEvents(admin, client.submit(admin, 1003, List.of("127.0.10.1"), Map.of()).getJobId(), 500);
        JobDetailReply stored = detail(new JobDetailRequest(viewer, id).setWithGroups(true));
        assertThat(stored.getHosts()).isEqualTo(all.getHosts());
        assertThat(stored.getGroups()).isEqualTo(all.getGroups());
        assertThat(detail(new JobDetailRequest(viewer, id).setOutputContains("synthetic failure")).getHosts())
                .extracting(HostSummary::getLanIp).containsExactly(FAIL_1, FAIL_2);

        assertRefused(() -> detail(new JobDetailRequest(viewer, 987654321L)), ErrorCode.NOT_FOUND, "job 987654321 does not exist");
        assertRefused(() -> detail(new JobDetailRequest(viewer, id).setHostLimit(100_000)), ErrorCode.INVALID_REQUEST, "hostLimit must be 1 to 1000");
        assertRefused(() -> detail(new JobDetailRequest(viewer, id).setHostOffset(-1)), ErrorCode.INVALID_REQUEST, "hostOffset must be 0 or more");
        assertRefused(() -> detail(new JobDetailRequest(viewer, id).setOutputContains("x".repeat(300))), ErrorCode.INVALID_REQUEST,
                "outputContains must be at most 256 characters");
        assertRefused(() -> detail(new JobDetailRequest(viewer, id).setFailureReason("' OR 1=1")), ErrorCode.INVALID_REQUEST,
                "failureReason must be a reason name");
    }

    @Test
    void longOutputIsPagedFromMemoryAndFromTheDatabase()
            throws Exception
    {
        String expected = Commands.run("seq", "1", "30000").stdout();
        long id = client.submit(admin, 9102, List.of("127.0.0.2"), Map.of()).getJobId();
        client.allEvents(admin, id, 5000);
        assertThat(readOutput(id, "127.0.0.2", 50_000)).isEqualTo(expected);
        HostOutputReply first = output(new HostOutputRequest(viewer, id, "127.0.0.2").setLimit(10));
        assertThat(first.getStdout()).isEqualTo("1\n2\n3\n4\n5\n");
        assertThat(first.getNextStdoutOffset()).isEqualTo(10);
        assertThat(first.isStdoutEnd()).isFalse();
        assertThat(first.isStderrEnd()).isTrue();
        assertThat(first.getHost().getState()).isEqualTo(HostState.SUCCESS);
        assertThat(first.getHost().isTruncated()).isFalse();

        master.clock().advance(Duration.ofMinutes(11));
        admin = client.login("admin", "pw-admin").getSession();
        viewer = client.login("viewer", "pw-viewer").getSession();
        client.allEvents(admin, client.submit(admin, 1003, List.of("127.0.10.1"), Map.of()).getJobId(), 500);
        assertThat(readOutput(id, "127.0.0.2", 70_001)).isEqualTo(expected);

        assertRefused(() -> output(new HostOutputRequest(viewer, id, "127.0.0.2").setStdoutOffset(-1)), ErrorCode.INVALID_REQUEST,
                "offsets must be 0 or more");
        assertRefused(() -> output(new HostOutputRequest(viewer, id, "127.0.0.2").setLimit(Integer.MAX_VALUE)), ErrorCode.INVALID_REQUEST,
                "limit must be 1 to 1048576 characters");
        assertRefused(() -> output(new HostOutputRequest(viewer, id, "10.9.9.9")), ErrorCode.NOT_FOUND, "host 10.9.9.9 is not part of job " + id);
        assertRefused(() -> output(new HostOutputRequest(viewer, 987654321L, "127.0.0.2")), ErrorCode.NOT_FOUND, "job 987654321 does not exist");
    }

    private String readOutput(long id, String host, int limit)
            throws TException
    {
        StringBuilder text = new StringBuilder();
        int offset = 0;
        for (int page = 0; page < 100; page++) {
            HostOutputReply reply = output(new HostOutputRequest(viewer, id, host).setStdoutOffset(offset).setLimit(limit));
            text.append(reply.getStdout());
            offset = reply.getNextStdoutOffset();
            if (reply.isStdoutEnd()) {
                return text.toString();
            }
        }
        throw new AssertionError("output of " + host + " did not end within 100 pages");
    }

    // ---- rolling runs ----------------------------------------------------------------------------

    @Test
    void failureThresholdStopsLaunchingAndSkipsTheRest()
            throws TException
    {
        List<String> targets = new ArrayList<>(List.of(FAIL_1, FAIL_2));
        IntStream.rangeClosed(5, 12).forEach(i -> targets.add("127.0.10." + i));
        SubmitReply reply = submit(new SubmitRequest(admin, 1003, targets, Map.of())
                .setRolling(new RollingOptions().setMaxInFlight(1).setFailureThreshold("1")));
        List<HostEvent> events = client.allEvents(admin, reply.getJobId(), 500);
        List<HostEvent> finished = events.stream().filter(event -> event.getKind() == EventKind.FINISHED).toList();
        assertThat(finished).hasSize(10);
        assertThat(finished.stream().filter(event -> event.getStatus() == HostStatus.SKIPPED))
                .hasSize(8)
                .allSatisfy(event -> {
                    assertThat(event.getFailureReason()).isEqualTo("SKIPPED");
                    assertThat(event.getFailureMessage()).isEqualTo("not launched: stopped: 2 failures exceeded the threshold of 1");
                });
        assertThat(events).filteredOn(event -> event.getKind() == EventKind.STARTED).extracting(HostEvent::getLanIp).containsExactly(FAIL_1, FAIL_2);

        JobDetailReply detail = detail(new JobDetailRequest(viewer, reply.getJobId()));
        assertThat(detail.getSummary().getStatus()).isEqualTo(JobStatus.STOPPED);
        assertThat(detail.getStopReason()).isEqualTo("stopped: 2 failures exceeded the threshold of 1");
        assertThat(detail.getSummary().getProgress().getSkipped()).isEqualTo(8);
        assertThat(detail.getSummary().getProgress().getFailed()).isEqualTo(2);
        assertThat(detail.getRolling().getFailureThreshold()).isEqualTo("1");
        assertThat(master.catalog().jobs().find(reply.getJobId()).orElseThrow().status().name()).isEqualTo("STOPPED");
    }

    @Test
    void batchesRunOneAfterAnother()
            throws TException
    {
        List<String> targets = IntStream.rangeClosed(5, 10).mapToObj(i -> "127.0.10." + i).toList();
        SubmitReply reply = submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setBatchSize("34%")));
        List<HostEvent> events = client.allEvents(admin, reply.getJobId(), 500);
        // 34% of 6 hosts, rounded up: batches of 3
        long lastFinishedOfFirstBatch = events.stream().filter(e -> e.getKind() == EventKind.FINISHED && targets.subList(0, 3).contains(e.getLanIp()))
                .mapToLong(HostEvent::getSeq).max().orElseThrow();
        long firstStartedOfSecondBatch = events.stream().filter(e -> e.getKind() == EventKind.STARTED && targets.subList(3, 6).contains(e.getLanIp()))
                .mapToLong(HostEvent::getSeq).min().orElseThrow();
        assertThat(firstStartedOfSecondBatch).isGreaterThan(lastFinishedOfFirstBatch);
        assertThat(events).filteredOn(e -> e.getKind() == EventKind.FINISHED).allMatch(e -> e.getStatus() == HostStatus.SUCCESS);
    }

    @Test
    void invalidRollingSettingsAreRefusedWithWhatIsAllowed()
            throws TException
    {
        List<String> targets = List.of("127.0.10.5", "127.0.10.6");
        long newestBefore = newestJobId();
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setBatchSize("150%"))),
                ErrorCode.INVALID_REQUEST, "batchSize must be a percentage from 1% to 100%, was '150%'");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setBatchSize("0"))),
                ErrorCode.INVALID_REQUEST, "batchSize must be from 1 to 2 (the number of hosts), was 0");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setFailureThreshold("a lot"))),
                ErrorCode.INVALID_REQUEST, "failureThreshold must be a whole number or a percentage such as 25%, was 'a lot'");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setMaxInFlight(9))),
                ErrorCode.INVALID_REQUEST, "maxInFlight must be a whole number from 1 to 8 (run.max-parallel of this master), was '9'");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setCommandTimeoutSeconds(61))),
                ErrorCode.INVALID_REQUEST, "commandTimeoutSeconds must be a whole number from 1 to 60 (the module's timeout), was '61'");
        // what the confirm page also refuses, sent straight to the master
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setBatchSize("abc"))),
                ErrorCode.INVALID_REQUEST, "batchSize must be a whole number or a percentage such as 25%, was 'abc'");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setFailureThreshold("-1"))),
                ErrorCode.INVALID_REQUEST, "failureThreshold must be a whole number or a percentage such as 25%, was '-1'");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setFailureThreshold("-10%"))),
                ErrorCode.INVALID_REQUEST, "failureThreshold must be a whole number or a percentage such as 25%, was '-10%'");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setMaxInFlight(-3))),
                ErrorCode.INVALID_REQUEST, "maxInFlight must be a whole number from 1 to 8 (run.max-parallel of this master), was '-3'");
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setCommandTimeoutSeconds(-1))),
                ErrorCode.INVALID_REQUEST, "commandTimeoutSeconds must be a whole number from 1 to 60 (the module's timeout), was '-1'");
        // every problem at once, in one refusal
        assertRefused(() -> submit(new SubmitRequest(admin, 1003, targets, Map.of()).setRolling(new RollingOptions().setBatchSize("0%").setFailureThreshold("x"))),
                ErrorCode.INVALID_REQUEST, "batchSize must be a percentage from 1% to 100%, was '0%'");
        assertAudit("submit", "INVALID_REQUEST");
        // nothing was launched: no job was recorded
        assertThat(newestJobId()).isEqualTo(newestBefore);
    }

    // ---- retry -----------------------------------------------------------------------------------

    @Test
    void retryRunsOnlyTheChosenFailedHostsAsALinkedJob()
            throws TException
    {
        List<String> targets = List.of("127.0.10.1", FAIL_1, UNREACHABLE, FAIL_2);
        long parent = client.submit(admin, 1003, targets, Map.of()).getJobId();
        client.allEvents(admin, parent, 500);

        RetryReply both = retry(new RetryRequest(admin, parent));
        assertThat(both.getParentJobId()).isEqualTo(parent);
        assertThat(both.getSubmitted().getHosts()).extracting(host -> host.getLanIp()).containsExactly(FAIL_1, UNREACHABLE, FAIL_2);
        client.allEvents(admin, both.getSubmitted().getJobId(), 500);
        RetryReply failedOnly = retry(new RetryRequest(admin, parent).setScope(RetryScope.FAILED_ONLY));
        assertThat(failedOnly.getSubmitted().getHosts()).extracting(host -> host.getLanIp()).containsExactly(FAIL_1, FAIL_2);
        client.allEvents(admin, failedOnly.getSubmitted().getJobId(), 500);
        RetryReply unreachableOnly = retry(new RetryRequest(admin, parent).setScope(RetryScope.UNREACHABLE_ONLY));
        assertThat(unreachableOnly.getSubmitted().getHosts()).extracting(host -> host.getLanIp()).containsExactly(UNREACHABLE);
        client.allEvents(admin, unreachableOnly.getSubmitted().getJobId(), 500);

        JobDetailReply detail = detail(new JobDetailRequest(viewer, parent));
        assertThat(detail.getChildJobIds()).containsExactly(both.getSubmitted().getJobId(), failedOnly.getSubmitted().getJobId(),
                unreachableOnly.getSubmitted().getJobId());
        JobDetailReply child = detail(new JobDetailRequest(viewer, both.getSubmitted().getJobId()));
        assertThat(child.getSummary().getParentJobId()).isEqualTo(parent);
        assertAudit("retryJob", "accepted");

        long allGood = client.submit(admin, 1003, List.of("127.0.10.1"), Map.of()).getJobId();
        client.allEvents(admin, allGood, 500);
        assertRefused(() -> retry(new RetryRequest(admin, allGood)), ErrorCode.INVALID_REQUEST,
                "job " + allGood + " has no hosts to retry for failed and unreachable");
        assertRefused(() -> retry(new RetryRequest(viewer, parent)), ErrorCode.FORBIDDEN, "your role viewer may not cancel or retry jobs");
        assertAudit("retryJob", "FORBIDDEN");
        assertRefused(() -> retry(new RetryRequest(admin, 987654321L)), ErrorCode.NOT_FOUND, "job 987654321 does not exist");
    }

    // ---- cancel ----------------------------------------------------------------------------------

    @Test
    void cancelStopsTheRemoteProcessAndSkipsHostsNotLaunched()
            throws Exception
    {
        String marker = "287";
        SubmitReply reply = submit(new SubmitRequest(admin, 9101, List.of("127.0.0.2", "127.0.10.5", "127.0.10.6"), Map.of("seconds", marker))
                .setRolling(new RollingOptions().setMaxInFlight(1)));
        long id = reply.getJobId();
        awaitRemoteProcess("sleep " + marker, true);

        assertRefused(() -> cancel(new CancelRequest(viewer, id)), ErrorCode.FORBIDDEN, "your role viewer may not cancel or retry jobs");
        CancelReply cancelled = cancel(new CancelRequest(admin, id));
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(cancelled.getStatus()).isEqualTo(JobStatus.CANCELLED);
        List<HostEvent> finished = client.allEvents(admin, id, 500).stream().filter(e -> e.getKind() == EventKind.FINISHED).toList();
        assertThat(finished).filteredOn(e -> e.getLanIp().equals("127.0.0.2")).singleElement()
                .satisfies(e -> assertThat(e.getFailureReason()).isEqualTo("INTERRUPTED"));
        assertThat(finished).filteredOn(e -> !e.getLanIp().equals("127.0.0.2")).hasSize(2).allSatisfy(e -> {
            assertThat(e.getStatus()).isEqualTo(HostStatus.SKIPPED);
            assertThat(e.getFailureMessage()).isEqualTo("not launched: cancelled by admin");
        });
        awaitRemoteProcess("sleep " + marker, false);

        CancelReply again = cancel(new CancelRequest(admin, id));
        assertThat(again.isCancelled()).isFalse();
        assertThat(again.getStatus()).isEqualTo(JobStatus.CANCELLED);
        JobDetailReply detail = detail(new JobDetailRequest(viewer, id));
        assertThat(detail.getSummary().getStatus()).isEqualTo(JobStatus.CANCELLED);
        assertThat(detail.getStopReason()).isEqualTo("cancelled by admin");
        assertThat(master.catalog().audit().latest(5)).filteredOn(entry -> entry.action().equals("cancel"))
                .extracting(AuditEntry::outcome).contains("accepted", "FORBIDDEN");
        assertRefused(() -> cancel(new CancelRequest(admin, 987654321L)), ErrorCode.NOT_FOUND, "job 987654321 does not exist");
    }

    /** Polls pgrep (bounded: 400 checks) until a process with this command line exists, or no longer does. */
    private static void awaitRemoteProcess(String commandLine, boolean present)
            throws Exception
    {
        for (int i = 0; i < 400; i++) {
            boolean found = Commands.run("pgrep", "-f", "-x", commandLine).exitCode() == 0;
            if (found == present) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("process '" + commandLine + "' " + (present ? "never appeared" : "is still running"));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private long newestJobId()
            throws TException
    {
        return jobs(new JobsRequest(admin).setLimit(1)).getJobs().stream().mapToLong(JobSummary::getJobId).findFirst().orElse(0);
    }

    private JobsReply jobs(JobsRequest request)
            throws TException
    {
        return client.call("jobs", request, new JobsReply());
    }

    private JobDetailReply detail(JobDetailRequest request)
            throws TException
    {
        return client.call("jobDetail", request, new JobDetailReply());
    }

    private HostOutputReply output(HostOutputRequest request)
            throws TException
    {
        return client.call("hostOutput", request, new HostOutputReply());
    }

    private SubmitReply submit(SubmitRequest request)
            throws TException
    {
        return client.call("submit", request, new SubmitReply());
    }

    private RetryReply retry(RetryRequest request)
            throws TException
    {
        return client.call("retryJob", request, new RetryReply());
    }

    private CancelReply cancel(CancelRequest request)
            throws TException
    {
        return client.call("cancel", request, new CancelReply());
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
