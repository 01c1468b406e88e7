package org.omserver.master.dispatch;

import org.omserver.executor.api.HostTarget;

import static java.util.Objects.requireNonNull;

/** A target host resolved from server_list, with the backend that will run it. */
public record PlannedHost(HostTarget target, String backend)
{
    public PlannedHost
    {
        requireNonNull(target, "target is null");
        requireNonNull(backend, "backend is null");
    }
}
