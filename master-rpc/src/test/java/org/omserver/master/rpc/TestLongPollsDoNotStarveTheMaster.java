package org.omserver.master.rpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.job.Job;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.SubmitReply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event long-polls hold a master worker while they wait. A gateway keeps up to half of its master connections
 * (16 by default) in live streams; with the default worker count, calls from pages must still be served at once.
 */
class TestLongPollsDoNotStarveTheMaster
{
    private static final int GATEWAY_STREAMS = 16;

    @Test
    void aLoginIsServedWhileAGatewaysWorthOfStreamsWaitForEvents()
            throws Exception
    {
        int defaultWorkers = MasterConfig.fromProperties(Map.of("db.url", "jdbc:h2:mem:unused")).workerThreads();
        assertThat(defaultWorkers).isGreaterThan(GATEWAY_STREAMS);
        try (TestingMaster master = new TestingMaster(Map.of("rpc.worker-threads", Integer.toString(defaultWorkers)));
                TestingMasterClient client = master.client()) {
            master.execute("INSERT INTO module_list (ID, module_name, module_caption, command_template, timeout_seconds) "
                    + "VALUES (9100, 'sleep', 'sleeps a while', '[\"sleep\",\"30\"]', 60)");
            String session = client.login("admin", "pw-admin").getSession();
            SubmitReply job = client.submit(session, 9100, List.of("127.0.0.2"), Map.of());
            long cursor = 0;
            while (cursor < 2) { // QUEUED, STARTED: from here on the job is quiet until the sleep ends
                cursor = client.events(session, job.getJobId(), cursor, 5_000, 100).getNextCursor();
            }

            ExecutorService pollers = Executors.newFixedThreadPool(GATEWAY_STREAMS);
            List<Future<EventsReply>> polls = new ArrayList<>();
            long quietFrom = cursor;
            for (int i = 0; i < GATEWAY_STREAMS; i++) {
                polls.add(pollers.submit(() -> {
                    try (TestingMasterClient poller = master.client()) {
                        return poller.events(session, job.getJobId(), quietFrom, 20_000, 100);
                    }
                }));
            }
            awaitWorkersParkedInPolls(GATEWAY_STREAMS);
            try (TestingMasterClient page = master.client()) {
                LoginReply login = page.login("viewer", "pw-viewer");
                assertThat(login.getSession()).isNotEmpty();
                // had the polls taken every worker, the login would only have run after they returned
                assertThat(polls).noneMatch(Future::isDone);
            }
            finally {
                pollers.shutdownNow();
            }
        }
    }

    /** The master runs in this JVM: wait (bounded) until {@code count} of its RPC workers wait inside a job's event poll. */
    private static void awaitWorkersParkedInPolls(int count)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (parkedInPolls() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + parkedInPolls() + " of " + count + " event polls reached the master");
            }
            Thread.sleep(20);
        }
    }

    private static long parkedInPolls()
    {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(entry -> entry.getKey().getName().startsWith("master-rpc-worker-"))
                .filter(entry -> Arrays.stream(entry.getValue()).anyMatch(frame -> frame.getClassName().equals(Job.class.getName())))
                .count();
    }
}
