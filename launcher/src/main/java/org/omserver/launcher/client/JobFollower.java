package org.omserver.launcher.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Follows a job through the API's events long-poll until every host finished, writing one progress line per
 * finished host to {@code progress} ({@code [3/10 done, 1 failed] 10.0.0.4 finished}; hosts a rolling run did not
 * launch: {@code [10/10 done, 1 failed, 6 skipped] 10.0.0.9 skipped: not launched: …}), and returns each host's
 * outcome in the order the hosts were queued. Works the same for a job just submitted and for one started
 * elsewhere: the events are read from the start of the job.
 */
public final class JobFollower
{
    private final GatewayApi api;
    private final String token;
    private final PrintWriter progress;

    public JobFollower(GatewayApi api, String token, PrintWriter progress)
    {
        this.api = requireNonNull(api, "api is null");
        this.token = requireNonNull(token, "token is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    public List<HostOutcome> follow(long jobId)
            throws IOException, InterruptedException, ApiError
    {
        Map<String, Host> hosts = new LinkedHashMap<>();
        long cursor = 0;
        int failed = 0;
        int skipped = 0;
        boolean first = true;
        while (true) {
            JsonNode page = api.events(token, jobId, cursor);
            int total = page.get("hostsTotal").asInt();
            for (JsonNode event : page.get("events")) {
                cursor = Math.max(cursor, event.get("seq").asLong());
                String lanIp = event.get("lanIp").asText();
                Host host = hosts.computeIfAbsent(lanIp, ip -> new Host(ip, event.get("hostName").asText()));
                switch (event.get("kind").asText()) {
                    case "STDOUT" -> host.stdout.append(event.path("text").asText());
                    case "STDERR" -> host.stderr.append(event.path("text").asText());
                    case "FINISHED" -> {
                        host.finished = event;
                        String status = event.path("status").asText();
                        boolean success = status.equals("SUCCESS");
                        boolean notLaunched = status.equals("SKIPPED");
                        failed += success || notLaunched ? 0 : 1;
                        skipped += notLaunched ? 1 : 0;
                        long done = hosts.values().stream().filter(h -> h.finished != null).count();
                        progress.printf("[%d/%d done, %d failed%s] %s %s%n", done, total, failed, skipped > 0 ? ", " + skipped + " skipped" : "", lanIp,
                                success ? "finished" : notLaunched ? "skipped: " + event.path("failureMessage").asText("not launched")
                                        : "failed: " + event.path("failureReason").asText("FAILED"));
                    }
                    default -> { }
                }
            }
            if (first) {
                first = false;
                if (!page.get("complete").asBoolean()) {
                    progress.printf("job %d: %d/%d hosts done, waiting for the rest%n", jobId, page.get("hostsDone").asInt(), total);
                }
            }
            progress.flush();
            if (page.get("complete").asBoolean()) {
                return hosts.values().stream().map(Host::outcome).toList();
            }
        }
    }

    private static final class Host
    {
        final String lanIp;
        final String hostName;
        final StringBuilder stdout = new StringBuilder();
        final StringBuilder stderr = new StringBuilder();
        JsonNode finished;

        Host(String lanIp, String hostName)
        {
            this.lanIp = lanIp;
            this.hostName = hostName;
        }

        HostOutcome outcome()
        {
            Optional<JsonNode> end = Optional.ofNullable(finished);
            return new HostOutcome(lanIp, hostName,
                    end.map(event -> event.path("status").asText()),
                    end.filter(event -> event.has("exitCode")).map(event -> OptionalInt.of(event.get("exitCode").asInt())).orElse(OptionalInt.empty()),
                    end.filter(event -> event.has("failureReason")).map(event -> event.get("failureReason").asText()),
                    end.filter(event -> event.has("failureMessage")).map(event -> event.get("failureMessage").asText()),
                    stdout.toString(), stderr.toString());
        }
    }
}
