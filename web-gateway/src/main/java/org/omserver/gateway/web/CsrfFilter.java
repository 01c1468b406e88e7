package org.omserver.gateway.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.api.ApiServlet;
import org.omserver.gateway.session.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * Every request that is not GET or HEAD must carry the session's CSRF token; otherwise it stops here with 403,
 * before any servlet (and so before any call to the master). GETs never change state, so they need none. The JSON API
 * under {@code /api} needs none either: it never reads the session cookie (see {@code ApiServlet}).
 */
public final class CsrfFilter
        extends HttpFilter
{
    private static final Logger log = LoggerFactory.getLogger(CsrfFilter.class);

    private final Pages pages;

    public CsrfFilter(Pages pages)
    {
        this.pages = requireNonNull(pages, "pages is null");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException
    {
        String method = request.getMethod();
        // the API authenticates with a bearer header only, never the cookie, so a forged cross-site request carries no credentials
        boolean api = request.getServletPath().equals(ApiServlet.SERVLET_PATH);
        if (api || method.equals("GET") || method.equals("HEAD") || Sessions.csrfMatches(request)) {
            chain.doFilter(request, response);
            return;
        }
        log.info("refused {} {} from {}: missing or wrong CSRF token", method, request.getRequestURI(), request.getRemoteAddr());
        pages.message(request, response, HttpServletResponse.SC_FORBIDDEN, "This form has expired",
                "The form was too old or did not come from this site. Reload the page and try again.");
    }
}
