package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.JobStatus;
import org.omserver.protocol.thrift.JobSummary;
import org.omserver.protocol.thrift.JobsReply;
import org.omserver.protocol.thrift.JobsRequest;

import java.io.IOException;
import java.net.URLEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code GET /jobs}: the job history, newest first, {@link #PAGE_SIZE} a page (or {@code ?limit=} 1 to
 * {@link #MAX_PAGE_SIZE}), keyset-paged by {@code ?before=<jobId>} (the "older" link), filtered by {@code user}, {@code module} (id) and {@code status} from a GET form. Empty fields
 * filter nothing; malformed ones are a 400 page saying what to enter. The master decides which jobs this user sees.
 */
final class HistoryServlet
        extends GatewayServlet
{
    static final int PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 200;
    private static final int MAX_USERNAME = 64;

    HistoryServlet(WebContext web)
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
        String username = field(request, "user");
        String module = field(request, "module");
        String status = field(request, "status");
        String before = field(request, "before");
        String limit = field(request, "limit");
        List<String> problems = new ArrayList<>();
        JobsRequest jobs = new JobsRequest(user.get().masterToken());
        jobs.setLimit(PAGE_SIZE);
        if (!limit.isEmpty()) {
            if (limit.matches("[0-9]{1,3}") && Integer.parseInt(limit) >= 1 && Integer.parseInt(limit) <= MAX_PAGE_SIZE) {
                jobs.setLimit(Integer.parseInt(limit));
            }
            else {
                problems.add("The page size (limit) must be a whole number from 1 to " + MAX_PAGE_SIZE + ", was '" + cut(limit) + "'.");
            }
        }
        if (!username.isEmpty()) {
            if (username.length() > MAX_USERNAME) {
                problems.add("User must be at most " + MAX_USERNAME + " characters.");
            }
            jobs.setUsername(username);
        }
        if (!module.isEmpty()) {
            if (module.matches("[0-9]{1,9}")) {
                jobs.setModuleId(Integer.parseInt(module));
            }
            else {
                problems.add("Module must be a module id (a whole number, see /modules), was '" + cut(module) + "'.");
            }
        }
        if (!status.isEmpty()) {
            Optional<JobStatus> chosen = Arrays.stream(JobStatus.values()).filter(value -> value.name().equals(status)).findFirst();
            if (chosen.isPresent()) {
                jobs.setStatus(chosen.get());
            }
            else {
                problems.add("Status must be one of " + Arrays.toString(JobStatus.values()) + ", was '" + cut(status) + "'.");
            }
        }
        if (!before.isEmpty()) {
            if (before.matches("[0-9]{1,18}")) {
                jobs.setBeforeJobId(Long.parseLong(before));
            }
            else {
                problems.add("The 'before' job id must be a whole number; use the Older link, was '" + cut(before) + "'.");
            }
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("filterUser", username);
        model.put("module", module);
        model.put("status", status);
        model.put("statuses", Arrays.stream(JobStatus.values()).map(JobStatus::name).toList());
        model.put("problems", problems);
        if (!problems.isEmpty()) {
            model.put("jobs", List.of());
            model.put("older", "");
            web.pages().render(request, response, HttpServletResponse.SC_BAD_REQUEST, "jobs", model);
            return;
        }
        JobsReply reply = web.master().jobs(jobs);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JobSummary job : reply.getJobs()) {
            rows.add(row(job));
        }
        model.put("jobs", rows);
        model.put("older", reply.isSetNextBeforeJobId() ? olderLink(username, module, status, limit, reply.getNextBeforeJobId()) : "");
        web.pages().render(request, response, HttpServletResponse.SC_OK, "jobs", model);
    }

    private static Map<String, Object> row(JobSummary job)
    {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", String.valueOf(job.getJobId()));
        row.put("created", Instant.ofEpochMilli(job.getCreatedAtMillis()).toString());
        row.put("user", job.getUsername());
        row.put("moduleId", String.valueOf(job.getModuleId()));
        row.put("moduleName", job.getModuleName());
        row.put("status", job.getStatus().name());
        row.put("progress", (job.getProgress().getTotal() - job.getProgress().getRunning() - job.getProgress().getQueued()) + "/" + job.getProgress().getTotal());
        row.put("failed", String.valueOf(job.getProgress().getFailed()));
        row.put("parent", job.isSetParentJobId() ? String.valueOf(job.getParentJobId()) : "");
        return row;
    }

    /** The next page keeps the filters; the template escapes it for the attribute. */
    private static String olderLink(String username, String module, String status, String limit, long before)
    {
        return "/jobs?user=" + URLEncoder.encode(username, UTF_8) + "&module=" + URLEncoder.encode(module, UTF_8)
                + "&status=" + URLEncoder.encode(status, UTF_8) + (limit.isEmpty() ? "" : "&limit=" + limit) + "&before=" + before;
    }

    private static String field(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        return value == null ? "" : value.strip();
    }

    private static String cut(String text)
    {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
