package org.omserver.executor.ssh;

import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.ExecutorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code ssh} backend: agentless execution over SSH with SSHJ. */
public final class SshExecutorFactory
        implements ExecutorFactory
{
    public static final String NAME = "ssh";

    private static final Logger log = LoggerFactory.getLogger(SshExecutorFactory.class);

    @Override
    public String name()
    {
        return NAME;
    }

    /** @throws IllegalArgumentException naming every bad key of {@code config} and how to fix it */
    @Override
    public SshExecutor create(ExecutorConfig config)
    {
        SshConfig sshConfig = SshConfig.from(config);
        log.info("ssh executor: {}", sshConfig);
        return new SshExecutor(sshConfig);
    }
}
