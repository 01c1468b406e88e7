package org.omserver.catalog.agent;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * An agent's last self-update as it reported it when it announced itself (columns update_* of oms_agent).
 *
 * @param state PENDING (swapped, not yet confirmed), UPDATED or ROLLED_BACK
 * @param at when the update began, on the agent's clock
 * @param detail for ROLLED_BACK, why the new version failed its health check
 */
public record AgentUpdate(String state, String from, String to, String packageName, Instant at, String detail)
{
    public static final String ROLLED_BACK = "ROLLED_BACK";

    public AgentUpdate
    {
        requireNonNull(state, "state is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(packageName, "packageName is null");
        requireNonNull(at, "at is null");
        requireNonNull(detail, "detail is null");
    }

    public boolean rolledBack()
    {
        return state.equals(ROLLED_BACK);
    }
}
