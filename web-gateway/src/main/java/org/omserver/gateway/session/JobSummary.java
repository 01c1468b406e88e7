package org.omserver.gateway.session;

import java.io.Serializable;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** What the master said when it accepted a job: the job page header. */
public record JobSummary(long jobId, int moduleId, String moduleName, List<Host> hosts)
        implements Serializable
{
    public JobSummary
    {
        requireNonNull(moduleName, "moduleName is null");
        hosts = List.copyOf(hosts);
    }

    public record Host(String lanIp, String name)
            implements Serializable {}
}
