package org.omserver.master.synthetic;

import org.omserver.executor.api.EventSink;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.ExecutorFactory;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.executor.api.Invocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A backend that runs nothing: it completes hosts at a controlled rate with configurable output and failures, for
 * benchmarks and tests of the master and the gateway at fleet scale (10,000 hosts without 10,000 machines).
 * Hosts use it when their {@code server_list.backend} is {@code synthetic} (or {@code executor.default=synthetic}).
 *
 * <p>Keys ({@code executor.synthetic.<key>}):
 * <ul>
 * <li>{@code hosts-per-second}: completions across all jobs are paced at this rate; 0 (default) = as fast as possible</li>
 * <li>{@code duration}: each host also takes this long, e.g. {@code 200ms}; default 0</li>
 * <li>{@code output}: stdout of each host, {@code {host}} replaced by its address; default {@code synthetic {host}\n}</li>
 * <li>{@code output-repeat}: the output is written this many times, as that many chunks; default 1</li>
 * <li>{@code failure-ratio}: this share of hosts (0 to 1, chosen by a hash of the address, so the same every run)
 *     exits 1 with stderr {@code synthetic failure on {host}}; default 0</li>
 * <li>{@code fail-hosts}, {@code unreachable-hosts}: comma-separated addresses that exit 1 / are UNREACHABLE</li>
 * </ul>
 * An interrupt (cancel, shutdown) ends the host INTERRUPTED at once.
 */
public final class SyntheticExecutorFactory
        implements ExecutorFactory
{
    private static final Set<String> KEYS = Set.of("hosts-per-second", "duration", "output", "output-repeat", "failure-ratio", "fail-hosts",
            "unreachable-hosts");

    @Override
    public String name()
    {
        return "synthetic";
    }

    @Override
    public Executor create(ExecutorConfig config)
    {
        List<String> problems = new ArrayList<>();
        Set<String> unknown = new TreeSet<>(config.properties().keySet());
        unknown.removeAll(KEYS);
        unknown.forEach(key -> problems.add("unknown key '" + key + "'; known: " + new TreeSet<>(KEYS)));
        double rate = number(config, "hosts-per-second", "0", 0, 1_000_000, problems);
        Duration duration = Duration.ZERO;
        String durationText = config.get("duration").orElse("0ms");
        if (!durationText.matches("\\d{1,9}(ms|s)")) {
            problems.add("duration must be a whole number of ms or s, e.g. 200ms, was '" + durationText + "'");
        }
        else {
            long amount = Long.parseLong(durationText.replaceAll("\\D", ""));
            duration = durationText.endsWith("ms") ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
        }
        int repeat = (int) number(config, "output-repeat", "1", 0, 100_000, problems);
        double failureRatio = number(config, "failure-ratio", "0", 0, 1, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Synthetic(rate, duration, config.get("output").orElse("synthetic {host}\n"), repeat, failureRatio,
                list(config, "fail-hosts"), list(config, "unreachable-hosts"));
    }

    private static double number(ExecutorConfig config, String key, String fallback, double min, double max, List<String> problems)
    {
        String text = config.get(key).orElse(fallback);
        try {
            double value = Double.parseDouble(text);
            if (value < min || value > max) {
                problems.add(key + " must be from " + min + " to " + max + ", was " + text);
            }
            return value;
        }
        catch (NumberFormatException e) {
            problems.add(key + " must be a number, was '" + text + "'");
            return min;
        }
    }

    private static Set<String> list(ExecutorConfig config, String key)
    {
        return config.get(key).map(text -> Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    private static final class Synthetic
            implements Executor
    {
        private final long intervalNanos;
        private final Duration duration;
        private final String output;
        private final int repeat;
        private final double failureRatio;
        private final Set<String> failHosts;
        private final Set<String> unreachableHosts;
        private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());

        private Synthetic(double rate, Duration duration, String output, int repeat, double failureRatio, Set<String> failHosts,
                Set<String> unreachableHosts)
        {
            this.intervalNanos = rate == 0 ? 0 : (long) (1_000_000_000L / rate);
            this.duration = duration;
            this.output = output;
            this.repeat = repeat;
            this.failureRatio = failureRatio;
            this.failHosts = failHosts;
            this.unreachableHosts = unreachableHosts;
        }

        @Override
        public void execute(Invocation invocation, EventSink sink)
        {
            HostTarget target = invocation.target();
            long start = System.nanoTime();
            if (unreachableHosts.contains(target.address())) {
                sink.finished(target, HostResult.failed(FailureReason.UNREACHABLE, "synthetic: " + target.address() + " is unreachable",
                        Duration.ofNanos(System.nanoTime() - start)));
                return;
            }
            sink.started(target);
            long slot = intervalNanos == 0 ? start : nextSlot.getAndUpdate(previous -> Math.max(previous, System.nanoTime()) + intervalNanos);
            long until = Math.max(slot, start + duration.toNanos());
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
                if (Thread.currentThread().isInterrupted()) {
                    sink.finished(target, HostResult.failed(FailureReason.INTERRUPTED, "synthetic: interrupted", Duration.ofNanos(System.nanoTime() - start)));
                    return;
                }
            }
            String text = output.replace("{host}", target.address());
            for (int i = 0; i < repeat; i++) {
                sink.output(target, EventSink.OutputStream.STDOUT, text);
            }
            boolean fails = failHosts.contains(target.address()) || (Math.floorMod(target.address().hashCode(), 10_000) < failureRatio * 10_000);
            if (fails) {
                sink.output(target, EventSink.OutputStream.STDERR, "synthetic failure on " + target.address() + "\n");
            }
            sink.finished(target, HostResult.exited(fails ? 1 : 0, Duration.ofNanos(System.nanoTime() - start)));
        }
    }
}
