package org.omserver.catalog.inventory;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A named group of servers (an IOMS server type): {@code oms_server_group} with its members' LAN IPs, sorted. */
public record ServerGroup(int id, String name, List<String> members)
{
    public ServerGroup
    {
        requireNonNull(name, "name is null");
        members = List.copyOf(requireNonNull(members, "members is null"));
    }
}
