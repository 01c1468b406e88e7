package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Everything not mapped elsewhere: a plain 404 page. */
final class NotFoundServlet
        extends GatewayServlet
{
    NotFoundServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such page.");
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        get(request, response);
    }
}
