package org.omserver.catalog.inventory;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A row of {@code server_list}.
 *
 * @param lanIp the key
 * @param backend the executor backend for this host; empty means the master's configured default ("any")
 * @param sshUser empty means the SSH backend's configured default user
 * @param tags lower-case tokens (see {@link InventoryRules#tags}), in the order given
 */
public record Server(
        String lanIp,
        String name,
        Optional<String> wanIp,
        Optional<String> os,
        int appCategoryId,
        Optional<String> backend,
        int sshPort,
        Optional<String> sshUser,
        List<String> tags)
{
    public Server
    {
        requireNonNull(lanIp, "lanIp is null");
        requireNonNull(name, "name is null");
        requireNonNull(wanIp, "wanIp is null");
        requireNonNull(os, "os is null");
        requireNonNull(backend, "backend is null");
        requireNonNull(sshUser, "sshUser is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
    }

    /** A server without tags. */
    public Server(String lanIp, String name, Optional<String> wanIp, Optional<String> os, int appCategoryId, Optional<String> backend,
            int sshPort, Optional<String> sshUser)
    {
        this(lanIp, name, wanIp, os, appCategoryId, backend, sshPort, sshUser, List.of());
    }
}
