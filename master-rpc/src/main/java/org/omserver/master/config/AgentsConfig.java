package org.omserver.master.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The master's side of the native agents ({@code agents.*} keys).
 *
 * @param enabled serve AgentIntake and load the {@code agent} backend
 * @param bind, port where AgentIntake listens (its own port, apart from the Master service)
 * @param onlineWindow a host is online while its last heartbeat is younger than this
 * @param metricsRetention heartbeat readings older than this are deleted
 * @param workerThreads threads serving agents' calls
 */
public record AgentsConfig(boolean enabled, String bind, int port, Duration onlineWindow, Duration metricsRetention, int workerThreads)
{
    public AgentsConfig
    {
        requireNonNull(bind, "bind is null");
        requireNonNull(onlineWindow, "onlineWindow is null");
        requireNonNull(metricsRetention, "metricsRetention is null");
    }

    @Override
    public String toString()
    {
        return enabled ? "[on " + bind + ":" + port + ", online-window=" + Durations.format(onlineWindow) + ", metrics-retention="
                + Durations.format(metricsRetention) + ", worker-threads=" + workerThreads + "]" : "[off]";
    }
}
