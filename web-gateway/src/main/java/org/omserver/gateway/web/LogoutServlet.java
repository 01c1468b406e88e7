package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/** {@code POST /logout}: ends the master session (best effort) and always the HTTP session. */
final class LogoutServlet
        extends GatewayServlet
{
    private static final Logger log = LoggerFactory.getLogger(LogoutServlet.class);

    LogoutServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
    {
        Optional<UserSession> user = Sessions.user(request);
        if (user.isPresent()) {
            try {
                web.master().logout(user.get().masterToken(), request.getRemoteAddr());
            }
            catch (MasterException | MasterUnavailableException e) {
                // the local session ends anyway; the master's expires on its own
                log.warn("logout of {} not confirmed by the master: {}", user.get().username(), e.getMessage());
            }
            log.info("{} logged out from {}", user.get().username(), request.getRemoteAddr());
        }
        Sessions.invalidate(request);
        seeOther(response, "/login?bye");
    }
}
