package org.omserver.catalog.inventory;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A row of {@code server_list}.
 *
 * @param lanIp the key
 * @param backend the executor backend for this host; empty means the master's configured default
 * @param sshUser empty means the SSH backend's configured default user
 */
public record Server(
        String lanIp,
        String name,
        Optional<String> wanIp,
        Optional<String> os,
        int appCategoryId,
        Optional<String> backend,
        int sshPort,
        Optional<String> sshUser)
{
    public Server
    {
        requireNonNull(lanIp, "lanIp is null");
        requireNonNull(name, "name is null");
        requireNonNull(wanIp, "wanIp is null");
        requireNonNull(os, "os is null");
        requireNonNull(backend, "backend is null");
        requireNonNull(sshUser, "sshUser is null");
    }
}
