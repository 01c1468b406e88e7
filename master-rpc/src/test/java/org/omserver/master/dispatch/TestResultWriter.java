package org.omserver.master.dispatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.omserver.catalog.Catalog;
import org.omserver.catalog.TestingH2;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.job.JobStatus;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TestResultWriter
{
    private Catalog catalog;

    @BeforeEach
    void open()
    {
        catalog = Catalog.open(TestingH2.config());
    }

    @AfterEach
    void close()
    {
        catalog.close();
    }

    @Test
    void everyRowIsCommittedBeforeItsStoreReturnsAndConcurrentRowsShareTransactions()
            throws Exception
    {
        long job = job(100);
        CountDownLatch firstWriteHeld = new CountDownLatch(1);
        CountingRepository counting = new CountingRepository(catalog.jobs(), firstWriteHeld);
        ResultWriter writer = new ResultWriter(counting.repository());
        counting.writer = writer;
        List<String> missingAfterStore = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = IntStream.rangeClosed(1, 100).mapToObj(i -> Thread.ofVirtual().start(() -> {
            String ip = "127.0.50." + i;
            writer.store(job, result(ip));
            if (catalog.jobs().hostResult(job, ip).isEmpty()) {
                missingAfterStore.add(ip);
            }
        })).toList();
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(missingAfterStore).isEmpty();
        assertThat(catalog.jobs().hostResults(job)).hasSize(100);
        // the first write was held until 20 more rows queued: they went in together, not one commit each
        assertThat(counting.largestBatch).isGreaterThanOrEqualTo(20);
        assertThat(counting.transactions()).isLessThan(100);
    }

    @Test
    void aBadRowFailsOnlyItsOwnHost()
    {
        long job = job(3);
        ResultWriter writer = new ResultWriter(catalog.jobs());
        writer.store(job, result("127.0.50.1"));
        ConcurrentHashMap<String, String> failures = new ConcurrentHashMap<>();
        List<Thread> threads = List.of("127.0.50.1", "127.0.50.2", "127.0.50.3").stream().map(ip -> Thread.ofVirtual().start(() -> {
            try {
                writer.store(job, result(ip));   // 127.0.50.1 is stored already: its second row breaks the key
            }
            catch (RuntimeException e) {
                failures.put(ip, e.getClass().getSimpleName());
            }
        })).toList();
        threads.forEach(thread -> {
            try {
                thread.join();
            }
            catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(failures).containsOnlyKeys("127.0.50.1");
        assertThat(catalog.jobs().hostResults(job)).extracting(HostResultRecord::lanIp)
                .containsExactlyInAnyOrder("127.0.50.1", "127.0.50.2", "127.0.50.3");
    }

    private long job(int hosts)
    {
        List<String> targets = IntStream.rangeClosed(1, hosts).mapToObj(i -> "127.0.50." + i).toList();
        return catalog.jobs().create(new JobRecord(0, Instant.now(), "t", 1, Map.of(), targets, JobStatus.RUNNING));
    }

    private static HostResultRecord result(String ip)
    {
        return new HostResultRecord(ip, "host-" + ip, true, OptionalInt.of(0), Optional.empty(), "", Duration.ofMillis(5), ip + "\n", "", false);
    }

    /** The real repository, counting transactions; its first batch waits until 20 more rows are queued. */
    private static final class CountingRepository
            implements InvocationHandler
    {
        private final JobRepository delegate;
        private final CountDownLatch firstWriteHeld;
        volatile ResultWriter writer;
        private final AtomicInteger transactions = new AtomicInteger();
        volatile int largestBatch;

        CountingRepository(JobRepository delegate, CountDownLatch firstWriteHeld)
        {
            this.delegate = delegate;
            this.firstWriteHeld = firstWriteHeld;
        }

        JobRepository repository()
        {
            return (JobRepository) Proxy.newProxyInstance(JobRepository.class.getClassLoader(), new Class<?>[] {JobRepository.class}, this);
        }

        int transactions()
        {
            return transactions.get();
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args)
                throws Throwable
        {
            if (method.getName().equals("addHostResults")) {
                holdTheFirstWrite();
                largestBatch = Math.max(largestBatch, ((List<?>) args[0]).size());
            }
            if (method.getName().startsWith("addHostResult")) {
                transactions.incrementAndGet();
            }
            try {
                return method.invoke(delegate, args);
            }
            catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private void holdTheFirstWrite()
                throws InterruptedException
        {
            if (firstWriteHeld.getCount() == 0) {
                return;
            }
            firstWriteHeld.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (writer.queued() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }
}
