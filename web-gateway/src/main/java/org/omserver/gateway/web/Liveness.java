package org.omserver.gateway.web;

import java.time.Duration;

import org.omserver.protocol.thrift.ServerInfo;

/** How host lists show an agent host's state: "online", "offline (last heartbeat 7 min ago)", or "" for hosts without an agent. */
final class Liveness
{
    private Liveness() {}

    static String of(ServerInfo server)
    {
        if (!server.isSetAgentOnline()) {
            return "";
        }
        return server.isAgentOnline() ? "online" : "offline" + (server.isSetAgentLastHeartbeatMillis() ? "" : " (no heartbeat yet)");
    }

    /** "42 s", "7 min", "3 h", "2 d": the age of a heartbeat for a list. */
    static String age(long nowMillis, long thenMillis)
    {
        Duration age = Duration.ofMillis(Math.max(0, nowMillis - thenMillis));
        if (age.toSeconds() < 120) {
            return age.toSeconds() + " s";
        }
        if (age.toMinutes() < 120) {
            return age.toMinutes() + " min";
        }
        if (age.toHours() < 48) {
            return age.toHours() + " h";
        }
        return age.toDays() + " d";
    }
}
