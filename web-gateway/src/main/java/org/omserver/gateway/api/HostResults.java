package org.omserver.gateway.api;

import org.omserver.protocol.thrift.HostEvent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a job's event sequence into one result per host, in the order hosts were queued: state
 * ({@code QUEUED}, {@code RUNNING}, {@code FINISHED}), the output so far, and once finished the status, exit code,
 * failure reason and duration.
 */
final class HostResults
{
    private final Map<String, Host> hosts = new LinkedHashMap<>();

    private static final class Host
    {
        final String lanIp;
        final String hostName;
        String state = "QUEUED";
        final StringBuilder stdout = new StringBuilder();
        final StringBuilder stderr = new StringBuilder();
        HostEvent finished;

        Host(String lanIp, String hostName)
        {
            this.lanIp = lanIp;
            this.hostName = hostName;
        }
    }

    void add(HostEvent event)
    {
        Host host = hosts.computeIfAbsent(event.getLanIp(), ip -> new Host(ip, event.getHostName()));
        switch (event.getKind()) {
            case QUEUED -> { }
            case STARTED -> host.state = "RUNNING";
            case STDOUT -> host.stdout.append(event.isSetText() ? event.getText() : "");
            case STDERR -> host.stderr.append(event.isSetText() ? event.getText() : "");
            case FINISHED -> {
                host.state = "FINISHED";
                host.finished = event;
            }
        }
    }

    List<Map<String, Object>> json()
    {
        return hosts.values().stream().map(HostResults::json).toList();
    }

    private static Map<String, Object> json(Host host)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("lanIp", host.lanIp);
        json.put("hostName", host.hostName);
        json.put("state", host.state);
        if (host.finished != null) {
            Map<String, Object> finished = ApiJson.event(host.finished);
            for (String key : List.of("status", "exitCode", "failureReason", "failureMessage", "durationMillis")) {
                if (finished.containsKey(key)) {
                    json.put(key, finished.get(key));
                }
            }
        }
        json.put("stdout", host.stdout.toString());
        json.put("stderr", host.stderr.toString());
        return json;
    }
}
