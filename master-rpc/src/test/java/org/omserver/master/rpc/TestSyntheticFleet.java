package org.omserver.master.rpc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobStatus;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 10,000-host job on the synthetic backend, read by cursor the way the gateway reads it: every event arrives
 * once, in order, with nothing lost, also when a reader reconnects from a cursor in the middle; and the heap the
 * job holds stays bounded. Prints the heap figure (no timing is asserted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestSyntheticFleet
{
    private static final int HOSTS = 10_000;

    private TestingMaster master;
    private final List<String> targets = new ArrayList<>();

    @BeforeAll
    void start()
            throws Exception
    {
        master = new TestingMaster(Map.of("run.max-parallel", "500", "executor.synthetic.output", "ok\n"));
        int function = master.catalog().inventory().addFunctionCategory("Fleet");
        int app = master.catalog().inventory().addAppCategory(function, "fleet");
        // 127.1.0.1 - 127.1.39.250, inserted 1000 rows per statement
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < HOSTS; i++) {
            String ip = "127.1." + (i / 250) + "." + (i % 250 + 1);
            targets.add(ip);
            values.append(values.isEmpty() ? "" : ",").append("('").append(ip).append("','fleet").append(i).append("',").append(app).append(",'synthetic')");
            if (values.length() > 0 && (i + 1) % 1000 == 0) {
                master.execute("INSERT INTO server_list (server_lip, server_name, server_app_id, backend) VALUES " + values);
                values.setLength(0);
            }
        }
    }

    @AfterAll
    void stop()
            throws Exception
    {
        master.close();
    }

    @Test
    void tenThousandHostsStreamEveryEventOnceByCursor()
            throws Exception
    {
        long heapBefore = usedHeapAfterGc();
        try (TestingMasterClient client = master.client()) {
            String session = client.login("admin", "pw-admin").getSession();
            long jobId = client.submit(session, 1003, targets, Map.of()).getJobId();

            List<HostEvent> events = new ArrayList<>();
            long cursor = 0;
            long resumeFrom = -1;
            List<HostEvent> resumed = new ArrayList<>();
            EventsReply page;
            do {
                page = client.events(session, jobId, cursor, 5000, 5000);
                events.addAll(page.getEvents());
                cursor = page.getNextCursor();
                if (resumeFrom < 0 && cursor > HOSTS * 2L) {
                    // a second reader "reconnects" with the cursor it had: it gets the same events from there on
                    resumeFrom = cursor;
                }
            }
            while (!page.isComplete());
            long resumeCursor = resumeFrom;
            EventsReply again;
            do {
                again = client.events(session, jobId, resumeCursor, 0, 5000);
                resumed.addAll(again.getEvents());
                resumeCursor = again.getNextCursor();
            }
            while (!again.isComplete());

            assertThat(events).extracting(HostEvent::getSeq).containsExactlyElementsOf(LongStream.rangeClosed(1, HOSTS * 4L).boxed().toList());
            assertThat(resumed).isEqualTo(events.subList((int) resumeFrom, events.size()));
            Map<String, Map<EventKind, Integer>> perHost = new HashMap<>();
            for (HostEvent event : events) {
                perHost.computeIfAbsent(event.getLanIp(), ip -> new EnumMap<>(EventKind.class)).merge(event.getKind(), 1, Integer::sum);
            }
            assertThat(perHost).hasSize(HOSTS);
            assertThat(perHost.values()).allSatisfy(kinds -> assertThat(kinds)
                    .isEqualTo(Map.of(EventKind.QUEUED, 1, EventKind.STARTED, 1, EventKind.STDOUT, 1, EventKind.FINISHED, 1)));

            JobDetailReply detail = client.call("jobDetail", new JobDetailRequest(session, jobId).setWithGroups(true), new JobDetailReply());
            assertThat(detail.getSummary().getStatus()).isEqualTo(JobStatus.FINISHED);
            assertThat(detail.getSummary().getProgress().getSucceeded()).isEqualTo(HOSTS);
            assertThat(detail.getGroups()).singleElement().satisfies(group -> assertThat(group.getHostCount()).isEqualTo(HOSTS));

            long heapAfter = usedHeapAfterGc();
            long held = heapAfter - heapBefore;
            System.out.printf("synthetic fleet: %d hosts, %d events; heap used after GC %d MiB before, %d MiB with the finished job in memory (+%d MiB)%n",
                    HOSTS, events.size(), heapBefore >> 20, heapAfter >> 20, held >> 20);
            // the job in memory (events, per-host state and output) plus this test's copies of 40,000 events
            assertThat(held).isLessThan(256L << 20);
        }
    }

    private static long usedHeapAfterGc()
    {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
