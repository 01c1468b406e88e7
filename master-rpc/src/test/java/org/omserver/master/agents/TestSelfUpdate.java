package org.omserver.master.agents;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.update.InstallLayout;
import org.omserver.agent.update.UpdateKeys;
import org.omserver.agent.update.UpdatePackage;
import org.omserver.catalog.agent.AgentUpdate;
import org.omserver.catalog.agent.AgentUpdateStatus;
import org.omserver.master.files.FileStore;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobStatus;
import org.omserver.protocol.thrift.RollingOptions;
import org.omserver.protocol.thrift.SubmitRequest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Module 2050 (updateself) through a real master (MariaDB, file store on disk) on four real supervised agents on
 * 127.0.43.1-4, each started by the restart supervisor from its own install layout at version 1.0.0. H3 trusts
 * another signing key, so every package of this test is refused there: it is the host that fails a batch.
 * The tests build on each other's state, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class TestSelfUpdate
{
    private static final String H1 = "127.0.43.1";
    private static final String H2 = "127.0.43.2";
    private static final String H3 = "127.0.43.3";
    private static final String H4 = "127.0.43.4";
    private static final List<String> HOSTS = List.of(H1, H2, H3, H4);

    private TestingMaster master;
    private FileStore store;
    private Path dir;
    private final Map<String, TestingAgent> agents = new java.util.TreeMap<>();

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        this.dir = dir;
        master = new TestingMaster(Map.of("files.dir", dir.resolve("store").toString()));
        store = master.server().files().orElseThrow();
        UpdateKeys.generate(dir.resolve("keys"));
        UpdateKeys.generate(dir.resolve("other-keys"));

        // a good package per version, one with its middle file tampered, one signed by another key, one that exits at start
        put("agent-2.0.0.zip", pkg("keys", "2.0.0", true));
        put("agent-2.1.0.zip", pkg("keys", "2.1.0", true));
        Path tampered = dir.resolve("tampered.zip");
        // same size, other bytes: only the sha256 can tell
        rewrite(pkg("keys", "2.0.1", true), tampered, "files/lib/m.txt", "the middle file of 2.0.X");
        put("tampered.zip", Files.readAllBytes(tampered));
        put("foreign.zip", Files.readAllBytes(pkg("other-keys", "6.6.6", true)));
        put("broken-3.0.0.zip", Files.readAllBytes(pkg("keys", "3.0.0", false)));

        for (String host : HOSTS) {
            TestingAgent.installVersion(install(host), "1.0.0");
            String token = EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofHours(1), "test").reveal();
            String key = Files.readString(dir.resolve(host.equals(H3) ? "other-keys" : "keys").resolve(UpdateKeys.PUBLIC_FILE)).strip();
            agents.put(host, TestingAgent.startSupervised(host, master.server().agentPort().orElseThrow(), dir.resolve(host), token, Map.of(
                    "allow.builtins", "all", "update.public-key", key, "update.install-dir", install(host).toString(), "update.health-timeout", "120s")));
        }
    }

    @AfterAll
    void stop()
            throws Exception
    {
        for (TestingAgent agent : agents.values()) {
            agent.close();
        }
        master.close();
    }

    @Test
    @Order(1)
    void aTamperedMiddleFileOrAForeignSignatureIsRefusedAndNothingIsSwapped()
            throws Exception
    {
        Job tampered = update("tampered.zip", List.of(H1), new RollingOptions());
        assertThat(tampered.end(H1).getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(tampered.end(H1).getExitCode()).isEqualTo(2);
        assertThat(tampered.text(H1, EventKind.STDERR)).contains("lib/m.txt does not match its signed sha256").contains("nothing was swapped");

        Job foreign = update("foreign.zip", List.of(H1), new RollingOptions());
        assertThat(foreign.end(H1).getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(foreign.text(H1, EventKind.STDERR)).contains("the manifest signature does not match any configured update.public-key");

        InstallLayout layout = new InstallLayout(install(H1));
        assertThat(layout.current()).contains("1.0.0");
        assertThat(versions(H1)).containsExactly("1.0.0");
        assertThat(starts(H1)).as("the agent was never restarted").isEqualTo(1);
        assertThat(master.catalog().agents().findActiveAt(H1).orElseThrow().agentVersion()).isEqualTo("1.0.0");
    }

    @Test
    @Order(2)
    void aCanaryThatFailsItsHealthCheckIsRolledBackAndNoOtherHostIsTouched()
            throws Exception
    {
        Job job = update("broken-3.0.0.zip", List.of(H1, H2, H4), new RollingOptions());
        HostEvent canary = job.end(H1);
        assertThat(canary.getStatus()).as(job.text(H1, EventKind.STDOUT)).isEqualTo(HostStatus.FAILED);
        assertThat(canary.getFailureReason()).isEqualTo("UNHEALTHY");
        assertThat(canary.getFailureMessage()).contains("the update to 3.0.0 failed its health check").contains("rolled back to 1.0.0")
                .contains("exited with code 1 before it announced itself to the master");
        assertThat(job.text(H1, EventKind.STDOUT)).contains("swapped to 3.0.0 (previous: 1.0.0)").contains("restarting");
        for (String other : List.of(H2, H4)) {
            assertThat(job.end(other).getStatus()).isEqualTo(HostStatus.SKIPPED);
            assertThat(job.end(other).getFailureMessage()).contains("the canary host failed; no other host was touched");
            assertThat(job.started()).doesNotContain(other);
            assertThat(new InstallLayout(install(other)).current()).contains("1.0.0");
            assertThat(versions(other)).containsExactly("1.0.0");
        }
        assertThat(job.detail().getSummary().getStatus()).isEqualTo(JobStatus.STOPPED);
        assertThat(job.detail().getStopReason()).isEqualTo("stopped: the canary host failed; no other host was touched");

        // the host rolled back by itself, and the master saw it: agent record and audit
        assertThat(new InstallLayout(install(H1)).current()).contains("1.0.0");
        String agentId = master.catalog().agents().findActiveAt(H1).orElseThrow().agentId();
        AgentUpdateStatus status = master.catalog().agents().updateStatus(agentId).orElseThrow();
        assertThat(status.agentVersion()).isEqualTo("1.0.0");
        AgentUpdate last = status.lastUpdate().orElseThrow();
        assertThat(last.rolledBack()).isTrue();
        assertThat(last.to()).isEqualTo("3.0.0");
        assertThat(last.packageName()).isEqualTo("broken-3.0.0.zip");
        try (TestingMasterClient client = master.client()) {
            String session = client.login("admin", "pw-admin").getSession();
            String shown = client.call("agentMetrics", new org.omserver.protocol.thrift.AgentMetricsRequest(session, agentId),
                    new org.omserver.protocol.thrift.AgentMetricsReply()).getAgent().getLastUpdate();
            assertThat(shown).startsWith("ROLLED_BACK from 1.0.0 to 3.0.0 (package broken-3.0.0.zip)").contains("rolled back to 1.0.0");
        }
        assertThat(master.catalog().audit().latest(500)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agent.update");
            assertThat(entry.outcome()).isEqualTo("rolled-back");
            assertThat(entry.clientAddress()).isEqualTo(H1);
            assertThat(entry.detail()).hasValueSatisfying(detail -> assertThat(detail).contains("from 1.0.0 to 3.0.0").contains("rolled back to 1.0.0"));
        });
    }

    @Test
    @Order(3)
    void aGoodPackageRestartsTheAgentWhichReportsTheNewVersion()
            throws Exception
    {
        Job job = update("agent-2.0.0.zip", List.of(H4), new RollingOptions());
        String out = job.text(H4, EventKind.STDOUT);
        assertThat(job.end(H4).getStatus()).as(out + job.text(H4, EventKind.STDERR)).isEqualTo(HostStatus.SUCCESS);
        assertThat(out).contains("verified 3 files of version 2.0.0").contains("swapped to 2.0.0 (previous: 1.0.0)").contains("restarting")
                .contains("master: the agent announced version 2.0.0 (updated from 1.0.0): healthy");
        InstallLayout layout = new InstallLayout(install(H4));
        assertThat(layout.current()).contains("2.0.0");
        assertThat(layout.previous()).contains("1.0.0");
        assertThat(master.catalog().agents().findActiveAt(H4).orElseThrow().agentVersion()).isEqualTo("2.0.0");

        // the restarted agent answers the master as 2.0.0
        Job version = run(2002, List.of(H4), Map.of(), new RollingOptions());
        assertThat(version.text(H4, EventKind.STDOUT)).isEqualTo("2.0.0\n");
    }

    @Test
    @Order(4)
    void aRolloutStopsAtTheFirstFailedBatch()
            throws Exception
    {
        // canary H1, batch 1 H2, batch 2 H3 (trusts another key: refused), batch 3 H4 never launched
        Job job = update("agent-2.1.0.zip", List.of(H1, H2, H3, H4), new RollingOptions().setBatchSize("1"));
        assertThat(job.end(H1).getStatus()).as(job.text(H1, EventKind.STDOUT) + job.text(H1, EventKind.STDERR)).isEqualTo(HostStatus.SUCCESS);
        assertThat(job.end(H2).getStatus()).as(job.text(H2, EventKind.STDOUT) + job.text(H2, EventKind.STDERR)).isEqualTo(HostStatus.SUCCESS);
        assertThat(job.end(H3).getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(job.text(H3, EventKind.STDERR)).contains("signature does not match any configured update.public-key");
        assertThat(job.end(H4).getStatus()).isEqualTo(HostStatus.SKIPPED);
        assertThat(job.end(H4).getFailureMessage()).contains("stopped: batch 2 after the canary had a failed host; no further host was launched");
        assertThat(job.started()).containsExactly(H1, H2, H3);
        assertThat(job.detail().getStopReason()).isEqualTo("stopped: batch 2 after the canary had a failed host; no further host was launched");

        assertThat(new InstallLayout(install(H1)).current()).contains("2.1.0");
        assertThat(new InstallLayout(install(H2)).current()).contains("2.1.0");
        assertThat(new InstallLayout(install(H3)).current()).contains("1.0.0");
        assertThat(new InstallLayout(install(H4)).current()).contains("2.0.0");
        assertThat(master.catalog().agents().findActiveAt(H4).orElseThrow().agentVersion()).isEqualTo("2.0.0");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Job update(String pkg, List<String> hosts, RollingOptions rolling)
            throws Exception
    {
        return run(2050, hosts, Map.of("package", pkg), rolling);
    }

    private Job run(int module, List<String> hosts, Map<String, String> params, RollingOptions rolling)
            throws Exception
    {
        try (TestingMasterClient client = master.client()) {
            String session = client.login("admin", "pw-admin").getSession();
            SubmitRequest request = new SubmitRequest(session, module, hosts, params).setClientAddress("192.0.2.7");
            if (rolling.isSetBatchSize()) {
                request.setRolling(rolling);
            }
            long job = client.call("submit", request, new org.omserver.protocol.thrift.SubmitReply()).getJobId();
            List<HostEvent> events = client.allEvents(session, job, 5000);
            return new Job(events, client.call("jobDetail", new JobDetailRequest(session, job), new JobDetailReply()));
        }
    }

    private record Job(List<HostEvent> events, JobDetailReply detail)
    {
        HostEvent end(String host)
        {
            return events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == EventKind.FINISHED).findFirst().orElseThrow();
        }

        String text(String host, EventKind kind)
        {
            return events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == kind).map(HostEvent::getText).collect(Collectors.joining());
        }

        List<String> started()
        {
            return events.stream().filter(e -> e.getKind() == EventKind.STARTED).map(HostEvent::getLanIp).toList();
        }
    }

    private Path install(String host)
    {
        return dir.resolve(host).resolve("install");
    }

    private List<String> versions(String host)
            throws IOException
    {
        try (var list = Files.list(new InstallLayout(install(host)).versions())) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** How many agent processes the host's supervisor started. */
    private int starts(String host)
    {
        Matcher matcher = Pattern.compile("started agent version").matcher(agents.get(host).log());
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /**
     * A package of {@code version}: lib/agent.jar, lib/m.txt, lib/z.txt. A good one's jar starts this build's agent;
     * a broken one's jar is empty, so the JVM finds no agent class and exits 1 at start.
     */
    private Path pkg(String keys, String version, boolean good)
            throws IOException
    {
        Path from = dir.resolve("build-" + version);
        if (good) {
            TestingAgent.agentJar(from);
        }
        else {
            Files.createDirectories(from.resolve("lib"));
            try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(from.resolve("lib/agent.jar")))) {
                jar.flush();
            }
        }
        Files.writeString(from.resolve("lib/m.txt"), "the middle file of " + version);
        Files.writeString(from.resolve("lib/z.txt"), "the last file of " + version);
        Path out = dir.resolve("agent-" + version + ".zip");
        UpdatePackage.build(UpdateKeys.readPrivate(dir.resolve(keys).resolve(UpdateKeys.PRIVATE_FILE)), version, from, out);
        return out;
    }

    private void put(String name, Path file)
            throws Exception
    {
        put(name, Files.readAllBytes(file));
    }

    private void put(String name, byte[] content)
            throws Exception
    {
        String id = store.begin(name, content.length, "admin");
        for (int offset = 0; offset < content.length; offset += FileStore.MAX_CHUNK_BYTES) {
            int end = Math.min(content.length, offset + FileStore.MAX_CHUNK_BYTES);
            store.chunk(id, "admin", offset, ByteBuffer.wrap(content, offset, end - offset));
        }
        store.commit(id, "admin", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    }

    private static void rewrite(Path src, Path out, String name, String content)
            throws IOException
    {
        try (ZipFile zip = new ZipFile(src.toFile()); ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : new ArrayList<>(Collections.list(zip.entries()))) {
                zos.putNextEntry(new ZipEntry(e.getName()));
                zos.write(e.getName().equals(name) ? content.getBytes(UTF_8) : zip.getInputStream(e).readAllBytes());
                zos.closeEntry();
            }
        }
    }
}
