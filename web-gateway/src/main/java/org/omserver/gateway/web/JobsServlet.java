package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobStatus;
import org.omserver.protocol.thrift.RetryReply;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.RetryScope;

import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /jobs/{id}}: the results page; {@code GET /jobs/{id}/events}: its live Server-Sent Events stream
 * (see {@link EventStreams}); {@code GET /jobs/{id}/results.txt}: every result as a text download
 * (see {@link ResultsText}); {@code POST /jobs/{id}/cancel} and {@code POST /jobs/{id}/retry}: the job page's
 * buttons. The master decides whether this user may see, cancel or retry the job; its refusal is shown as a page.
 */
final class JobsServlet
        extends GatewayServlet
{
    private static final Pattern PATH = Pattern.compile("/(\\d{1,18})(?:/(events|results\\.txt|cancel|retry))?");
    private static final Pattern CURSOR = Pattern.compile("\\d{1,18}");

    JobsServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Matcher path = PATH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.matches() || "cancel".equals(path.group(2)) || "retry".equals(path.group(2))) {
            notFound(request, response);
            return;
        }
        long jobId = Long.parseLong(path.group(1));
        if ("events".equals(path.group(2))) {
            events(request, response, jobId);
            return;
        }
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        if ("results.txt".equals(path.group(2))) {
            results(response, user.get(), jobId);
            return;
        }
        JobDetailRequest detailRequest = new JobDetailRequest(user.get().masterToken(), jobId);
        detailRequest.setHostLimit(1);
        JobDetailReply detail = web.master().jobDetail(detailRequest);
        Map<String, Object> model = new HashMap<>();
        model.put("jobId", String.valueOf(jobId));
        model.put("moduleName", detail.getSummary().getModuleName());
        model.put("hostCount", String.valueOf(detail.getSummary().getProgress().getTotal()));
        model.put("status", detail.getSummary().getStatus().name());
        model.put("running", detail.getSummary().getStatus() == JobStatus.RUNNING);
        web.pages().render(request, response, HttpServletResponse.SC_OK, "job", model);
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Matcher path = PATH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.matches() || !("cancel".equals(path.group(2)) || "retry".equals(path.group(2)))) {
            notFound(request, response);
            return;
        }
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        long jobId = Long.parseLong(path.group(1));
        if (path.group(2).equals("cancel")) {
            CancelRequest cancel = new CancelRequest(user.get().masterToken(), jobId);
            cancel.setClientAddress(request.getRemoteAddr());
            web.master().cancel(cancel);
            seeOther(response, "/jobs/" + jobId);
            return;
        }
        RetryRequest retry = new RetryRequest(user.get().masterToken(), jobId);
        retry.setScope(RetryScope.FAILED_AND_UNREACHABLE);
        retry.setClientAddress(request.getRemoteAddr());
        RetryReply reply = web.master().retryJob(retry);
        seeOther(response, "/jobs/" + reply.getSubmitted().getJobId());
    }

    /** Streams the text download; the first page of hosts is read before the response starts, so errors are still pages. */
    private void results(HttpServletResponse response, UserSession user, long jobId)
            throws IOException, MasterException, MasterUnavailableException
    {
        ResultsText text = new ResultsText(web.master(), user.masterToken(), jobId);
        JobDetailReply first = text.firstPage();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"job-" + jobId + "-results.txt\"");
        Writer out = response.getWriter();
        text.write(first, out);
    }

    private void notFound(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such page. The job history is at /jobs.");
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
