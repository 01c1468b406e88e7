package org.omserver.agent.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.omserver.protocol.agent.OutputChunk;
import org.omserver.protocol.agent.PollReply;
import org.omserver.protocol.agent.RunFailure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Built-in commands: enabled only by configuration, arguments checked first, run like a process (output, timeout, cancel). */
final class TestBuiltins
{
    private final Runs runs = new Runs(4, 64 * 1024, Duration.ofMinutes(5), Clock.systemUTC());

    @AfterEach
    void close()
    {
        runs.close();
    }

    @Test
    void onlyTheProbesAreEnabledByDefaultAndUnknownOrDisabledOnesAreRefused()
    {
        AgentConfig config = AgentConfig.fromProperties(Map.of("state.dir", "/s"));
        Builtins builtins = AgentDaemon.builtins(config, "web1");
        assertThat(builtins.enabled().stream().map(Builtin::name)).containsExactlyInAnyOrder("agentlist", "help", "version");
        assertThat(builtins.resolve(List.of("omserver:agentlist")).refusal()).isEmpty();
        assertThat(builtins.resolve(List.of("omserver:agentlist", "extra")).refusal()).contains("agentlist takes no arguments, got 1");
        assertThat(builtins.resolve(List.of("omserver:rm")).refusal().orElseThrow()).startsWith("this agent has no built-in command 'rm'");
        assertThat(builtins.resolve(List.of("omserver:version", "a\0b")).refusal()).contains("an argument contains a NUL character");

        Builtins none = AgentDaemon.builtins(AgentConfig.fromProperties(Map.of("state.dir", "/s", "allow.builtins", "none")), "web1");
        assertThat(none.resolve(List.of("omserver:version")).refusal().orElseThrow())
                .isEqualTo("the built-in command 'version' is not enabled on this agent (allow.builtins in its configuration)");
    }

    @Test
    void theConfigurationNamesUnknownBuiltinsAndBadNames()
    {
        assertThatThrownBy(() -> AgentDaemon.builtins(AgentConfig.fromProperties(Map.of("state.dir", "/s", "allow.builtins", "version,format-disk")), "h"))
                .hasMessageContaining("allow.builtins names unknown built-in command(s) [format-disk]");
        assertThatThrownBy(() -> AgentConfig.fromProperties(Map.of("state.dir", "/s", "allow.builtins", "version;rm")))
                .hasMessageContaining("'version;rm' is not a built-in command name");
        assertThat(AgentDaemon.builtins(AgentConfig.fromProperties(Map.of("state.dir", "/s", "allow.builtins", "all")), "h").size())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aBuiltinWritesOutputAndExitsLikeAProcess()
            throws Exception
    {
        Builtins builtins = AgentDaemon.builtins(AgentConfig.fromProperties(Map.of("state.dir", "/s", "allow.builtins", "all")), "web1");
        Builtin agentlist = builtins.resolve(List.of("omserver:agentlist")).builtin().orElseThrow();
        String runId = runs.startBuiltin(7, agentlist, List.of(), Duration.ofSeconds(5));
        PollReply end = readToEnd(runId);
        assertThat(end.getExitCode()).isZero();
        assertThat(text(runs.poll(runId, 0, Duration.ZERO), false)).isEqualTo("alive web1 " + AgentDaemon.VERSION + "\n");

        Builtin help = builtins.resolve(List.of("omserver:help")).builtin().orElseThrow();
        String helpRun = runs.startBuiltin(7, help, List.of(), Duration.ofSeconds(5));
        readToEnd(helpRun);
        assertThat(text(runs.poll(helpRun, 0, Duration.ZERO), false)).contains("agentlist: answers 'alive'", "version: prints the agent's version");
    }

    @Test
    void aTimeoutInterruptsABuiltinAndNothingFollowsTheEnd()
            throws Exception
    {
        CountDownLatch interrupted = new CountDownLatch(1);
        Builtin sleeper = new Sleeper(interrupted);
        String runId = runs.startBuiltin(1, sleeper, List.of(), Duration.ofMillis(200));
        PollReply end = readToEnd(runId);
        assertThat(end.getFailure()).isEqualTo(RunFailure.TIMEOUT);
        assertThat(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(text(runs.poll(runId, 0, Duration.ZERO), false)).isEqualTo("started\n");
    }

    @Test
    void cancelInterruptsABuiltinOnce()
            throws Exception
    {
        CountDownLatch interrupted = new CountDownLatch(1);
        String runId = runs.startBuiltin(1, new Sleeper(interrupted), List.of(), Duration.ofSeconds(60));
        assertThat(runs.cancel(runId)).isTrue();
        assertThat(readToEnd(runId).getFailure()).isEqualTo(RunFailure.CANCELLED);
        assertThat(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(runs.cancel(runId)).isFalse();
    }

    @Test
    void anUnexpectedFailureOfABuiltinIsReportedOnStderrWithExitCodeOne()
            throws Exception
    {
        Builtin broken = new Builtin()
        {
            @Override
            public String name()
            {
                return "broken";
            }

            @Override
            public String usage()
            {
                return "fails";
            }

            @Override
            public Optional<String> refusal(List<String> args)
            {
                return Optional.empty();
            }

            @Override
            public int run(List<String> args, Output output)
            {
                throw new IllegalStateException("disk on fire");
            }
        };
        String runId = runs.startBuiltin(1, broken, List.of(), Duration.ofSeconds(5));
        PollReply end = readToEnd(runId);
        assertThat(end.getExitCode()).isEqualTo(1);
        assertThat(text(runs.poll(runId, 0, Duration.ZERO), true)).isEqualTo("broken failed: disk on fire\n");
    }

    private record Sleeper(CountDownLatch interrupted)
            implements Builtin
    {
        @Override
        public String name()
        {
            return "sleeper";
        }

        @Override
        public String usage()
        {
            return "sleeps";
        }

        @Override
        public Optional<String> refusal(List<String> args)
        {
            return Optional.empty();
        }

        @Override
        public int run(List<String> args, Output output)
                throws InterruptedException
        {
            output.out("started\n");
            try {
                Thread.sleep(60_000);
            }
            finally {
                interrupted.countDown();
                output.out("after the end\n");
            }
            return 0;
        }
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
