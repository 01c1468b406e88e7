package org.omserver.catalog;

import org.omserver.catalog.job.JobQuery;
import org.omserver.catalog.job.JobStatus;
import org.omserver.catalog.job.JobSummaryRecord;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Benchmark, not a test: seeds 100,000 jobs into a scratch MariaDB database (TestingMySql) with bounded bulk inserts
 * (100 statements of 1,000 rows) and prints how long history pages take through the repository: the newest page,
 * a page in the middle, the last page, and filtered pages. Run with the module's test class path, e.g.
 * {@code java -cp module-catalog/target/test-classes:module-catalog/target/classes:<deps> org.omserver.catalog.HistoryPagingBenchmark}.
 */
public final class HistoryPagingBenchmark
{
    private static final int JOBS = 100_000;
    private static final int ROWS_PER_INSERT = 1000;
    private static final int ROUNDS = 20;

    private HistoryPagingBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        try (TestingMySql mysql = new TestingMySql(); Catalog catalog = Catalog.open(mysql.config())) {
            long seedStart = System.nanoTime();
            seed(mysql);
            System.out.printf("seeded %,d jobs in %.1f s%n", JOBS, (System.nanoTime() - seedStart) / 1e9);
            JobQuery newest = JobQuery.newest(50);
            measure("newest page (50)", () -> catalog.jobs().page(newest));
            measure("middle page (before id 50,000)", () -> catalog.jobs().page(newest.before(50_000)));
            measure("last page (before id 30)", () -> catalog.jobs().page(newest.before(30)));
            JobQuery byUser = new JobQuery(OptionalLong.of(50_000), 50, Optional.of("user7"), OptionalInt.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
            measure("middle page, one user of 10", () -> catalog.jobs().page(byUser));
            JobQuery byStatus = new JobQuery(OptionalLong.empty(), 50, Optional.empty(), OptionalInt.empty(), Optional.of(JobStatus.INTERRUPTED),
                    Optional.empty(), Optional.empty());
            measure("newest INTERRUPTED (1 in 100)", () -> catalog.jobs().page(byStatus));
            JobQuery byModuleAndTime = new JobQuery(OptionalLong.empty(), 200, Optional.empty(), OptionalInt.of(1003), Optional.empty(),
                    Optional.of(Instant.parse("2026-01-02T00:00:00Z")), Optional.of(Instant.parse("2026-01-03T00:00:00Z")));
            measure("one module, one day (200)", () -> catalog.jobs().page(byModuleAndTime));
        }
    }

    /** One row per minute from 2026-01-01; 10 users, 7 modules, 1 in 100 INTERRUPTED. */
    private static void seed(TestingMySql mysql)
            throws Exception
    {
        try (Connection connection = DriverManager.getConnection(mysql.config().jdbcUrl(), mysql.config().user(), mysql.config().password());
                Statement statement = connection.createStatement()) {
            for (int batch = 0; batch < JOBS / ROWS_PER_INSERT; batch++) {
                StringBuilder sql = new StringBuilder("INSERT INTO oms_job (created_at, username, module_id, params, targets, status, finished_at, "
                        + "hosts_total, hosts_succeeded, hosts_failed) VALUES ");
                for (int i = 0; i < ROWS_PER_INSERT; i++) {
                    int n = batch * ROWS_PER_INSERT + i;
                    String at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * n).toString().replace("T", " ").replace("Z", "");
                    sql.append(i == 0 ? "" : ",").append("('").append(at).append("','user").append(n % 10).append("',").append(1001 + n % 7)
                            .append(",'{}','[\"10.0.0.1\",\"10.0.0.2\"]','").append(n % 100 == 0 ? "INTERRUPTED" : "FINISHED").append("','").append(at)
                            .append("',2,2,0)");
                }
                statement.executeUpdate(sql.toString());
            }
        }
    }

    private static void measure(String what, Supplier<List<JobSummaryRecord>> page)
    {
        int rows = page.get().size();
        for (int i = 0; i < 3; i++) {
            page.get();
        }
        long[] nanos = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            page.get();
            nanos[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(nanos);
        System.out.printf("%-36s %3d rows  median %6.2f ms  max %6.2f ms  (%d rounds)%n", what, rows, nanos[ROUNDS / 2] / 1e6, nanos[ROUNDS - 1] / 1e6, ROUNDS);
    }
}
