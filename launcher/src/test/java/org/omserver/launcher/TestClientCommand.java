package org.omserver.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.launcher.client.GatewayApi;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.DEAD_HOST;
import static org.omserver.launcher.TestingStack.PASSWORD;
import static org.omserver.launcher.TestingStack.SSH_HOSTS;

/** {@code omserver client} run in-process (picocli) against a running gateway, master, MariaDB and OpenSSH. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestClientCommand
{
    private static final Map<String, String> LOGIN = Map.of("OMSERVER_USER", "admin", "OMSERVER_PASSWORD", PASSWORD);
    private TestingStack stack;
    private String issue;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        Process head = new ProcessBuilder("head", "-n", "1", "/etc/issue").start();
        head.getOutputStream().close();
        issue = new String(head.getInputStream().readAllBytes(), UTF_8).stripTrailing();
        head.waitFor();
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anIomsRequestPrintsOneLinePerHostThenAllCommandRunOver()
    {
        Result result = client(LOGIN, "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0) + ";" + SSH_HOSTS.get(1));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).containsExactly(SSH_HOSTS.get(0) + ": " + issue, SSH_HOSTS.get(1) + ": " + issue, "All command run over.");
        assertThat(result.err()).containsPattern("job \\d+: module 1003 \\(view OS version\\) on 2 hosts")
                .contains("[1/2 done, 0 failed] ", "[2/2 done, 0 failed] ");
    }

    @Test
    void theIomsHostCommandsRunOnANativeAgentAndAFreeCommandOffTheListIsNotExecutive()
            throws Exception
    {
        java.nio.file.Path state = Files.createTempDirectory("omserver-client-agent");
        org.omserver.agent.wire.EnrollmentToken token = org.omserver.master.agents.EnrollmentTokens.create(stack.master().catalog().agents(),
                java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(10), "test");
        java.nio.file.Path tokenFile = Files.writeString(state.resolve("token"), token.reveal());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.22.10"))) {
            port = free.getLocalPort();
        }
        try (org.omserver.agent.daemon.AgentDaemon agent = org.omserver.agent.daemon.AgentDaemon.start(org.omserver.agent.daemon.AgentConfig.fromProperties(Map.of(
                "agent.bind", "127.0.22.10", "agent.port", Integer.toString(port), "master.port", Integer.toString(stack.master().agentPort().orElseThrow()),
                "state.dir", state.resolve("state").toString(), "enroll.token-file", tokenFile.toString(), "allow.builtins", "all",
                "allow.uptime.program", "uptime")), java.time.Clock.systemUTC())) {
            Result alive = client(LOGIN, "cmd=agentlist,serverip=127.0.22.10");
            assertThat(alive.exitCode()).as(alive.err()).isZero();
            assertThat(alive.outLines().getFirst()).startsWith("127.0.22.10: alive ");
            assertThat(alive.outLines()).endsWith("All command run over.");

            Result uptime = client(LOGIN, "cmd=command,command=uptime,serverip=127.0.22.10");
            assertThat(uptime.exitCode()).as(uptime.err()).isZero();
            assertThat(uptime.outLines().getFirst()).startsWith("127.0.22.10: ").contains("load average");

            Result refused = client(LOGIN, "cmd=command,command=cat /etc/shadow,serverip=127.0.22.10");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("Command not executive: program 'cat' is not on the master's allow-list");

            Result notHere = client(LOGIN, "cmd=command,command=df -h,serverip=127.0.22.10");
            assertThat(notHere.exitCode()).isEqualTo(1);
            assertThat(notHere.outLines().getFirst()).startsWith("127.0.22.10:Command run failed. (REFUSED").contains("Command not executive");
        }
    }

    @Test
    void serveripMatchesExactlyNeverAPrefix()
    {
        // DEAD_HOST (127.0.8.29) begins with 127.0.8.2; IOMS's substring match would have run it too, and failed
        Result result = client(LOGIN, "cmd=module,id=1003,serverip=127.0.8.2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).containsExactly("127.0.8.2: " + issue, "All command run over.");
        assertThat(result.err()).contains("[1/1 done, 0 failed] 127.0.8.2 finished").doesNotContain(DEAD_HOST);
    }

    @Test
    void servertypeRunsOnEveryHostOfTheApplicationCategory()
    {
        Result result = client(LOGIN, "cmd=module,id=1003,servertype=" + TestingStack.GROUP);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).containsExactlyInAnyOrder(SSH_HOSTS.get(0) + ": " + issue, SSH_HOSTS.get(1) + ": " + issue, "All command run over.");
    }

    @Test
    void failedHostsAreReportedLikeIomsAndTheExitCodeSaysSo()
    {
        Result unreachable = client(LOGIN, "--module", "1003", "--hosts", SSH_HOSTS.get(0) + "," + DEAD_HOST);
        assertThat(unreachable.exitCode()).isEqualTo(ClientCommand.HOST_FAILED);
        assertThat(unreachable.outLines()).contains(SSH_HOSTS.get(0) + ": " + issue, "All command run over.");
        assertThat(unreachable.out()).contains(DEAD_HOST + ":Connect failed. (UNREACHABLE");
        assertThat(unreachable.err()).contains("failed: UNREACHABLE").contains("[2/2 done, 1 failed]");

        Result failing = client(LOGIN, "--module", Integer.toString(TestingStack.FAILING_MODULE), "--hosts", SSH_HOSTS.get(0));
        assertThat(failing.exitCode()).isEqualTo(ClientCommand.HOST_FAILED);
        assertThat(failing.outLines().getFirst()).isEqualTo(SSH_HOSTS.get(0) + ":Command run failed. (NON_ZERO_EXIT, exit 3: broken)");
        assertThat(failing.outLines().getLast()).isEqualTo("All command run over.");
    }

    @Test
    void jsonOutputCarriesEachHostsResult()
            throws IOException
    {
        Result result = client(LOGIN, "--json", "--module", Integer.toString(TestingStack.FAILING_MODULE), "--hosts", SSH_HOSTS.get(1));

        assertThat(result.exitCode()).isEqualTo(ClientCommand.HOST_FAILED);
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.get("allSucceeded").asBoolean()).isFalse();
        JsonNode host = json.get("hosts").get(0);
        assertThat(host.get("lanIp").asText()).isEqualTo(SSH_HOSTS.get(1));
        assertThat(host.get("status").asText()).isEqualTo("FAILED");
        assertThat(host.get("exitCode").asInt()).isEqualTo(3);
        assertThat(host.get("stdout").asText()).isEqualTo("partial\n");
        assertThat(host.get("stderr").asText()).isEqualTo("broken\n");
    }

    @Test
    void followAttachesToARunningJobAndShowsTheSameProgress()
            throws Exception
    {
        GatewayApi api = new GatewayApi(stack.gatewayUri());
        String token = api.login("admin", PASSWORD);
        long jobId = api.run(token, TestingStack.WAITING_MODULE, SSH_HOSTS, Map.of()).get("jobId").asLong();

        // the hosts wait for the release file; it is created only once --follow has seen the job still running
        StringBuilder progress = new StringBuilder();
        Writer releasing = new Writer()
        {
            @Override
            public void write(char[] chars, int offset, int length)
            {
                progress.append(chars, offset, length);
                if (progress.indexOf("waiting for the rest") >= 0 && !Files.exists(stack.releaseFile())) {
                    try {
                        Files.createFile(stack.releaseFile());
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        StringWriter out = new StringWriter();
        int exitCode = commandLine(Map.of(), new PrintWriter(out), new PrintWriter(releasing))
                .execute("--gateway", stack.gatewayUri().toString(), "--token", token, "--follow", Long.toString(jobId));

        assertThat(exitCode).as(progress.toString()).isZero();
        assertThat(progress.toString()).contains("following job " + jobId, "job " + jobId + ": 0/2 hosts done, waiting for the rest",
                "[1/2 done, 0 failed]", "[2/2 done, 0 failed]");
        assertThat(out.toString().lines().toList()).containsExactlyInAnyOrder(SSH_HOSTS.get(0) + ": released", SSH_HOSTS.get(1) + ": released",
                "All command run over.");
    }

    @Test
    void aRollingRunShowsEachHostAndStopsAtTheFailureThreshold()
            throws Exception
    {
        // one host at a time, in batches of half the hosts: both succeed, progress per host on stderr
        Result rolling = client(LOGIN, "--module", "1003", "--hosts", SSH_HOSTS.get(0) + "," + SSH_HOSTS.get(1), "--batch", "50%",
                "--max-in-flight", "1", "--host-timeout", "30");
        assertThat(rolling.exitCode()).as(rolling.err()).isZero();
        assertThat(rolling.err()).contains("[1/2 done, 0 failed] ", "[2/2 done, 0 failed] ");
        assertThat(rolling.outLines()).hasSize(3).last().isEqualTo("All command run over.");
        long jobId = Long.parseLong(rolling.err().replaceAll("(?s).*job (\\d+): module 1003.*", "$1"));
        GatewayApi api = new GatewayApi(stack.gatewayUri());
        String token = api.login("admin", PASSWORD);
        assertThat(api.job(token, jobId).path("rolling").toString()).contains("\"batchSize\":\"50%\"", "\"maxInFlight\":1", "\"commandTimeoutSeconds\":30");

        // the unreachable host first, one per batch, no failure allowed: the other two are never launched
        Result stopped = client(LOGIN, "--module", "1003", "--hosts", DEAD_HOST + "," + SSH_HOSTS.get(0) + "," + SSH_HOSTS.get(1), "--batch", "1",
                "--failure-threshold", "0");
        assertThat(stopped.exitCode()).as(stopped.err()).isEqualTo(ClientCommand.HOST_FAILED);
        assertThat(stopped.err()).contains("[1/3 done, 1 failed] " + DEAD_HOST + " failed: UNREACHABLE",
                "[3/3 done, 1 failed, 2 skipped] ", "skipped: not launched: ",
                "ended STOPPED (stopped: 1 failures exceeded the threshold of 0)");
        assertThat(stopped.outLines()).last().isEqualTo("All command run over.");

        // bad options: the master's message, exit 2, nothing run
        Result refused = client(LOGIN, "--module", "1003", "--hosts", SSH_HOSTS.get(0), "--batch", "150%");
        assertThat(refused.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(refused.err()).contains("INVALID_REQUEST", "batchSize must be a percentage from 1% to 100%, was '150%'");
        assertThat(refused.out()).isEmpty();
        Result followWithOptions = client(LOGIN, "--follow", Long.toString(jobId), "--batch", "1");
        assertThat(followWithOptions.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(followWithOptions.err()).contains("its rolling options were set when it started");
    }

    @Test
    void refusalsOfTheMasterAreShownWithTheirCode()
    {
        Result badParameter = client(LOGIN, "cmd=module,id=1001,serverip=" + SSH_HOSTS.get(0) + ",sys_param_1=abc");
        assertThat(badParameter.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(badParameter.err()).contains("omserver client: INVALID_REQUEST: ", "sys_param_1 must be a whole number from 1 to 999, was 'abc'");
        assertThat(badParameter.out()).isEmpty();

        Result unknownHost = client(LOGIN, "cmd=module,id=1003,serverip=10.0.0.1;10.0.0.10");
        assertThat(unknownHost.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(unknownHost.err()).contains("INVALID_REQUEST: unknown hosts: 10.0.0.1, 10.0.0.10");

        Result noSuchJob = client(LOGIN, "--follow", "987654");
        assertThat(noSuchJob.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(noSuchJob.err()).contains("NOT_FOUND: job 987654 does not exist");

        Result viewer = client(Map.of("OMSERVER_USER", "viewer", "OMSERVER_PASSWORD", PASSWORD), "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0));
        assertThat(viewer.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(viewer.err()).contains("FORBIDDEN");
    }

    @Test
    void dirGenmd5AndRemoveWorkOnTheMastersFileStore()
            throws Exception
    {
        org.omserver.master.files.FileStore store = stack.master().files().orElseThrow();
        byte[] content = "worker_processes 1;\n".getBytes(UTF_8);
        String upload = store.begin("client-test.conf", content.length, "admin");
        store.chunk(upload, "admin", 0, java.nio.ByteBuffer.wrap(content));
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        store.commit(upload, "admin", sha256);

        Result dir = client(LOGIN, "cmd=dir");
        assertThat(dir.exitCode()).as(dir.err()).isZero();
        assertThat(dir.outLines()).anySatisfy(line -> assertThat(line).startsWith("client-test.conf " + content.length + " md5=")
                .contains(" sha256=" + sha256 + " by admin at "));

        java.nio.file.Files.write(store.dir().resolve("client-test.conf"), "worker_processes 2;\n".getBytes(UTF_8));
        Result genmd5 = client(LOGIN, "cmd=genmd5,file=client-test.conf");
        assertThat(genmd5.exitCode()).as(genmd5.err()).isZero();
        assertThat(genmd5.outLines()).anySatisfy(line -> assertThat(line).startsWith("changed: client-test.conf: content changed on disk"))
                .last().isEqualTo("1 file(s) re-hashed, 1 changed.");

        java.nio.file.Path local = java.nio.file.Files.createTempFile("omserver-upload", ".bin");
        byte[] uploaded = new byte[1_500_000];
        new java.util.Random(7).nextBytes(uploaded);
        java.nio.file.Files.write(local, uploaded);
        Result uploads = client(LOGIN, "cmd=uploads,localpath=" + local + ",file=uploaded.bin");
        assertThat(uploads.exitCode()).as(uploads.err()).isZero();
        String uploadedSha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(uploaded));
        assertThat(uploads.outLines()).singleElement().asString().startsWith("uploaded uploaded.bin 1500000 md5=").contains("sha256=" + uploadedSha);
        assertThat(java.nio.file.Files.readAllBytes(store.dir().resolve("uploaded.bin"))).isEqualTo(uploaded);
        Result hidden = client(LOGIN, "cmd=uploads,localpath=" + local + ",file=.hidden");
        assertThat(hidden.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(hidden.err()).contains("starts with a dot: hidden files are not allowed");
        assertThat(store.find(".hidden")).isEmpty();
        java.nio.file.Files.delete(local);

        Result remove = client(LOGIN, "cmd=remove,file=client-test.conf");
        assertThat(remove.exitCode()).as(remove.err()).isZero();
        assertThat(remove.outLines()).singleElement().asString().startsWith("removed client-test.conf ");
        Result again = client(LOGIN, "cmd=remove,file=client-test.conf");
        assertThat(again.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(again.err()).contains("NOT_FOUND").contains("the file store has no file named client-test.conf");
        Result traversal = client(LOGIN, "cmd=remove,file=../etc/passwd");
        assertThat(traversal.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(traversal.err()).contains("contains a path separator");
    }

    @Test
    void hostileOrSloppyRequestsAreRefusedBeforeAnythingIsSent()
    {
        Map<List<String>, String> refusals = Map.of(
                List.of("cmd=module,id=1001;rm -rf /,serverip=" + SSH_HOSTS.get(0)), "id must be a module number such as 1003, was '1001;rm -rf /'",
                List.of("cmd=module,id=1003,id=1004,serverip=" + SSH_HOSTS.get(0)), "id is given more than once",
                List.of("cmd=module,id=1003"), "give the targets with exactly one of serverip=IP;IP",
                List.of("cmd=module,id=1003,serverip=127.0.8.2\nrm"), "control character (\\u000a)",
                List.of("cmd=dir,serverip=127.0.8.2"), "cmd=dir takes no key serverip",
                List.of("cmd=module,id=1003,serverip=127.0.8.2", "--module", "1003"), "give either an IOMClient REQUEST or the flags",
                List.of("--module", "1003", "--hosts", "127.0.8.2", "--param", "sys_param_1"), "--param must be NAME=VALUE",
                List.of(), "say what to run");
        refusals.forEach((arguments, message) -> {
            Result result = client(LOGIN, arguments.toArray(String[]::new));
            assertThat(result.exitCode()).as(arguments.toString()).isEqualTo(ClientCommand.REFUSED);
            assertThat(result.err()).as(arguments.toString()).contains(message);
            assertThat(result.out()).isEmpty();
        });
    }

    @Test
    void credentialsComeFromTheEnvironmentOrAToken()
            throws Exception
    {
        Result noPassword = client(Map.of("OMSERVER_USER", "admin"), "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0));
        assertThat(noPassword.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(noPassword.err()).contains("no password for admin: set OMSERVER_PASSWORD, run in a terminal to be asked, or use --token");

        Result wrongPassword = client(Map.of("OMSERVER_USER", "admin", "OMSERVER_PASSWORD", "wrong"), "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0));
        assertThat(wrongPassword.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(wrongPassword.err()).contains("UNAUTHENTICATED: wrong user name or password");

        Result nobody = client(Map.of(), "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0));
        assertThat(nobody.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(nobody.err()).contains("say who you are: --user NAME (or OMSERVER_USER), or give a token with --token");

        String token = new GatewayApi(stack.gatewayUri()).login("admin", PASSWORD);
        Result withToken = client(Map.of(), "--token", token, "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0));
        assertThat(withToken.exitCode()).as(withToken.err()).isZero();
        Result withEnvironmentToken = client(Map.of("OMSERVER_TOKEN", token), "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0));
        assertThat(withEnvironmentToken.exitCode()).as(withEnvironmentToken.err()).isZero();

        Result badToken = client(Map.of(), "--token", "A".repeat(43), "cmd=module,id=1003,serverip=" + SSH_HOSTS.get(0));
        assertThat(badToken.exitCode()).isEqualTo(ClientCommand.REFUSED);
        assertThat(badToken.err()).contains("UNAUTHENTICATED: no such session, or it expired; log in again");
    }

    @Test
    void anUnreachableGatewayIsExitCode3()
            throws IOException
    {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine(LOGIN, new PrintWriter(out), new PrintWriter(err))
                .execute("--gateway", "http://127.0.0.1:" + closedPort, "cmd=module,id=1003,serverip=127.0.8.2");
        assertThat(exitCode).isEqualTo(ClientCommand.UNAVAILABLE);
        assertThat(err.toString()).contains("cannot reach the gateway at http://127.0.0.1:" + closedPort + "/", "check --gateway and that the gateway runs");
    }

    @Test
    void helpAndShowversionAnswerWithoutRunningAnything()
    {
        Result help = client(Map.of(), "cmd=help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("cmd=module,id=ID,serverip=IP;IP", "cmd=agentlist", "cmd=cronadd", "cmd=unzip", "cmd=dir", "cmd=uploads", "cmd=downloads");

        Result version = client(Map.of(), "cmd=showversion");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("omserver gateway ");
    }

    private record Result(int exitCode, String out, String err)
    {
        List<String> outLines()
        {
            return new ArrayList<>(out.lines().toList());
        }
    }

    private Result client(Map<String, String> environment, String... arguments)
    {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--gateway", stack.gatewayUri().toString()));
        all.addAll(List.of(arguments));
        int exitCode = commandLine(environment, new PrintWriter(out), new PrintWriter(err)).execute(all.toArray(String[]::new));
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static CommandLine commandLine(Map<String, String> environment, PrintWriter out, PrintWriter err)
    {
        CommandLine commandLine = new CommandLine(new ClientCommand(environment));
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine;
    }
}
