package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.AuditQueryReply;
import org.omserver.protocol.thrift.AuditQueryRequest;
import org.omserver.protocol.thrift.AuditRecord;

import java.io.IOException;
import java.net.URLEncoder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code /audit} (the exact path): the master's audit log for admins, newest first, {@value #PAGE_SIZE} a page. A GET
 * form filters by user (exact), action (exact RPC name), outcome (accepted, refused or an error code) and a time
 * range in UTC ({@code since} inclusive, {@code until} exclusive, as {@code yyyy-MM-ddTHH:mm[:ss]}). Paging is by
 * id, never by offset, so a page costs the same at any depth: {@code before=<id>} is the "older" link,
 * {@code after=<id>} the "newer" one; both keep the filters. The master checks the role and the filters again.
 */
final class AuditServlet
        extends GatewayServlet
{
    static final int PAGE_SIZE = 100;
    private static final int MAX_FIELD = 64;

    AuditServlet(WebContext web)
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
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : List.of("actor", "action", "outcome", "since", "until")) {
            filters.put(name, field(request, name));
        }
        List<String> problems = new ArrayList<>();
        AuditQueryRequest query = new AuditQueryRequest(user.get().masterToken()).setLimit(PAGE_SIZE);
        filters.forEach((name, value) -> {
            if (value.length() > MAX_FIELD) {
                problems.add("The " + name + " filter must be at most " + MAX_FIELD + " characters.");
            }
        });
        if (problems.isEmpty()) {
            if (!filters.get("actor").isEmpty()) {
                query.setActor(filters.get("actor"));
            }
            if (!filters.get("action").isEmpty()) {
                query.setAction(filters.get("action"));
            }
            if (!filters.get("outcome").isEmpty()) {
                query.setOutcome(filters.get("outcome"));
            }
            time(filters.get("since"), "since", problems).ifPresent(at -> query.setSinceMillis(at.toEpochMilli()));
            time(filters.get("until"), "until", problems).ifPresent(at -> query.setUntilMillis(at.toEpochMilli()));
            id(request, "before", problems).ifPresent(query::setBeforeId);
            id(request, "after", problems).ifPresent(query::setAfterId);
            if (query.isSetBeforeId() && query.isSetAfterId()) {
                problems.add("Use the Older or the Newer link, not both 'before' and 'after'.");
            }
        }
        Map<String, Object> model = new LinkedHashMap<>(filters);
        model.put("problems", problems);
        model.put("older", "");
        model.put("newer", "");
        if (!problems.isEmpty()) {
            model.put("records", List.of());
            web.pages().render(request, response, HttpServletResponse.SC_BAD_REQUEST, "audit", model);
            return;
        }
        AuditQueryReply reply;
        try {
            reply = web.master().auditLog(query);
        }
        catch (MasterException e) {
            if (e.code() != org.omserver.protocol.thrift.ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            model.put("records", List.of());
            model.put("problems", List.of(e.getMessage()));
            web.pages().render(request, response, HttpServletResponse.SC_BAD_REQUEST, "audit", model);
            return;
        }
        List<AuditRecord> records = reply.getRecords();
        model.put("records", records.stream().map(AuditServlet::row).toList());
        if (reply.isSetNextBeforeId()) {
            model.put("older", link(filters, "before", reply.getNextBeforeId()));
        }
        // there is something newer when this page was reached by "older", or by a full "newer" page
        boolean newer = query.isSetBeforeId() || query.isSetAfterId() && records.size() == PAGE_SIZE;
        if (newer && !records.isEmpty()) {
            model.put("newer", link(filters, "after", records.getFirst().getId()));
        }
        web.pages().render(request, response, HttpServletResponse.SC_OK, "audit", model);
    }

    private static Map<String, Object> row(AuditRecord record)
    {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", String.valueOf(record.getId()));
        row.put("at", Instant.ofEpochMilli(record.getAtMillis()).toString());
        row.put("actor", record.getActor());
        row.put("address", record.getClientAddress());
        row.put("action", record.getAction());
        row.put("module", record.isSetModuleId() ? String.valueOf(record.getModuleId()) : "");
        row.put("params", cut(record.getParams(), 300));
        row.put("targets", cut(record.getTargets(), 300));
        row.put("outcome", record.getOutcome());
        row.put("accepted", record.getOutcome().equals("accepted"));
        row.put("detail", record.isSetDetail() ? cut(record.getDetail(), 500) : "");
        return row;
    }

    private static String link(Map<String, String> filters, String key, long id)
    {
        StringBuilder link = new StringBuilder("/audit?");
        filters.forEach((name, value) -> link.append(name).append('=').append(URLEncoder.encode(value, UTF_8)).append('&'));
        return link.append(key).append('=').append(id).toString();
    }

    /** A UTC time as the datetime-local input sends it ({@code 2026-12-07T09:30}, seconds optional), or a whole day ({@code 2026-12-07}). */
    private static Optional<Instant> time(String value, String name, List<String> problems)
    {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return Optional.of(java.time.LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            return Optional.of(LocalDateTime.parse(value).toInstant(ZoneOffset.UTC));
        }
        catch (DateTimeParseException e) {
            problems.add("The '" + name + "' time must be a UTC date and time such as 2026-12-07T09:30 (or a date), was '" + value + "'.");
            return Optional.empty();
        }
    }

    private static Optional<Long> id(HttpServletRequest request, String name, List<String> problems)
    {
        String value = field(request, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.matches("[0-9]{1,18}")) {
            problems.add("The '" + name + "' audit id must be a whole number; use the Older and Newer links, was '" + cut(value, MAX_FIELD) + "'.");
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(value));
    }

    private static String cut(String text, int max)
    {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static String field(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        return value == null ? "" : value.strip();
    }
}
