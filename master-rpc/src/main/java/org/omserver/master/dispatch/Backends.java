package org.omserver.master.dispatch;

import org.omserver.executor.api.BackendServices;
import org.omserver.executor.api.Executor;
import org.omserver.executor.api.ExecutorFactory;
import org.omserver.master.config.MasterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The executor backends this master runs with, by name: the configured default and every backend that has
 * {@code executor.<name>.*} keys. Found with {@link ServiceLoader}; nothing is ever loaded by a name a client sent.
 */
public final class Backends
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Backends.class);

    private final Map<String, Executor> executors;
    private final String defaultName;

    public Backends(Map<String, Executor> executors, String defaultName)
    {
        this.executors = new LinkedHashMap<>(requireNonNull(executors, "executors is null"));
        this.defaultName = requireNonNull(defaultName, "defaultName is null");
        if (!executors.containsKey(defaultName)) {
            throw new IllegalArgumentException("the default backend '" + defaultName + "' is not among " + executors.keySet());
        }
    }

    /** Creates each configured backend; a missing factory or a bad backend configuration fails with every problem listed. */
    public static Backends load(MasterConfig config, ClassLoader classLoader)
    {
        return load(config, classLoader, BackendServices.none());
    }

    /** As {@link #load(MasterConfig, ClassLoader)}, lending {@code services} to the backends that need them. */
    public static Backends load(MasterConfig config, ClassLoader classLoader, BackendServices services)
    {
        Map<String, ExecutorFactory> factories = new TreeMap<>();
        for (ExecutorFactory factory : ServiceLoader.load(ExecutorFactory.class, classLoader)) {
            factories.putIfAbsent(factory.name(), factory);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Executor> created = new LinkedHashMap<>();
        for (String name : config.backendNames()) {
            ExecutorFactory factory = factories.get(name);
            if (factory == null) {
                problems.add("no executor backend named '" + name + "' (named by " + (name.equals(config.defaultExecutor()) ? "executor.default" : "executor." + name + ".*")
                        + "); backends found on the class path: " + (factories.isEmpty() ? "none" : String.join(", ", factories.keySet())));
                continue;
            }
            try {
                created.put(name, factory.create(config.executorConfig(name), services));
                log.info("executor backend {} ready with {}", name, config.executorConfig(name));
            }
            catch (IllegalArgumentException e) {
                problems.add("executor." + name + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            created.values().forEach(Executor::close);
            throw new IllegalStateException("cannot start the executor backends:\n  " + String.join("\n  ", problems));
        }
        return new Backends(created, config.defaultExecutor());
    }

    public String defaultName()
    {
        return defaultName;
    }

    public Set<String> names()
    {
        return executors.keySet();
    }

    public Optional<Executor> find(String name)
    {
        return Optional.ofNullable(executors.get(name));
    }

    /** Every backend closes the connections it keeps for reuse and is not using ({@link Executor#closeIdle}). */
    public void closeIdle()
    {
        executors.values().forEach(Executor::closeIdle);
    }

    @Override
    public void close()
    {
        executors.forEach((name, executor) -> {
            try {
                executor.close();
            }
            catch (RuntimeException e) {
                log.warn("executor backend {} failed to close", name, e);
            }
        });
    }
}
