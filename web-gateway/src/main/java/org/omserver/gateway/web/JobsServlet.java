package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;
import org.omserver.gateway.api.ApiJson;
import org.omserver.gateway.api.ApiServlet;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.JobSummary;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobStatus;
import org.omserver.protocol.thrift.RetryReply;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.RetryScope;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
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
    private static final Pattern PATH = Pattern.compile("/(\\d{1,18})(?:/(events|results\\.txt|cancel|retry|summary\\.json|output\\.json|matches\\.json))?");
    private static final Pattern CURSOR = Pattern.compile("\\d{1,18}");
    private static final Pattern OFFSET = Pattern.compile("\\d{1,9}");
    private static final Pattern LAN_IP = Pattern.compile("[0-9A-Fa-f.:]{2,45}");
    /** Characters of each stream per "load more" on the job page. */
    private static final int OUTPUT_PAGE_CHARS = 64 * 1024;
    /** The master's largest host page; matches.json reads the matching hosts this many at a time. */
    private static final int HOST_PAGE = 1000;

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
        if (path.group(2) != null && path.group(2).endsWith(".json")) {
            json(request, response, user.get(), jobId, path.group(2));
            return;
        }
        JobDetailRequest detailRequest = new JobDetailRequest(user.get().masterToken(), jobId);
        detailRequest.setHostLimit(1);
        JobDetailReply detail = web.master().jobDetail(detailRequest);
        JobSummary summary = detail.getSummary();
        Map<String, Object> model = new HashMap<>();
        model.put("jobId", String.valueOf(jobId));
        model.put("moduleName", summary.getModuleName());
        model.put("hostCount", String.valueOf(summary.getProgress().getTotal()));
        model.put("status", summary.getStatus().name());
        model.put("stopReason", detail.isSetStopReason() ? detail.getStopReason() : "");
        model.put("running", summary.getStatus() == JobStatus.RUNNING);
        model.put("parentJobId", summary.isSetParentJobId() ? String.valueOf(summary.getParentJobId()) : "");
        model.put("scheduleId", summary.isSetScheduleId() ? String.valueOf(summary.getScheduleId()) : "");
        model.put("rolling", detail.isSetRolling() ? RollingForm.describe(detail.getRolling()) : "");
        model.put("childJobIds", detail.getChildJobIds().stream().map(String::valueOf).toList());
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

    /**
     * The job page's own JSON reads, on the page's session (the JSON API under /api takes bearer tokens only):
     * {@code summary.json[?groups=true]} the header, counts, stop reason and output groups; {@code output.json?ip=&stdoutOffset=&stderrOffset=}
     * one page of one host's output; {@code matches.json?contains=} the addresses of every host whose output contains the text.
     * Refusals are {@code {"code","message"}} with the status the API uses, so the page can show the message.
     */
    private void json(HttpServletRequest request, HttpServletResponse response, UserSession user, long jobId, String what)
            throws IOException, MasterUnavailableException
    {
        try {
            Object body = switch (what) {
                case "summary.json" -> summaryJson(request, user, jobId);
                case "output.json" -> outputJson(request, user, jobId);
                default -> matchesJson(request, user, jobId);
            };
            writeJson(response, HttpServletResponse.SC_OK, body);
        }
        catch (MasterException e) {
            writeJson(response, ApiServlet.status(e.code()), Map.of("code", e.code().name(), "message", e.getMessage()));
        }
        catch (IllegalArgumentException e) {
            writeJson(response, HttpServletResponse.SC_BAD_REQUEST, Map.of("code", "INVALID_REQUEST", "message", e.getMessage()));
        }
    }

    private Object summaryJson(HttpServletRequest request, UserSession user, long jobId)
            throws MasterException, MasterUnavailableException
    {
        JobDetailRequest detail = new JobDetailRequest(user.masterToken(), jobId);
        detail.setHostLimit(1);
        detail.setWithGroups("true".equals(request.getParameter("groups")));
        Map<String, Object> json = ApiJson.jobDetail(web.master().jobDetail(detail));
        // the page has the targets and hosts from the stream; 10,000 of them need not travel twice
        json.remove("targets");
        json.remove("hosts");
        return json;
    }

    private Object outputJson(HttpServletRequest request, UserSession user, long jobId)
            throws MasterException, MasterUnavailableException
    {
        String ip = request.getParameter("ip");
        if (ip == null || !LAN_IP.matcher(ip).matches()) {
            throw new IllegalArgumentException("ip must be a host address of the job, e.g. ?ip=10.0.0.5");
        }
        HostOutputRequest output = new HostOutputRequest(user.masterToken(), jobId, ip);
        output.setStdoutOffset(offset(request, "stdoutOffset"));
        output.setStderrOffset(offset(request, "stderrOffset"));
        output.setLimit(OUTPUT_PAGE_CHARS);
        return ApiJson.hostOutput(web.master().hostOutput(output));
    }

    private Object matchesJson(HttpServletRequest request, UserSession user, long jobId)
            throws MasterException, MasterUnavailableException
    {
        String contains = request.getParameter("contains");
        if (contains == null || contains.isEmpty()) {
            throw new IllegalArgumentException("contains must be the text to search for, e.g. ?contains=error");
        }
        List<String> lanIps = new ArrayList<>();
        int offset = 0;
        int matching;
        do {
            JobDetailRequest detail = new JobDetailRequest(user.masterToken(), jobId);
            detail.setOutputContains(contains);
            detail.setHostOffset(offset);
            detail.setHostLimit(HOST_PAGE);
            JobDetailReply reply = web.master().jobDetail(detail);
            reply.getHosts().forEach(host -> lanIps.add(host.getLanIp()));
            matching = reply.getMatchingHosts();
            offset += HOST_PAGE;
            if (reply.getHosts().isEmpty()) {
                break;
            }
        }
        while (offset < matching);
        return Map.of("contains", contains, "lanIps", lanIps);
    }

    private static int offset(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (!OFFSET.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be a whole number of characters, 0 or more, was '" + (value.length() > 20 ? value.substring(0, 20) + "…" : value) + "'");
        }
        return Integer.parseInt(value);
    }

    private static void writeJson(HttpServletResponse response, int status, Object body)
            throws IOException
    {
        response.setStatus(status);
        response.setContentType("application/json; charset=utf-8");
        response.getWriter().write(SafeJson.write(body));
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
