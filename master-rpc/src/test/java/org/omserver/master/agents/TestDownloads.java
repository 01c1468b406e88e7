package org.omserver.master.agents;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.catalog.job.JobQuery;
import org.omserver.master.files.FileStore;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.RollingOptions;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Module 2010 (downloads) through a real master (MariaDB, file store on disk) to real agent processes on
 * 127.0.21.x: the agent reads the file over AgentIntake with its own key, verifies it and moves it into place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestDownloads
{
    private static final String ONE = "127.0.21.1";
    private static final String NO_ROOTS = "127.0.21.2";

    private TestingMaster master;
    private FileStore store;
    private Path dir;
    private Path root;
    private final List<TestingAgent> agents = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        this.dir = dir;
        master = new TestingMaster(Map.of("files.dir", dir.resolve("store").toString(), "executor.agent.transfer-timeout", "7m"));
        store = master.server().files().orElseThrow();
        root = dir.resolve("deploy");
        Files.createDirectories(root.resolve("app"));
        // module 1005's map on this agent: two applications into the root, one with a follow-up outside the allow-list
        agents.add(agent(ONE, Map.of("allow.builtins", "all", "allow.download-roots", root.toString(),
                "sync.nginx_config.file", "nginx.conf", "sync.nginx_config.dir", root.resolve("app").toString(),
                "sync.nginx_config.then", "echo reloaded nginx",
                "sync.resin.file", "resin.conf", "sync.resin.dir", root.resolve("app").toString(), "sync.resin.then", "rm -rf /")));
        agents.add(agent(NO_ROOTS, Map.of("allow.builtins", "all")));
    }

    @AfterAll
    void stop()
            throws Exception
    {
        for (TestingAgent agent : agents) {
            agent.close();
        }
        master.close();
    }

    @Test
    void aDownloadArrivesWholeWithItsChecksumVerified()
            throws Exception
    {
        byte[] content = bytes(2 * 1024 * 1024 + 777, 1);
        put("release.tgz", content);
        List<HostEvent> events = downloads("release.tgz", root.resolve("app").toString(), ONE);
        String out = text(events, ONE, EventKind.STDOUT);
        assertThat(finished(events, ONE).getStatus()).as(out + text(events, ONE, EventKind.STDERR)).isEqualTo(HostStatus.SUCCESS);
        assertThat(out).contains("downloading release.tgz (" + content.length + " bytes, sha256 " + hex("SHA-256", content) + ")")
                .contains("of " + content.length + " bytes (40%)")
                .contains("release.tgz -> " + root.resolve("app").toRealPath().resolve("release.tgz") + " (" + content.length + " bytes");
        assertThat(Files.readAllBytes(root.resolve("app/release.tgz"))).isEqualTo(content);
        assertNoPartialFiles();
        assertThat(master.catalog().audit().latest(200)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("agent.fileRead");
            assertThat(entry.clientAddress()).isEqualTo(ONE);
            assertThat(entry.detail()).hasValueSatisfying(detail -> assertThat(detail).startsWith("file release.tgz"));
        });
    }

    @Test
    void destinationsOutsideTheRootsAreRefused()
            throws Exception
    {
        put("hosts.txt", bytes(100, 2));
        Path outside = Files.createDirectories(dir.resolve("outside"));

        HostEvent refused = finished(downloads("hosts.txt", outside.toString(), ONE), ONE);
        assertThat(refused.getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(refused.getFailureMessage()).contains("is outside this agent's download roots");

        // a symbolic link inside the root that points out of it
        Path link = Files.createSymbolicLink(root.resolve("escape"), outside);
        List<HostEvent> viaLink = downloads("hosts.txt", link.toString(), ONE);
        assertThat(finished(viaLink, ONE).getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(text(viaLink, ONE, EventKind.STDERR)).contains("a symbolic link leads out); refused");
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }

        // an agent with no download roots refuses every download
        HostEvent off = finished(downloads("hosts.txt", root.toString(), NO_ROOTS), NO_ROOTS);
        assertThat(off.getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(off.getFailureMessage()).contains("downloads are off on this agent");
    }

    @Test
    void aFileThatIsNotInTheStoreIsRefusedBeforeAnyHostRuns()
            throws Exception
    {
        int jobsBefore = master.catalog().jobs().page(new JobQuery(OptionalLong.empty(), JobQuery.MAX_LIMIT, Optional.empty(), OptionalInt.of(2010),
                Optional.empty(), Optional.empty(), Optional.empty())).size();
        assertThatThrownBy(() -> submit(new SubmitRequest(null, 2010, List.of(ONE), Map.of("file", "never-uploaded.tgz", "path", root.toString()))))
                .isInstanceOfSatisfying(OmsError.class, error -> {
                    assertThat(error.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(error.getMessage()).contains("file: there is no file 'never-uploaded.tgz' in the master's file store; upload it first");
                });
        assertThat(master.catalog().jobs().page(new JobQuery(OptionalLong.empty(), JobQuery.MAX_LIMIT, Optional.empty(), OptionalInt.of(2010),
                Optional.empty(), Optional.empty(), Optional.empty()))).hasSize(jobsBefore);
        assertThat(master.catalog().audit().latest(20)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("submit");
            assertThat(entry.outcome()).isEqualTo("INVALID_REQUEST");
            assertThat(entry.detail()).hasValueSatisfying(detail -> assertThat(detail).contains("never-uploaded.tgz"));
        });
    }

    @Test
    void aCorruptedTransferIsRefusedAndWritesNothing()
            throws Exception
    {
        byte[] content = bytes(300_000, 3);
        put("corrupt.bin", content);
        // the bytes the master serves no longer match the checksums it recorded (disk corruption, a hand edit)
        byte[] damaged = content.clone();
        damaged[150_000] ^= 0x55;
        Files.write(store.dir().resolve("corrupt.bin"), damaged);

        List<HostEvent> events = downloads("corrupt.bin", root.resolve("app").toString(), ONE);
        HostEvent end = finished(events, ONE);
        assertThat(end.getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(end.getExitCode()).isEqualTo(1);
        assertThat(text(events, ONE, EventKind.STDERR)).contains("checksum mismatch for corrupt.bin: received sha256 " + hex("SHA-256", damaged))
                .contains("the file was not written");
        assertThat(root.resolve("app/corrupt.bin")).doesNotExist();
        assertNoPartialFiles();
    }

    @Test
    void aTransferRunsUnderTheTransferTimeoutAndACommandUnderTheCommandTimeout()
            throws Exception
    {
        byte[] content = bytes(1024 * 1024 + 5, 4);
        put("big.bin", content);
        RollingOptions shortCommands = new RollingOptions().setCommandTimeoutSeconds(2);
        long download = submit(new SubmitRequest(null, 2010, List.of(ONE), Map.of("file", "big.bin", "path", root.resolve("app").toString()))
                .setRolling(shortCommands));
        long version = submit(new SubmitRequest(null, 2002, List.of(ONE), Map.of()).setRolling(shortCommands));
        assertThat(finished(events(download), ONE).getStatus()).isEqualTo(HostStatus.SUCCESS);
        assertThat(finished(events(version), ONE).getStatus()).isEqualTo(HostStatus.SUCCESS);
        assertThat(Files.readAllBytes(root.resolve("app/big.bin"))).isEqualTo(content);
        // the agent was given executor.agent.transfer-timeout (7 min) for the download, the 2 s command timeout for version
        assertThat(agents.getFirst().log()).containsPattern("job " + download + " run \\S+ started: built-in downloads, timeout 420000 ms")
                .containsPattern("job " + version + " run \\S+ started: built-in version, timeout 2000 ms");
    }

    @Test
    void module1005SyncsAnApplicationFileToItsFixedPlaceThenRunsItsFollowUp()
            throws Exception
    {
        byte[] content = "worker_processes 4;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        put("nginx.conf", content);
        List<HostEvent> events = events(submit(new SubmitRequest(null, 1005, List.of(ONE), Map.of("sys_param_1", "nginx_config"))));
        String out = text(events, ONE, EventKind.STDOUT);
        assertThat(finished(events, ONE).getStatus()).as(out + text(events, ONE, EventKind.STDERR)).isEqualTo(HostStatus.SUCCESS);
        assertThat(Files.readAllBytes(root.resolve("app/nginx.conf"))).isEqualTo(content);
        assertThat(out).contains("nginx.conf -> " + root.resolve("app").toRealPath().resolve("nginx.conf"))
                .contains("then: echo reloaded nginx\n").endsWith("reloaded nginx\n");

        // a follow-up the agent's allow-list does not hold: refused before anything is written
        put("resin.conf", content);
        HostEvent refused = finished(events(submit(new SubmitRequest(null, 1005, List.of(ONE), Map.of("sys_param_1", "resin")))), ONE);
        assertThat(refused.getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(refused.getFailureMessage()).contains("the follow-up of resin is not allowed");
        assertThat(root.resolve("app/resin.conf")).doesNotExist();

        // the default place of syslog (/etc) is outside this agent's download roots
        HostEvent outside = finished(events(submit(new SubmitRequest(null, 1005, List.of(ONE), Map.of("sys_param_1", "syslog")))), ONE);
        assertThat(outside.getStatus()).isEqualTo(HostStatus.FAILED);
        assertThat(outside.getFailureMessage()).contains("is outside this agent's download roots");
        assertNoPartialFiles();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private List<HostEvent> downloads(String file, String path, String host)
            throws Exception
    {
        return events(submit(new SubmitRequest(null, 2010, List.of(host), Map.of("file", file, "path", path))));
    }

    /** Submits as admin (the request's session is filled in); returns the job id. */
    private long submit(SubmitRequest request)
            throws Exception
    {
        try (TestingMasterClient client = master.client()) {
            request.setSession(client.login("admin", "pw-admin").getSession());
            return client.call("submit", request, new SubmitReply()).getJobId();
        }
    }

    private List<HostEvent> events(long job)
            throws Exception
    {
        try (TestingMasterClient client = master.client()) {
            String session = client.login("admin", "pw-admin").getSession();
            List<HostEvent> all = new ArrayList<>();
            long cursor = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                EventsReply page = client.events(session, job, cursor, 5000, 500);
                all.addAll(page.getEvents());
                cursor = page.getNextCursor();
                if (page.isComplete()) {
                    return all;
                }
            }
            throw new AssertionError("job " + job + " did not end: " + all);
        }
    }

    private void put(String name, byte[] content)
            throws Exception
    {
        String id = store.begin(name, content.length, "admin");
        for (int offset = 0; offset < content.length; offset += FileStore.MAX_CHUNK_BYTES) {
            int end = Math.min(content.length, offset + FileStore.MAX_CHUNK_BYTES);
            store.chunk(id, "admin", offset, ByteBuffer.wrap(content, offset, end - offset));
        }
        store.commit(id, "admin", hex("SHA-256", content));
    }

    private void assertNoPartialFiles()
            throws Exception
    {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.endsWith(".part"));
        }
    }

    private static HostEvent finished(List<HostEvent> events, String host)
    {
        return events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == EventKind.FINISHED).findFirst().orElseThrow();
    }

    private static String text(List<HostEvent> events, String host, EventKind kind)
    {
        return events.stream().filter(e -> e.getLanIp().equals(host) && e.getKind() == kind).map(HostEvent::getText).collect(Collectors.joining());
    }

    private TestingAgent agent(String address, Map<String, String> overrides)
            throws Exception
    {
        String token = EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofHours(1), "test").reveal();
        return TestingAgent.start(address, master.server().agentPort().orElseThrow(), dir.resolve(address), token, overrides);
    }

    private static byte[] bytes(int size, long seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String hex(String algorithm, byte[] content)
            throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    }
}
