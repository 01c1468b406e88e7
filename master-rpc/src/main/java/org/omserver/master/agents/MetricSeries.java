package org.omserver.master.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.omserver.catalog.agent.AgentMetric;

import static java.util.Objects.requireNonNull;

/**
 * Heartbeat readings averaged into equal time buckets, so a 24 h chart has a bounded number of points whatever the
 * heartbeat interval. Empty buckets produce no point: the chart shows a gap where heartbeats were missing.
 */
public final class MetricSeries
{
    public static final int DEFAULT_POINTS = 288;
    public static final int MAX_POINTS = 1000;

    private MetricSeries() {}

    /** One bucket's averages; {@code at} is the mean time of its readings. */
    public record Point(Instant at, double cpuPercent, long memoryUsed, long memoryTotal)
    {
        public Point
        {
            requireNonNull(at, "at is null");
        }
    }

    /** The width of one bucket for a window split into {@code maxPoints} buckets (at least 1 ms). */
    public static Duration bucket(Instant from, Instant to, int maxPoints)
    {
        checkPoints(maxPoints);
        long width = Duration.between(from, to).toMillis();
        return Duration.ofMillis(Math.max(1, (width + maxPoints - 1) / maxPoints));
    }

    /** Averages the readings inside [from, to) into at most {@code maxPoints} buckets, oldest first; readings outside are ignored. */
    public static List<Point> downsample(List<AgentMetric> readings, Instant from, Instant to, int maxPoints)
    {
        requireNonNull(readings, "readings is null");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the window must end after it starts: " + from + " .. " + to);
        }
        long width = bucket(from, to, maxPoints).toMillis();
        int buckets = (int) Math.min(maxPoints, (Duration.between(from, to).toMillis() + width - 1) / width);
        double[] cpu = new double[buckets];
        double[] used = new double[buckets];
        double[] total = new double[buckets];
        double[] at = new double[buckets];
        int[] count = new int[buckets];
        for (AgentMetric reading : readings) {
            if (reading.at().isBefore(from) || !reading.at().isBefore(to)) {
                continue;
            }
            long offset = Duration.between(from, reading.at()).toMillis();
            int i = (int) Math.min(buckets - 1, offset / width);
            cpu[i] += reading.cpuPercent();
            used[i] += reading.memoryUsed();
            total[i] += reading.memoryTotal();
            at[i] += offset;
            count[i]++;
        }
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            if (count[i] > 0) {
                points.add(new Point(from.plusMillis(Math.round(at[i] / count[i])), cpu[i] / count[i], Math.round(used[i] / count[i]),
                        Math.round(total[i] / count[i])));
            }
        }
        return points;
    }

    private static void checkPoints(int maxPoints)
    {
        if (maxPoints < 1 || maxPoints > MAX_POINTS) {
            throw new IllegalArgumentException("maxPoints must be 1 to " + MAX_POINTS + ", was " + maxPoints);
        }
    }
}
