package org.omserver.gateway.web;

import org.omserver.gateway.config.GatewayConfig;
import org.omserver.gateway.master.MasterClient;

import static java.util.Objects.requireNonNull;

/** What every servlet needs: the configuration, the master client, the page renderer and the live-results streams. */
public record WebContext(GatewayConfig config, MasterClient master, Pages pages, EventStreams streams)
{
    public WebContext
    {
        requireNonNull(config, "config is null");
        requireNonNull(master, "master is null");
        requireNonNull(pages, "pages is null");
        requireNonNull(streams, "streams is null");
    }
}
