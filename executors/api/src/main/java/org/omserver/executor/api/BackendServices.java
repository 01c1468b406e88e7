package org.omserver.executor.api;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the master lends a backend besides its configuration, by type: e.g. the agent backend asks for the
 * master's lookup of per-agent keys. A backend that needs a service it does not find fails at startup.
 */
public record BackendServices(Map<Class<?>, Object> services)
{
    public BackendServices
    {
        services = Map.copyOf(requireNonNull(services, "services is null"));
        services.forEach((type, service) -> {
            if (!type.isInstance(service)) {
                throw new IllegalArgumentException(service.getClass().getName() + " is not a " + type.getName());
            }
        });
    }

    public static BackendServices none()
    {
        return new BackendServices(Map.of());
    }

    public <T> Optional<T> find(Class<T> type)
    {
        return Optional.ofNullable(type.cast(services.get(type)));
    }
}
