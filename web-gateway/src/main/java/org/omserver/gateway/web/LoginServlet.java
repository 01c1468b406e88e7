package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.LoginReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** {@code GET /login} shows the form; {@code POST /login} asks the master and starts the session. */
final class LoginServlet
        extends GatewayServlet
{
    private static final Logger log = LoggerFactory.getLogger(LoginServlet.class);
    private static final int MAX_FIELD = 256;

    LoginServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        if (Sessions.user(request).isPresent()) {
            seeOther(response, "/");
            return;
        }
        String notice = request.getParameter("expired") != null ? "Your session has ended. Log in again."
                : request.getParameter("bye") != null ? "You have logged out."
                : request.getParameter("everywhere") != null ? "You have logged out everywhere: every session and API token of yours has ended." : null;
        form(request, response, HttpServletResponse.SC_OK, "", null, notice);
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterUnavailableException
    {
        String username = request.getParameter("username");
        String password = request.getParameter("password");
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            form(request, response, HttpServletResponse.SC_BAD_REQUEST, username, "Enter your user name and password.", null);
            return;
        }
        if (username.length() > MAX_FIELD || password.length() > MAX_FIELD) {
            form(request, response, HttpServletResponse.SC_BAD_REQUEST, "", "User name or password is too long.", null);
            return;
        }
        LoginReply reply;
        try {
            reply = web.master().login(username.strip(), password, request.getRemoteAddr());
        }
        catch (MasterException e) {
            int status = switch (e.code()) {
                case UNAUTHENTICATED -> HttpServletResponse.SC_UNAUTHORIZED;
                case THROTTLED -> 429;
                case FORBIDDEN -> HttpServletResponse.SC_FORBIDDEN;
                default -> HttpServletResponse.SC_BAD_GATEWAY;
            };
            log.info("login of {} from {} refused: {}", username.strip(), request.getRemoteAddr(), e.code());
            form(request, response, status, username, e.getMessage(), null);
            return;
        }
        Sessions.logIn(request, new UserSession(reply.getSession(), reply.getUsername(), reply.getRole()));
        log.info("{} ({}) logged in from {}", reply.getUsername(), reply.getRole(), request.getRemoteAddr());
        seeOther(response, "/");
    }

    private void form(HttpServletRequest request, HttpServletResponse response, int status, String username, String error, String notice)
            throws IOException
    {
        Map<String, Object> model = new HashMap<>();
        model.put("username", username == null ? "" : username);
        if (error != null) {
            model.put("error", error);
        }
        if (notice != null) {
            model.put("notice", notice);
        }
        web.pages().render(request, response, status, "login", model);
    }
}
