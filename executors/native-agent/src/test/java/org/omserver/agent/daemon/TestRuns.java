package org.omserver.agent.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.omserver.protocol.agent.OutputChunk;
import org.omserver.protocol.agent.PollReply;
import org.omserver.protocol.agent.RunFailure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real processes, no shell: what an agent does with an allowed argument vector. */
final class TestRuns
{
    private final Runs runs = new Runs(2, 1024, Duration.ofMinutes(5), Clock.systemUTC());

    @AfterEach
    void close()
    {
        runs.close();
    }

    @Test
    void outputIsReadByCursorAndTheExitCodeComesWithTheLastChunk()
            throws Exception
    {
        String runId = runs.start(1, List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(60));
        PollReply end = readToEnd(runId);
        assertThat(end.getExitCode()).isEqualTo(3);
        assertThat(end.isSetFailure()).isFalse();
        PollReply all = runs.poll(runId, 0, Duration.ZERO);
        assertThat(text(all, false)).isEqualTo("out\n");
        assertThat(text(all, true)).isEqualTo("err\n");
        assertThat(runs.poll(runId, all.getNextCursor(), Duration.ZERO).getChunks()).isEmpty();
    }

    @Test
    void argumentsReachTheProgramUninterpreted()
            throws Exception
    {
        String runId = runs.start(1, List.of("echo", "$(id)", ";", "*", "a b"), Duration.ofSeconds(60));
        readToEnd(runId);
        assertThat(text(runs.poll(runId, 0, Duration.ZERO), false)).isEqualTo("$(id) ; * a b\n");
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree()
            throws Exception
    {
        String runId = runs.start(1, List.of("sh", "-c", "sleep 60 & sleep 60; echo never"), Duration.ofMillis(300));
        PollReply end = readToEnd(runId);
        assertThat(end.getFailure()).isEqualTo(RunFailure.TIMEOUT);
        assertThat(end.getMessage()).contains("longer than its timeout of 300 ms");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").equals("sleep 60")
                && p.parent().map(parent -> parent.pid() == ProcessHandle.current().pid()).orElse(false))).isEmpty();
    }

    @Test
    void cancelKillsARunningCommandOnce()
            throws Exception
    {
        String runId = runs.start(1, List.of("sleep", "60"), Duration.ofSeconds(60));
        assertThat(runs.cancel(runId)).isTrue();
        assertThat(readToEnd(runId).getFailure()).isEqualTo(RunFailure.CANCELLED);
        assertThat(runs.cancel(runId)).isFalse();
    }

    @Test
    void aMissingProgramFinishesAsStartFailed()
            throws Exception
    {
        PollReply end = readToEnd(runs.start(1, List.of("/nonexistent/program"), Duration.ofSeconds(60)));
        assertThat(end.getFailure()).isEqualTo(RunFailure.START_FAILED);
        assertThat(end.getMessage()).contains("cannot start '/nonexistent/program'");
    }

    @Test
    void outputBeyondTheLimitIsCutAndSaysSo()
            throws Exception
    {
        String runId = runs.start(1, List.of("head", "-c", "100000", "/dev/zero"), Duration.ofSeconds(60));
        readToEnd(runId);
        PollReply all = runs.poll(runId, 0, Duration.ZERO);
        assertThat(text(all, false).length()).isLessThanOrEqualTo(1024);
        assertThat(text(all, true)).contains("output cut at 1024 characters (run.max-output-bytes)");
    }

    @Test
    void runsBeyondTheLimitAreRefusedAndUnknownRunsAreNotFound()
            throws Exception
    {
        runs.start(1, List.of("sleep", "60"), Duration.ofSeconds(60));
        runs.start(1, List.of("sleep", "60"), Duration.ofSeconds(60));
        assertThatThrownBy(() -> runs.start(1, List.of("sleep", "60"), Duration.ofSeconds(60)))
                .hasMessageContaining("this agent already runs 2 commands (run.max-concurrent)");
        assertThatThrownBy(() -> runs.poll("run-nope", 0, Duration.ZERO)).hasMessageContaining("no run run-nope on this agent");
    }

    private PollReply readToEnd(String runId)
            throws Exception
    {
        long cursor = 0;
        while (true) {
            PollReply reply = runs.poll(runId, cursor, Duration.ofSeconds(5));
            cursor = reply.getNextCursor();
            if (reply.isFinished()) {
                return reply;
            }
        }
    }

    private static String text(PollReply reply, boolean stderr)
    {
        return reply.getChunks().stream().filter(chunk -> chunk.isStderr() == stderr).map(OutputChunk::getText).collect(Collectors.joining());
    }
}
