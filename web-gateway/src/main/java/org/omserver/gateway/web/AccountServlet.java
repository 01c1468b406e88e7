package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.ChangePasswordRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.LogoutEverywhereRequest;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.UserInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /account}: what every user may do to their own account. POST {@code /account/password} changes the password
 * (the old one is needed; the master checks it and the policy, and ends the user's other sessions); POST
 * {@code /account/logout-everywhere} ends every session and API token of the user, this one too, and so goes to the
 * login page. Admins also see how many sessions they have open (the master lists sessions to admins only).
 */
final class AccountServlet
        extends GatewayServlet
{
    AccountServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        if (request.getPathInfo() != null && !request.getPathInfo().equals("/")) {
            web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such account page. See /account.");
            return;
        }
        List<String> notices = new ArrayList<>();
        String done = request.getParameter("done");
        if (done != null && done.length() <= 200) {
            notices.add(done);
        }
        page(request, response, user.get(), HttpServletResponse.SC_OK, notices, List.of());
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        String action = request.getPathInfo() == null ? "" : request.getPathInfo();
        switch (action) {
            case "/password" -> {
                String old = value(request, "oldPassword");
                String fresh = value(request, "newPassword");
                if (!fresh.equals(value(request, "repeatPassword"))) {
                    page(request, response, user.get(), HttpServletResponse.SC_BAD_REQUEST, List.of(),
                            List.of("The new password and its repetition differ; type the same new password twice."));
                    return;
                }
                try {
                    var reply = web.master().changePassword(new ChangePasswordRequest(user.get().masterToken(), old, fresh)
                            .setClientAddress(request.getRemoteAddr()));
                    seeOther(response, "/account?done=" + java.net.URLEncoder.encode("Password changed; " + reply.getSessionsEnded()
                            + " other session(s) ended.", java.nio.charset.StandardCharsets.UTF_8));
                }
                catch (MasterException e) {
                    if (e.code() != ErrorCode.INVALID_REQUEST) {
                        throw e;
                    }
                    page(request, response, user.get(), HttpServletResponse.SC_BAD_REQUEST, List.of(), List.of(e.getMessage()));
                }
            }
            case "/logout-everywhere" -> {
                web.master().logoutEverywhere(new LogoutEverywhereRequest(user.get().masterToken()).setClientAddress(request.getRemoteAddr()));
                Sessions.invalidate(request);
                seeOther(response, "/login?everywhere");
            }
            default -> web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such action on your account.");
        }
    }

    private void page(HttpServletRequest request, HttpServletResponse response, UserSession user, int status, List<String> notices, List<String> errors)
            throws IOException, MasterException, MasterUnavailableException
    {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("notices", notices);
        model.put("errors", errors);
        if (user.role() == Role.ADMIN) {
            web.master().users(user.masterToken()).getUsers().stream().filter(info -> info.getUsername().equals(user.username())).findFirst()
                    .map(UserInfo::getOpenSessions).ifPresent(open -> model.put("openSessions", String.valueOf(open)));
        }
        web.pages().render(request, response, status, "account", model);
    }

    /** A password field as typed (not stripped: spaces may be part of it). */
    private static String value(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        return value == null ? "" : value;
    }
}
