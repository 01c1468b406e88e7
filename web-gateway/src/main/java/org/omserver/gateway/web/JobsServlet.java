package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.session.JobSummary;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /jobs/{id}}: the results page; {@code GET /jobs/{id}/events}: its live Server-Sent Events stream
 * (see {@link EventStreams}). The master decides whether this user may see the job.
 */
final class JobsServlet
        extends GatewayServlet
{
    private static final Pattern PATH = Pattern.compile("/(\\d{1,18})(/events)?");
    private static final Pattern CURSOR = Pattern.compile("\\d{1,18}");

    JobsServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        Matcher path = PATH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.matches()) {
            web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such page.");
            return;
        }
        long jobId = Long.parseLong(path.group(1));
        if (path.group(2) != null) {
            events(request, response, jobId);
            return;
        }
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        Optional<JobSummary> job = Sessions.job(request, jobId);
        Map<String, Object> model = new HashMap<>();
        model.put("jobId", String.valueOf(jobId));
        model.put("moduleName", job.map(JobSummary::moduleName).orElse(""));
        model.put("hosts", job.map(JobSummary::hosts).orElse(List.of()));
        model.put("hostCount", job.map(summary -> String.valueOf(summary.hosts().size())).orElse("?"));
        web.pages().render(request, response, HttpServletResponse.SC_OK, "job", model);
    }

    private void events(HttpServletRequest request, HttpServletResponse response, long jobId)
            throws IOException
    {
        Optional<UserSession> user = Sessions.user(request);
        if (user.isEmpty()) {
            // EventSource cannot follow a login redirect; a plain 401 makes it stop
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "log in first");
            return;
        }
        // the browser's reconnect sends Last-Event-ID; ?cursor= lets a fresh page resume too
        String resume = request.getHeader("Last-Event-ID");
        if (resume == null || resume.isBlank()) {
            resume = request.getParameter("cursor");
        }
        long cursor = 0;
        if (resume != null && !resume.isBlank()) {
            if (!CURSOR.matcher(resume.strip()).matches()) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "bad event id");
                return;
            }
            cursor = Long.parseLong(resume.strip());
        }
        web.streams().start(request, response, user.get(), jobId, cursor);
    }
}
