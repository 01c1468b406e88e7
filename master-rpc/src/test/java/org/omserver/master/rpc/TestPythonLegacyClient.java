package org.omserver.master.rpc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** An OMServer-style Python client (v1 envelope, its own RC4) calls runCommands on a real master. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestPythonLegacyClient
{
    private static final String PYTHON = "/usr/bin/python3";

    private TestingMaster master;
    private Path generated;

    @BeforeAll
    void start(@TempDir Path temp)
            throws Exception
    {
        Path idl = projectRoot().resolve("protocol/src/main/thrift/omserver.thrift");
        generated = temp.resolve("gen-py");
        Files.createDirectories(generated);
        Result thrift = run(List.of("thrift", "--gen", "py", "-out", generated.toString(), idl.toString()));
        if (thrift.exitCode() != 0) {
            fail("thrift --gen py failed (" + thrift.output() + "); is thrift-compiler installed? Run scripts/test-prereqs.sh");
        }
        Result python = run(List.of(PYTHON, "-c", "import thrift"));
        if (python.exitCode() != 0) {
            fail(PYTHON + " cannot import thrift (" + python.output() + "); install python3-thrift: run scripts/test-prereqs.sh");
        }
        master = new TestingMaster(Map.of("legacy.enabled", "true", "legacy.accept-v1", "true"));
    }

    @AfterAll
    void stop()
            throws Exception
    {
        if (master != null) {
            master.close();
        }
    }

    @Test
    void pythonClientRunsAModuleOverTheLegacyCall()
            throws Exception
    {
        Result result = run(List.of(PYTHON, projectRoot().resolve("master-rpc/src/test/python/legacy_client.py").toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(master.server().port()), "--key", TestingMaster.SECRET,
                "--request", "1003@@127.0.0.2*h1@@", "--gen-py", generated.toString()));
        assertThat(result.exitCode()).as("legacy_client.py output: %s", result.output()).isZero();
        String issue = Commands.run("head", "-n", "1", "/etc/issue").stdout();
        assertThat(result.output()).isEqualTo("[127.0.0.2 web01] success\n" + issue);
    }

    private static Path projectRoot()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("protocol/src/main/thrift/omserver.thrift"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root (protocol/src/main/thrift/omserver.thrift) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command)
            throws InterruptedException
    {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + command);
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
    }
}
