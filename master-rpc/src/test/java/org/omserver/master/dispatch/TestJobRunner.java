package org.omserver.master.dispatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.omserver.catalog.Catalog;
import org.omserver.catalog.TestingH2;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobStatus;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.job.EventPage;
import org.omserver.master.job.Job;
import org.omserver.master.job.JobEvent;
import org.omserver.master.job.JobRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestJobRunner
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
    void executorThatThrowsStillFinishesTheHostAsInternal()
            throws Exception
    {
        Job job = run(Map.of("boom", (invocation, sink) -> {
            throw new IllegalStateException("bug in the backend");
        }), 4, "boom", hosts(1));
        HostResult result = finished(job).get(0);
        assertThat(result.failure()).hasValueSatisfying(reason -> assertThat(reason.name()).isEqualTo("INTERNAL"));
        assertThat(result.message()).contains("backend boom failed: IllegalStateException; see the master log");
        assertThat(catalog.jobs().find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.FINISHED);
        assertThat(catalog.jobs().hostResults(job.id())).singleElement().satisfies(r -> assertThat(r.failureReason()).hasValue("INTERNAL"));
    }

    @Test
    void executorThatReturnsWithoutAResultFinishesTheHostAsInternal()
            throws Exception
    {
        Job job = run(Map.of("silent", (invocation, sink) -> sink.started(invocation.target())), 4, "silent", hosts(1));
        assertThat(finished(job).get(0).message()).contains("returned without reporting a result");
    }

    @Test
    void atMostMaxParallelHostsRunAtOnceAndEveryHostFinishes()
            throws Exception
    {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        Executor slow = (invocation, sink) -> {
            highest.accumulateAndGet(running.incrementAndGet(), Math::max);
            sink.started(invocation.target());
            try {
                Thread.sleep(20);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sink.output(invocation.target(), org.omserver.executor.api.EventSink.OutputStream.STDOUT, invocation.target().address() + "\n");
            running.decrementAndGet();
            sink.finished(invocation.target(), HostResult.success(Duration.ofMillis(20)));
        };
        Job job = run(Map.of("slow", slow), 3, "slow", hosts(12));
        assertThat(highest.get()).isEqualTo(3);
        assertThat(finished(job)).hasSize(12).allMatch(HostResult::succeeded);
        EventPage page = job.read(0, 1000, Duration.ZERO);
        assertThat(page.events()).extracting(JobEvent::seq).containsExactlyElementsOf(IntStream.rangeClosed(1, 12 * 4).mapToObj(i -> (long) i).toList());
        assertThat(page.complete()).isTrue();
        assertThat(catalog.jobs().hostResults(job.id())).hasSize(12).allSatisfy(r -> assertThat(r.stdout()).isEqualTo(r.lanIp() + "\n"));
    }

    @Test
    void aModulesOwnLimitCapsItsJobBelowTheMastersLimit()
            throws Exception
    {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        Executor counting = (invocation, sink) -> {
            highest.accumulateAndGet(running.incrementAndGet(), Math::max);
            sink.started(invocation.target());
            Thread.yield();
            running.decrementAndGet();
            sink.finished(invocation.target(), HostResult.success(Duration.ZERO));
        };
        Job job = run(Map.of("counting", counting), 8, "counting", hosts(20), java.util.OptionalInt.of(2));
        assertThat(highest.get()).isBetween(1, 2);
        assertThat(finished(job)).hasSize(20).allMatch(HostResult::succeeded);
        highest.set(0);
        run(Map.of("counting", counting), 1, "counting", hosts(5), java.util.OptionalInt.of(4));
        assertThat(highest.get()).isEqualTo(1);
    }

    @Test
    void anUpdateRolloutRunsTheCanaryAloneThenBatchesAndStopsAtTheFirstFailedBatch()
            throws Exception
    {
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highestWhileCanary = new AtomicInteger();
        Executor updating = (invocation, sink) -> {
            String host = invocation.target().address();
            int now = running.incrementAndGet();
            if (host.equals("127.0.1.1")) {
                highestWhileCanary.set(now);
            }
            order.add(host);
            sink.started(invocation.target());
            running.decrementAndGet();
            sink.finished(invocation.target(), host.equals("127.0.1.3") ? HostResult.failed(org.omserver.executor.api.FailureReason.UNHEALTHY,
                    "rolled back", Duration.ZERO) : HostResult.success(Duration.ZERO));
        };
        // batches of 2, failure threshold "never" as asked: the update rollout makes it canary + 0
        Rolling rolling = new Rolling(2, 8, java.util.OptionalInt.empty(), Optional.empty()).asUpdateRollout();
        Job job = run(Map.of("agent", updating), 8, "agent", hosts(7), rolling);
        assertThat(highestWhileCanary.get()).as("the canary runs alone").isEqualTo(1);
        assertThat(order.get(0)).isEqualTo("127.0.1.1");
        assertThat(order).containsExactlyInAnyOrder("127.0.1.1", "127.0.1.2", "127.0.1.3");
        assertThat(job.stopReason()).contains("stopped: batch 1 after the canary had a failed host; no further host was launched");
        assertThat(finished(job)).filteredOn(r -> r.failure().filter(f -> f.name().equals("SKIPPED")).isPresent()).hasSize(4);
        assertThat(catalog.jobs().find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.STOPPED);
    }

    @Test
    void missingBackendIsAStartupErrorListingWhatWasFound()
    {
        MasterConfig config = MasterConfig.fromProperties(Map.of("db.url", "jdbc:h2:mem:x", "executor.default", "winrm"));
        assertThatThrownBy(() -> Backends.load(config, getClass().getClassLoader()))
                .hasMessageContaining("no executor backend named 'winrm' (named by executor.default); backends found on the class path: agent, ssh");
    }

    @Test
    void theAgentBackendNeedsTheMastersKeyLookup()
    {
        MasterConfig config = MasterConfig.fromProperties(Map.of("db.url", "jdbc:h2:mem:x", "executor.default", "agent"));
        assertThatThrownBy(() -> Backends.load(config, getClass().getClassLoader()))
                .hasMessageContaining("executor.agent: the agent backend needs the master's agent key lookup");
        MasterConfig badKeys = MasterConfig.fromProperties(Map.of("db.url", "jdbc:h2:mem:x", "executor.agent.poll-wait", "forever", "executor.agent.colour", "red"));
        assertThatThrownBy(() -> Backends.load(badKeys, getClass().getClassLoader(), new org.omserver.executor.api.BackendServices(
                Map.of(org.omserver.agent.backend.AgentKeys.class, (org.omserver.agent.backend.AgentKeys) address -> java.util.Optional.empty()))))
                .hasMessageContaining("executor.agent: unknown key 'colour'")
                .hasMessageContaining("poll-wait: 'forever' is not a positive duration");
    }

    private Job run(Map<String, Executor> executors, int maxParallel, String backend, List<HostTarget> targets)
            throws InterruptedException
    {
        return run(executors, maxParallel, backend, targets, java.util.OptionalInt.empty());
    }

    private Job run(Map<String, Executor> executors, int maxParallel, String backend, List<HostTarget> targets, java.util.OptionalInt moduleLimit)
            throws InterruptedException
    {
        return run(executors, maxParallel, backend, targets, Rolling.allAtOnce(targets.size(), maxParallel).limitedTo(moduleLimit));
    }

    private Job run(Map<String, Executor> executors, int maxParallel, String backend, List<HostTarget> targets, Rolling rolling)
            throws InterruptedException
    {
        JobRegistry registry = new JobRegistry(Clock.systemUTC(), Duration.ofMinutes(10), 100);
        try (JobRunner runner = new JobRunner(new Backends(executors, backend), catalog.jobs(), registry, maxParallel, Clock.systemUTC())) {
            long id = catalog.jobs().create(new JobRecord(0, java.time.Instant.now(), "t", 1, Map.of(), targets.stream().map(HostTarget::address).toList(), JobStatus.RUNNING));
            Job job = runner.start(id, 1, "m", List.of("true"), Duration.ofSeconds(10), false,
                    targets.stream().map(target -> new PlannedHost(target, backend)).toList(), rolling);
            assertThat(job.awaitCompletion(Duration.ofSeconds(20))).isTrue();
            return job;
        }
    }

    private static List<HostResult> finished(Job job)
            throws InterruptedException
    {
        return job.read(0, 10_000, Duration.ZERO).events().stream()
                .filter(event -> event.kind() == JobEvent.Kind.FINISHED).map(event -> event.result().orElseThrow()).toList();
    }

    private static List<HostTarget> hosts(int count)
    {
        List<HostTarget> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hosts.add(new HostTarget("127.0.1." + (i + 1), "h" + i, 22, Optional.empty()));
        }
        return hosts;
    }
}
