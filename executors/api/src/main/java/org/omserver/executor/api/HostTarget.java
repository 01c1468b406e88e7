package org.omserver.executor.api;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One host as the master resolved it from the inventory.
 *
 * @param address the address to connect to (server_list LAN IP)
 * @param name the host name shown to users
 * @param port the transport port (SSH port for the ssh backend)
 * @param user the remote account, empty for the backend's default
 */
public record HostTarget(String address, String name, int port, Optional<String> user)
{
    public HostTarget
    {
        requireNonNull(address, "address is null");
        requireNonNull(name, "name is null");
        requireNonNull(user, "user is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
    }
}
