package org.omserver.executor.api;

/** A named executor backend, found with {@link java.util.ServiceLoader}. */
public interface ExecutorFactory
{
    /** The backend's name as used in configuration and in {@code server_list.backend}, e.g. {@code ssh}. */
    String name();

    /**
     * Builds a backend from its configuration. Invalid configuration throws
     * {@link IllegalArgumentException} naming every bad key, so startup fails with a message to act on.
     */
    Executor create(ExecutorConfig config);

    /** As {@link #create(ExecutorConfig)}, for backends that need a service of the master (see {@link BackendServices}). */
    default Executor create(ExecutorConfig config, BackendServices services)
    {
        return create(config);
    }
}
