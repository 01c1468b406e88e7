package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Base of the page servlets: turns what can go wrong with the master into pages. The master unreachable is a 503
 * page naming its address; a master session that ended sends the user back to the login page; any other refusal
 * shows the master's message; an unexpected exception is logged with an incident id and shown as that id only.
 */
abstract class GatewayServlet
        extends HttpServlet
{
    private static final Logger log = LoggerFactory.getLogger(GatewayServlet.class);

    protected final transient WebContext web;

    protected GatewayServlet(WebContext web)
    {
        this.web = requireNonNull(web, "web is null");
    }

    @FunctionalInterface
    protected interface Handler
    {
        void handle(HttpServletRequest request, HttpServletResponse response)
                throws IOException, MasterException, MasterUnavailableException;
    }

    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        web.pages().message(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Not allowed", "This address does not take GET requests.");
    }

    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        web.pages().message(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Not allowed", "This address does not take POST requests.");
    }

    @Override
    protected final void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        guarded(request, response, this::get);
    }

    @Override
    protected final void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        guarded(request, response, this::post);
    }

    /** The logged-in user, or empty after answering with a redirect to the login page. */
    protected static Optional<UserSession> requireUser(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        Optional<UserSession> user = Sessions.user(request);
        if (user.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_SEE_OTHER);
            response.setHeader("Location", "/login");
        }
        return user;
    }

    protected static void seeOther(HttpServletResponse response, String location)
    {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
    }

    private void guarded(HttpServletRequest request, HttpServletResponse response, Handler handler)
            throws IOException
    {
        try {
            handler.handle(request, response);
        }
        catch (MasterUnavailableException e) {
            log.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            web.pages().message(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The master is unreachable",
                    "The master at " + e.address() + " is unreachable. Check that it is running and that "
                            + "master.host and master.port in the gateway configuration point to it, then reload this page.");
        }
        catch (MasterException e) {
            switch (e.code()) {
                case UNAUTHENTICATED -> {
                    Sessions.invalidate(request);
                    seeOther(response, "/login?expired");
                }
                case FORBIDDEN -> web.pages().message(request, response, HttpServletResponse.SC_FORBIDDEN, "Not allowed", e.getMessage());
                case NOT_FOUND -> web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", e.getMessage());
                case INVALID_REQUEST -> web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Refused by the master", e.getMessage());
                case THROTTLED -> web.pages().message(request, response, 429, "Too many requests", e.getMessage());
                default -> web.pages().message(request, response, HttpServletResponse.SC_BAD_GATEWAY, "The master refused the request", e.getMessage());
            }
        }
        catch (RuntimeException | IOException e) {
            String incident = UUID.randomUUID().toString();
            log.error("incident {}: {} {} failed", incident, request.getMethod(), request.getRequestURI(), e);
            if (!response.isCommitted()) {
                response.resetBuffer();
                web.pages().message(request, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "Something broke in the gateway",
                        "The gateway could not answer this request. Incident " + incident + " is in the gateway log.");
            }
        }
    }
}
