package org.omserver.bench;

import org.apache.thrift.TException;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.user.Role;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.SharedSecret;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The "ours" half of bench/ssh-fanout.sh: runs {@code hostname} on the first N hosts of the loopback fleet through a
 * real master (in-process, H2 or MariaDB, Thrift client, v2 envelopes, the ssh backend) and prints one {@code RESULT} line per
 * measured job: wall time from submit to the last event, this process's CPU, the fleet's sshd CPU (its cpuacct
 * cgroup), peak platform threads, file descriptors and heap, and the database server's CPU when the catalog is in
 * MySQL/MariaDB ({@code --db-url}, {@code --db-user}, {@code --db-password}, {@code --db-pid}; default: embedded H2), and
 * the JIT compilers' time inside the job. One master serves the whole run, as deployed; each run closes its pooled
 * connections (as their idle timeout would), runs a cold job (new connections) then a warm job (the same hosts again,
 * pooled connections).
 *
 * <p>Usage: {@code SshFanoutBench --state /tmp/ssh-fleet --counts 10,100,500,1000 --runs 3 --max-parallel 64
 * --pool-max 1000 --warmup-hosts 16 --jit-warmup-connections 8000 --label omserver} (the label names the tool in the
 * RESULT lines; with warmup-hosts, the master first runs one unmeasured job on that many extra fleet hosts beyond the
 * largest count; with jit-warmup-connections C, rounds of cold + warm jobs on up to 1000 hosts come first until C
 * connections were opened: the first labelled {@code <label>-fresh-jvm}, the others {@code <label>-jit-warmup}). Every
 * host's output must equal this machine's host name (the fleet is this machine), or the run fails.
 */
public final class SshFanoutBench
{
    private static final String SECRET = "ssh fan-out benchmark secret, loopback only";
    private static final String H2_URL = "jdbc:h2:mem:omserver-bench;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    private static final int MODULE_ID = 9001;
    private static final int FLEET_PORT = 2222;
    private static final String FLEET_USER = "sshfleet";
    private static final String PASSWORD = "bench-admin-password";
    // bounds: a job that has not completed after this long is a failure, not a reason to wait forever
    private static final Duration JOB_LIMIT = Duration.ofMinutes(5);
    // between event polls, like a page refreshing 20 times a second: without it each poll returns one or two events
    // and the envelope work of hundreds of polls is billed to the job
    private static final Duration POLL_PAUSE = Duration.ofMillis(50);
    // no pause once at most this many hosts (or 5 %) are left: each of the last polls brings one or two events, and a
    // pause there would only add up to 50 ms to the job's measured end
    private static final int TAIL_HOSTS = 8;
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(10);

    private SshFanoutBench() {}

    public static void main(String[] args)
            throws Exception
    {
        Map<String, String> options = Options.parse(args);
        Path state = Path.of(options.getOrDefault("state", "/tmp/ssh-fleet"));
        List<Integer> counts = Arrays.stream(options.getOrDefault("counts", "10,100").split(",")).map(Integer::parseInt).toList();
        int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
        String maxParallel = options.getOrDefault("max-parallel", "64");
        String poolMax = options.getOrDefault("pool-max", "1000");
        String label = options.getOrDefault("label", "omserver");
        // the database: embedded H2 (the demo's) or, as a master is deployed, a MySQL/MariaDB server whose CPU is
        // read from /proc/<db-pid>/stat and reported apart (it shares the cores with everything else)
        Database db = new Database(options.getOrDefault("db-url", H2_URL), options.getOrDefault("db-user", ""),
                options.getOrDefault("db-password", ""), Optional.ofNullable(options.get("db-pid")).map(Long::parseLong));
        int largest = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int warmupHosts = Integer.parseInt(options.getOrDefault("warmup-hosts", "0"));
        int jitWarmupConnections = Integer.parseInt(options.getOrDefault("jit-warmup-connections", "0"));
        if (largest > 2000 || runs < 1 || runs > 10 || warmupHosts < 0 || warmupHosts > 64 || jitWarmupConnections < 0 || jitWarmupConnections > 20_000) {
            throw new IllegalArgumentException("counts must be at most 2000 hosts, runs 1-10, warmup-hosts 0-64 and jit-warmup-connections 0-20000");
        }
        List<String> everyHost = fleetAddresses(state.resolve("inv").resolve(String.valueOf(largest + warmupHosts)).resolve("hosts.txt"),
                largest + warmupHosts);
        List<String> fleet = everyHost.subList(0, largest);
        List<String> warmup = everyHost.subList(largest, largest + warmupHosts);
        Path cpuacct = Path.of(Files.readString(state.resolve("cgroup.server")).trim()).resolve("cpuacct.usage");
        String expected = localHostName();

        Map<String, String> properties = new HashMap<>();
        properties.put("master.port", "0");
        properties.put("db.url", db.url());
        if (!db.user().isEmpty()) {
            properties.put("db.user", db.user());
            properties.put("db.password", db.password());
        }
        properties.put("run.max-parallel", maxParallel);
        properties.put("executor.ssh.private-key", state.resolve("client/id_ed25519").toString());
        properties.put("executor.ssh.known-hosts", state.resolve("known_hosts").toString());
        properties.put("executor.ssh.user", FLEET_USER);
        properties.put("executor.ssh.pool-max-connections", poolMax);
        properties.put("executor.ssh.pool-idle-timeout", "5m");
        MasterConfig config = MasterConfig.fromProperties(properties);

        // one master for the whole run, as deployed: a cold job is one on hosts it holds no connection to (the pool is
        // emptied first, as its idle timeout would), a warm job reuses what the cold one left in the pool
        try (MasterServer master = MasterServer.start(config, SharedSecret.of(SECRET), Clock.systemUTC());
                MasterClient client = new MasterClient(master.port(), SECRET)) {
            seed(master, everyHost, db);
            String session = client.call("login", new LoginRequest("admin", PASSWORD), new LoginReply()).getSession();
            if (!warmup.isEmpty()) {
                // database pool filled, executor and code paths used once, on hosts outside the measured set
                runJob(client, session, warmup, expected);
            }
            // the JIT's warm-up, as a master that has been serving jobs for a while has had it. HotSpot compiles a method
            // with C2 after about 5,000 calls, and much of the handshake (SSHJ's key exchange and authentication) runs
            // once per connection: with fewer connections behind it, the measured jobs pay for those compilations (0.1-0.3 s
            // each, seen in a JFR recording). Printed under their own labels, left out of the measured rows.
            List<String> jitHosts = fleet.subList(0, Math.min(largest, 1000));
            int jitRounds = (jitWarmupConnections + jitHosts.size() - 1) / jitHosts.size();
            for (int round = 1; round <= jitRounds; round++) {
                measuredRun(master, client, session, cpuacct, db, jitHosts, round, label + (round == 1 ? "-fresh-jvm" : "-jit-warmup"), expected);
            }
            for (int n : counts) {
                for (int run = 1; run <= runs; run++) {
                    measuredRun(master, client, session, cpuacct, db, fleet.subList(0, n), run, label, expected);
                }
            }
        }
    }

    /** A cold job (every pooled connection closed first, so each host gets a new one), then a warm one on the pooled connections. */
    private static void measuredRun(MasterServer master, MasterClient client, String session, Path cpuacct, Database db, List<String> hosts, int run,
            String label, String expected)
            throws Exception
    {
        master.closeIdleConnections();
        settle(cpuacct);
        for (String mode : List.of("cold", "warm")) {
            Measurement m = measure(cpuacct, db, () -> runJob(client, session, hosts, expected));
            System.out.printf("RESULT\t%s\tcurve25519\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d%n", label, mode, hosts.size(), run,
                    m.wallMillis(), m.clientCpuMillis(), m.sshdCpuMillis(), m.ok(), m.peakThreads(), m.peakFds(), m.peakHeapMiB(),
                    m.dbCpuMillis().isPresent() ? String.valueOf(m.dbCpuMillis().getAsLong()) : "", m.jitMillis());
            System.out.flush();
        }
    }

    /**
     * Waits until the fleet's sshd processes for the connections just closed have exited (their CPU would otherwise
     * be billed to the next job): until sshd uses less than 5 ms of CPU in 200 ms, at most {@link #SETTLE_LIMIT}.
     */
    private static void settle(Path cpuacct)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        long before = Long.parseLong(Files.readString(cpuacct).trim());
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            long now = Long.parseLong(Files.readString(cpuacct).trim());
            if (now - before < 5_000_000) {
                return;
            }
            before = now;
        }
    }

    /** Where the master keeps its catalog; {@code pid} is the database server's process when it is not in this JVM. */
    private record Database(String url, String user, String password, Optional<Long> pid)
    {
        Connection connect()
                throws SQLException
        {
            return user.isEmpty() ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
        }

        /** CPU time (user + system) of the database server process so far, when it is one. */
        OptionalLong cpuMillis()
                throws IOException
        {
            if (pid.isEmpty()) {
                return OptionalLong.empty();
            }
            String stat = Files.readString(Path.of("/proc", pid.get().toString(), "stat"));
            // the fields after the parenthesised command name: state is field 3, utime 14 and stime 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return OptionalLong.of(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
        }
    }

    // USER_HZ: 100 on every Linux architecture this runs on
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private static void seed(MasterServer master, List<String> fleet, Database db)
            throws SQLException
    {
        if (master.catalog().users().find("admin").isPresent()) {
            return;
        }
        int function = master.catalog().inventory().addFunctionCategory("Bench");
        int app = master.catalog().inventory().addAppCategory(function, "fleet");
        for (int i = 0; i < fleet.size(); i++) {
            master.catalog().inventory().putServer(new Server(fleet.get(i), String.format("h%04d", i + 1), Optional.empty(), Optional.empty(), app,
                    Optional.of("ssh"), FLEET_PORT, Optional.of(FLEET_USER)));
        }
        master.catalog().users().create("admin", PASSWORD.toCharArray(), Role.ADMIN);
        // no repository writes modules yet (authoring is its own issue): the bench module goes in with SQL
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, "
                    + "timeout_seconds, needs_root, enabled) VALUES (" + MODULE_ID + ", 'bench hostname', 'Prints the host name.', NULL, 'any', '[]', "
                    + "'[\"hostname\"]', 60, FALSE, TRUE)");
        }
    }

    /** Submits the job and follows its events to the end; returns how many hosts answered exactly {@code expected}. */
    private static int runJob(MasterClient client, String session, List<String> hosts, String expected)
            throws TException, InterruptedException
    {
        SubmitReply submitted = client.call("submit", new SubmitRequest(session, MODULE_ID, hosts, Map.of()), new SubmitReply());
        Map<String, StringBuilder> stdout = new HashMap<>();
        Map<String, HostStatus> status = new HashMap<>();
        long cursor = 0;
        long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            EventsReply page = client.call("events", new EventsRequest(session, submitted.getJobId(), cursor, 20_000).setMaxEvents(5000), new EventsReply());
            for (HostEvent event : page.getEvents()) {
                if (event.getKind() == EventKind.STDOUT) {
                    stdout.computeIfAbsent(event.getLanIp(), ip -> new StringBuilder()).append(event.getText());
                }
                else if (event.getKind() == EventKind.FINISHED) {
                    status.put(event.getLanIp(), event.getStatus());
                    if (event.getStatus() != HostStatus.SUCCESS) {
                        System.err.printf("job %d host %s: %s %s%n", submitted.getJobId(), event.getLanIp(), event.getFailureReason(), event.getFailureMessage());
                    }
                }
            }
            cursor = page.getNextCursor();
            if (page.isComplete()) {
                int ok = 0;
                for (String host : hosts) {
                    if (status.get(host) == HostStatus.SUCCESS && stdout.getOrDefault(host, new StringBuilder()).toString().strip().equals(expected)) {
                        ok++;
                    }
                }
                return ok;
            }
            // near the end the pause would only delay the last events: follow them as they come
            if (page.getHostsTotal() - page.getHostsDone() > Math.max(TAIL_HOSTS, page.getHostsTotal() / 20)) {
                Thread.sleep(POLL_PAUSE);
            }
        }
        throw new IllegalStateException("job " + submitted.getJobId() + " did not complete within " + JOB_LIMIT);
    }

    private interface Job
    {
        int run()
                throws Exception;
    }

    private record Measurement(long wallMillis, long clientCpuMillis, long sshdCpuMillis, int ok, int peakThreads, long peakFds, long peakHeapMiB,
            OptionalLong dbCpuMillis, long jitMillis) {}

    /** Runs {@code job} while a sampler records peak threads, fds and heap every 100 ms. */
    private static Measurement measure(Path cpuacct, Database db, Job job)
            throws Exception
    {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Peaks peaks = Peaks.start();
        long sshd0 = Long.parseLong(Files.readString(cpuacct).trim());
        OptionalLong db0 = db.cpuMillis();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jit0 = jit.getTotalCompilationTime();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        int ok = job.run();
        long wall = System.nanoTime() - wall0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long jitMillis = jit.getTotalCompilationTime() - jit0;
        long sshd = Long.parseLong(Files.readString(cpuacct).trim()) - sshd0;
        OptionalLong db1 = db.cpuMillis();
        peaks.close();
        return new Measurement(wall / 1_000_000, cpu / 1_000_000, sshd / 1_000_000, ok, peaks.threads(), peaks.fds(),
                peaks.heapMiB(), db0.isPresent() ? OptionalLong.of(db1.getAsLong() - db0.getAsLong()) : OptionalLong.empty(), jitMillis);
    }

    private static List<String> fleetAddresses(Path hostsFile, int count)
            throws IOException
    {
        List<String> addresses = Files.readAllLines(hostsFile).stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (addresses.size() < count) {
            throw new IllegalArgumentException(hostsFile + " lists " + addresses.size() + " hosts, " + count + " needed: run fleet.sh up/inventory " + count);
        }
        for (String address : addresses) {
            if (!address.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new IllegalArgumentException(hostsFile + " lists " + address + ", which is not in 127.0.0.0/8; the benchmark only targets loopback");
            }
        }
        return List.copyOf(addresses.subList(0, count));
    }

    private static String localHostName()
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("hostname").redirectErrorStream(true).start();
        String name = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0 || name.isEmpty()) {
            throw new IllegalStateException("hostname failed locally: " + name);
        }
        return name;
    }
}
