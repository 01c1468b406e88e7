package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.CommandAllowChangeRequest;
import org.omserver.protocol.thrift.CommandAllowEntry;
import org.omserver.protocol.thrift.Role;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /commands}: the master's command allow-list (what module 2003 "command" may run: a program and one
 * pattern per argument), for every role; admins also get {@code POST /commands/add} and {@code POST /commands/{id}/remove}.
 * The master checks the role and the entry again and audits every change.
 */
final class CommandsServlet
        extends GatewayServlet
{
    private static final Pattern REMOVE = Pattern.compile("/([1-9][0-9]{0,8})/remove");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    CommandsServlet(WebContext web)
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
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        if (!path.isEmpty() && !path.equals("/")) {
            web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such page. The allow-list is at /commands.");
            return;
        }
        List<Map<String, Object>> rows = web.master().commandAllowList(user.get().masterToken()).getEntries().stream().map(CommandsServlet::row).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("entries", rows);
        model.put("admin", user.get().role() == Role.ADMIN);
        web.pages().render(request, response, HttpServletResponse.SC_OK, "commands", model);
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        CommandAllowChangeRequest change;
        Matcher remove = REMOVE.matcher(path);
        if (path.equals("/add")) {
            change = new CommandAllowChangeRequest(user.get().masterToken(), "add")
                    .setProgram(Optional.ofNullable(request.getParameter("program")).orElse(""))
                    .setPatterns(Optional.ofNullable(request.getParameter("patterns")).orElse(""))
                    .setNote(Optional.ofNullable(request.getParameter("note")).orElse(""));
        }
        else if (remove.matches()) {
            change = new CommandAllowChangeRequest(user.get().masterToken(), "remove").setId(Integer.parseInt(remove.group(1)));
        }
        else {
            web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such page. The allow-list is at /commands.");
            return;
        }
        change.setClientAddress(request.getRemoteAddr());
        web.master().commandAllowChange(change);
        seeOther(response, "/commands");
    }

    private static Map<String, Object> row(CommandAllowEntry entry)
    {
        Map<String, Object> row = new HashMap<>();
        row.put("id", entry.getId());
        row.put("program", entry.getProgram());
        row.put("patterns", entry.getPatterns());
        row.put("note", entry.getNote());
        row.put("by", entry.getCreatedBy());
        row.put("at", TIME.format(Instant.ofEpochMilli(entry.getCreatedAtMillis())));
        return row;
    }
}
