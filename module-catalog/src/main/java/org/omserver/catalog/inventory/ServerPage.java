package org.omserver.catalog.inventory;

import java.util.List;

/** One page of a server search and how many servers match in all. */
public record ServerPage(List<Server> servers, int total)
{
    public ServerPage
    {
        servers = List.copyOf(servers);
    }
}
