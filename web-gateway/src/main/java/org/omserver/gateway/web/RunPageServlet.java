package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** {@code GET /}: the run page. */
final class RunPageServlet
        extends GatewayServlet
{
    RunPageServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isPresent()) {
            RunPage.render(web, request, response, user.get(), HttpServletResponse.SC_OK, List.of(), RunPage.Selection.NONE);
        }
    }
}
