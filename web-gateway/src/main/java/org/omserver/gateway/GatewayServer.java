package org.omserver.gateway;

import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.gateway.master.MasterClient;
import org.omserver.gateway.web.EventStreams;
import org.omserver.gateway.web.Pages;
import org.omserver.gateway.web.WebApp;
import org.omserver.gateway.web.WebContext;
import org.omserver.protocol.envelope.SharedSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The web gateway: Jetty with the gateway's servlets, and a pool of Thrift connections to the master.
 * {@link #start} returns once it listens; {@link #close} stops it.
 */
public final class GatewayServer
        implements AutoCloseable
{
    /** Largest url-encoded form body: 10,000 targets (the most a run takes) plus the parameters, with room to spare. */
    static final int MAX_FORM_BYTES = 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    public static final String SESSION_COOKIE = "OMS_SESSION";
    private static final int MAX_REQUEST_THREADS = 64;

    private final Server server;
    private final ServerConnector connector;
    private final MasterClient master;
    private final EventStreams streams;

    private GatewayServer(Server server, ServerConnector connector, MasterClient master, EventStreams streams)
    {
        this.server = server;
        this.connector = connector;
        this.master = master;
        this.streams = streams;
    }

    public static GatewayServer start(GatewayConfig config, SharedSecret secret)
            throws Exception
    {
        requireNonNull(config, "config is null");
        requireNonNull(secret, "secret is null");
        log.info("starting web gateway: {}", config);

        MasterClient master = new MasterClient(config, secret);
        // live streams may hold at most half of the master connections, so pages always find one
        EventStreams streams = new EventStreams(master, Math.max(1, config.masterMaxConnections() / 2), GatewayConfig.EVENTS_LONG_POLL);
        WebContext web = new WebContext(config, master, new Pages(), streams);

        QueuedThreadPool threads = new QueuedThreadPool(MAX_REQUEST_THREADS, 4);
        threads.setName("gateway-http");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        // a run or schedule may name 10,000 servers (each "target=<ip>&" is up to ~53 bytes): Jetty's 200 kB default
        // refused the confirm page's own Run form above ~9,000 hosts
        context.setMaxFormContentSize(MAX_FORM_BYTES);
        SessionHandler sessions = context.getSessionHandler();
        sessions.setMaxInactiveInterval(Math.toIntExact(config.sessionTimeout().toSeconds()));
        sessions.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
        SessionCookieConfig cookie = sessions.getSessionCookieConfig();
        cookie.setName(SESSION_COOKIE);
        cookie.setHttpOnly(true);
        cookie.setSecure(config.secureCookies());
        cookie.setPath("/");
        cookie.setAttribute("SameSite", "Strict");
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowMessageInTitle(false);
        context.setErrorHandler(errors);
        server.setErrorHandler(errors);
        WebApp.install(context, web);
        server.setHandler(context);
        server.setStopAtShutdown(false);

        GatewayServer gateway = new GatewayServer(server, connector, master, streams);
        try {
            server.start();
        }
        catch (Exception e) {
            gateway.close();
            throw new IllegalStateException("web gateway cannot listen on " + config.bindAddress() + ":" + config.port()
                    + " (" + GatewayConfig.BIND + ", " + GatewayConfig.PORT + "): " + e.getMessage(), e);
        }
        log.info("web gateway listening on {}, master at {}", gateway.uri(), config.masterAddress());
        return gateway;
    }

    /** Where the gateway listens, with the port actually bound. */
    public URI uri()
    {
        String host = connector.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
    }

    @Override
    public void close()
    {
        try {
            server.stop();
        }
        catch (Exception e) {
            log.warn("web gateway did not stop cleanly: {}", e.toString());
        }
        streams.close();
        master.close();
        log.info("web gateway stopped");
    }
}
