package org.omserver.master.rpc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.JobRecord;
import org.omserver.protocol.thrift.HostOutputReply;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.HostState;
import org.omserver.protocol.thrift.HostSummary;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobsReply;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.catalog.job.JobStatus;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.SubmitReply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** What survives a master restart: stored jobs stay readable, jobs left RUNNING turn INTERRUPTED. Also the legacy switch. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestMasterRestart
{
    private TestingMaster master;

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of());
    }

    @AfterAll
    void stop()
            throws Exception
    {
        master.close();
    }

    @Test
    void jobsFromBeforeARestartAreReadFromTheDatabase()
            throws Exception
    {
        long finishedJob;
        try (TestingMasterClient client = master.client()) {
            String session = client.login("admin", "pw-admin").getSession();
            SubmitReply reply = client.submit(session, 1003, List.of("127.0.0.2", "127.0.0.3"), Map.of());
            finishedJob = reply.getJobId();
            while (!client.events(session, finishedJob, 0, 5000, 5000).isComplete()) {
                // long-poll until done
            }
        }
        long runningJob = master.catalog().jobs().create(new JobRecord(0, Instant.now(), "admin", 1003, Map.of(),
                List.of("127.0.0.2"), JobStatus.RUNNING));

        // a job that had gathered one of its two results when its master died
        long partialJob = master.catalog().jobs().create(new JobRecord(0, Instant.now(), "admin", 1003, Map.of(),
                List.of("127.0.0.2", "127.0.0.3"), JobStatus.RUNNING));
        master.catalog().jobs().addHostResult(partialJob, new HostResultRecord("127.0.0.2", "web01", true, OptionalInt.of(0), Optional.empty(), "",
                Duration.ofMillis(5), "Debian\n", "", false));

        master.restart(Map.of());

        assertThat(master.catalog().jobs().find(runningJob).orElseThrow().status()).isEqualTo(JobStatus.INTERRUPTED);
        try (TestingMasterClient client = master.client()) {
            String session = client.login("viewer", "pw-viewer").getSession();
            JobDetailReply detail = client.call("jobDetail", new JobDetailRequest(session, partialJob), new JobDetailReply());
            assertThat(detail.getSummary().getStatus()).isEqualTo(org.omserver.protocol.thrift.JobStatus.INTERRUPTED);
            assertThat(detail.getSummary().getProgress().getSucceeded()).isEqualTo(1);
            assertThat(detail.getSummary().getProgress().getFailed()).isEqualTo(1);
            assertThat(detail.getHosts()).extracting(HostSummary::getState).containsExactly(HostState.SUCCESS, HostState.FAILED);
            assertThat(detail.getHosts().get(1).getFailureReason()).isEqualTo("INTERRUPTED");
            assertThat(client.call("hostOutput", new HostOutputRequest(session, partialJob, "127.0.0.2"), new HostOutputReply()).getStdout())
                    .isEqualTo("Debian\n");
            JobsReply history = client.call("jobs", new JobsRequest(session).setLimit(200), new JobsReply());
            assertThat(history.getJobs()).filteredOn(job -> job.getJobId() == partialJob).singleElement().satisfies(job -> {
                assertThat(job.getStatus()).isEqualTo(org.omserver.protocol.thrift.JobStatus.INTERRUPTED);
                assertThat(job.getProgress().getSucceeded()).isEqualTo(1);
                assertThat(job.getProgress().getFailed()).isEqualTo(1);
            });
        }
        assertThat(master.catalog().jobs().find(finishedJob).orElseThrow().status()).isEqualTo(JobStatus.FINISHED);
        try (TestingMasterClient client = master.client()) {
            String session = client.login("viewer", "pw-viewer").getSession();
            String issue = Commands.run("head", "-n", "1", "/etc/issue").stdout();
            List<HostEvent> events = new ArrayList<>();
            long cursor = 0;
            EventsReply page;
            do {
                page = client.events(session, finishedJob, cursor, 0, 1);
                events.addAll(page.getEvents());
                cursor = page.getNextCursor();
            }
            while (!page.isComplete());
            assertThat(events).extracting(HostEvent::getSeq).containsExactly(1L, 2L, 3L, 4L);
            assertThat(events).extracting(HostEvent::getKind).containsExactly(EventKind.STDOUT, EventKind.FINISHED, EventKind.STDOUT, EventKind.FINISHED);
            assertThat(events.get(0).getText()).isEqualTo(issue);
            assertThat(events.get(1).getStatus()).isEqualTo(HostStatus.SUCCESS);
            assertThat(page.getHostsDone()).isEqualTo(2);

            EventsReply interrupted = client.events(session, runningJob, 0, 0, 100);
            assertThat(interrupted.isComplete()).isTrue();
            assertThat(interrupted.getEvents()).singleElement().satisfies(event -> {
                assertThat(event.getKind()).isEqualTo(EventKind.FINISHED);
                assertThat(event.getFailureReason()).isEqualTo("INTERRUPTED");
            });
        }
    }

    @Test
    void closingTheMasterInterruptsRunningHosts()
            throws Exception
    {
        master.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template,"
                + " timeout_seconds, needs_root, enabled) VALUES (9001, 'sleep', 'Sleeps.', NULL, 'any', '[]', '[\"sleep\",\"30\"]', 60, FALSE, TRUE)");
        long jobId;
        try (TestingMasterClient client = master.client()) {
            String session = client.login("admin", "pw-admin").getSession();
            jobId = client.submit(session, 9001, List.of("127.0.0.2"), Map.of()).getJobId();
            long cursor = 0;
            boolean started = false;
            while (!started) {
                EventsReply page = client.events(session, jobId, cursor, 5000, 100);
                started = page.getEvents().stream().anyMatch(event -> event.getKind() == EventKind.STARTED);
                cursor = page.getNextCursor();
            }
        }
        long before = System.nanoTime();
        master.restart(Map.of());
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(20));
        assertThat(master.catalog().jobs().find(jobId).orElseThrow().status()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(master.catalog().jobs().hostResults(jobId)).singleElement()
                .satisfies(result -> assertThat(result.failureReason()).hasValue("INTERRUPTED"));
    }

    @Test
    void legacyCallIsOffByDefault()
            throws Exception
    {
        try (TestingMasterClient client = master.client()) {
            SealedEnvelope envelope = new SealedEnvelope(TestingMaster.SECRET.getBytes(StandardCharsets.UTF_8), master.clock(), Duration.ofMinutes(2),
                    1 << 20, new ReplayCache(master.clock(), 100));
            String token = envelope.seal("runCommands", "1003@@127.0.0.2*h1@@".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(envelope.open("runCommands.reply", client.raw().runCommands(token)), StandardCharsets.UTF_8))
                    .isEqualTo("error: the legacy runCommands call is disabled on this master (legacy.enabled=false)");
            assertThat(master.catalog().audit().latest(1).get(0).outcome()).isEqualTo("LEGACY_DISABLED");
        }
    }
}
