package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.AgentInfo;
import org.omserver.protocol.thrift.AgentMetricsReply;
import org.omserver.protocol.thrift.AgentRequestDecideRequest;
import org.omserver.protocol.thrift.AgentRequestInfo;
import org.omserver.protocol.thrift.AgentMetricsRequest;
import org.omserver.protocol.thrift.AgentsReply;
import org.omserver.protocol.thrift.CreateAgentTokenReply;
import org.omserver.protocol.thrift.CreateAgentTokenRequest;
import org.omserver.protocol.thrift.RevokeAgentRequest;
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
 * {@code GET /agents}: every agent with its liveness and newest CPU/memory reading, and (admins) a form for a one-time
 * enrollment token; {@code GET /agents/{id}}: one host with its 24 h CPU/memory chart (SVG rendered here, see
 * {@link SvgChart}) and (admins) revoke with confirmation; {@code POST /agents/token}, {@code POST /agents/{id}/revoke};
 * (admins) the enrollment requests of agents that asked without a token, {@code POST /agents/requests/{id}/approve|reject}.
 * The master checks every role again; the forms shown to non-admins are only a courtesy.
 */
final class AgentsServlet
        extends GatewayServlet
{
    private static final Pattern PATH = Pattern.compile("/([A-Za-z0-9_-]{1,64})(?:/(revoke))?");
    private static final Pattern DECISION = Pattern.compile("/requests/(req-[0-9a-f]{16})/(approve|reject)");
    private static final Pattern HOURS = Pattern.compile("\\d{1,3}");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    AgentsServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        if (path.isEmpty() || path.equals("/")) {
            list(request, response, user.get());
            return;
        }
        Matcher match = PATH.matcher(path);
        if (!match.matches() || match.group(2) != null) {
            notFound(request, response);
            return;
        }
        host(request, response, user.get(), match.group(1));
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        if (path.equals("/token")) {
            token(request, response, user.get());
            return;
        }
        Matcher decision = DECISION.matcher(path);
        if (decision.matches()) {
            AgentRequestDecideRequest decide = new AgentRequestDecideRequest(user.get().masterToken(), decision.group(1), decision.group(2).equals("approve"));
            decide.setClientAddress(request.getRemoteAddr());
            web.master().agentRequestDecide(decide);
            seeOther(response, "/agents");
            return;
        }
        Matcher match = PATH.matcher(path);
        if (!match.matches() || match.group(2) == null) {
            notFound(request, response);
            return;
        }
        String agentId = match.group(1);
        RevokeAgentRequest revoke = new RevokeAgentRequest(user.get().masterToken(), agentId, Optional.ofNullable(request.getParameter("confirm")).orElse("").strip());
        revoke.setClientAddress(request.getRemoteAddr());
        web.master().agentRevoke(revoke);
        seeOther(response, "/agents/" + agentId);
    }

    private void list(HttpServletRequest request, HttpServletResponse response, UserSession user)
            throws IOException, MasterException, MasterUnavailableException
    {
        AgentsReply reply = web.master().agents(user.masterToken());
        List<Map<String, Object>> rows = reply.getAgents().stream().map(agent -> row(agent, reply.getNowMillis())).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("agents", rows);
        model.put("online", rows.stream().filter(row -> row.get("state").equals("online")).count());
        model.put("admin", user.role() == Role.ADMIN);
        // enrollment requests are the admins' (the master refuses everyone else)
        model.put("requests", user.role() != Role.ADMIN ? List.of() : web.master().agentRequests(user.masterToken()).getRequests().stream()
                .map(AgentsServlet::requestRow).toList());
        web.pages().render(request, response, HttpServletResponse.SC_OK, "agents", model);
    }

    private void host(HttpServletRequest request, HttpServletResponse response, UserSession user, String agentId)
            throws IOException, MasterException, MasterUnavailableException
    {
        // ?window=1h: the last hour in 15 s buckets (a fresh agent, the demo); otherwise 24 h in 5 min buckets
        boolean lastHour = "1h".equals(request.getParameter("window"));
        AgentMetricsRequest metrics = new AgentMetricsRequest(user.masterToken(), agentId);
        metrics.setWindowMinutes(lastHour ? 60 : 24 * 60);
        metrics.setMaxPoints(lastHour ? 240 : 288);
        AgentMetricsReply reply = web.master().agentMetrics(metrics);
        List<SvgChart.Point> points = reply.getPoints().stream()
                .map(p -> new SvgChart.Point(p.getAtMillis(), p.getCpuPercent(), p.getMemoryUsed(), p.getMemoryTotal()))
                .toList();
        AgentInfo agent = reply.getAgent();
        // a gap is anything longer than two buckets or 3 min (the default agents.online-window), whichever is longer
        long gap = Math.max(2 * reply.getBucketMillis(), 3 * 60_000L);
        String chart = SvgChart.render("CPU and memory, last " + (lastHour ? "hour" : "24 h") + " (UTC): " + agent.getHostname(), reply.getFromMillis(), reply.getToMillis(), points, gap);
        Map<String, Object> model = new HashMap<>();
        model.put("agent", row(agent, reply.getToMillis()));
        model.put("chart", chart);
        model.put("points", points.size());
        model.put("lastHour", lastHour);
        model.put("admin", user.role() == Role.ADMIN);
        web.pages().render(request, response, HttpServletResponse.SC_OK, "agent", model);
    }

    private void token(HttpServletRequest request, HttpServletResponse response, UserSession user)
            throws IOException, MasterException, MasterUnavailableException
    {
        String hours = Optional.ofNullable(request.getParameter("hours")).orElse("").strip();
        if (!HOURS.matcher(hours).matches() || Integer.parseInt(hours) < 1 || Integer.parseInt(hours) > 720) {
            web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Invalid lifetime",
                    "A token's lifetime is 1 to 720 hours (30 days); go back and enter a whole number of hours.");
            return;
        }
        CreateAgentTokenRequest create = new CreateAgentTokenRequest(user.masterToken(), Integer.parseInt(hours) * 3600L);
        create.setClientAddress(request.getRemoteAddr());
        CreateAgentTokenReply reply = web.master().agentTokenCreate(create);
        // the token is on this one response only: never cached, never in a URL
        response.setHeader("Cache-Control", "no-store");
        web.pages().render(request, response, HttpServletResponse.SC_OK, "agent-token", Map.of("token", reply.getToken(), "tokenId", reply.getTokenId(),
                "expires", TIME.format(Instant.ofEpochMilli(reply.getExpiresMillis()))));
    }

    private static Map<String, Object> row(AgentInfo agent, long nowMillis)
    {
        Map<String, Object> row = new HashMap<>();
        row.put("id", agent.getAgentId());
        row.put("host", agent.getHostname());
        row.put("address", agent.getAddress() + ":" + agent.getPort());
        row.put("ips", String.join(", ", agent.getLanIps()) + (agent.getWanIps().isEmpty() ? "" : " / " + String.join(", ", agent.getWanIps())));
        row.put("os", agent.getOs());
        row.put("version", agent.getVersion());
        row.put("cores", agent.getCores());
        row.put("state", agent.isRevoked() ? "revoked" : agent.isOnline() ? "online" : "offline");
        row.put("revoked", agent.isRevoked());
        row.put("lastUpdate", agent.isSetLastUpdate() ? agent.getLastUpdate() : "none");
        row.put("heartbeat", agent.isSetLastHeartbeatMillis() ? Liveness.age(nowMillis, agent.getLastHeartbeatMillis()) + " ago" : "never");
        row.put("enrolled", TIME.format(Instant.ofEpochMilli(agent.getEnrolledMillis())));
        row.put("cpu", agent.isSetCpuPercent() ? String.format(Locale.ROOT, "%.1f %%", agent.getCpuPercent()) : "–");
        row.put("memory", agent.isSetMemoryUsed() && agent.getMemoryTotal() > 0
                ? String.format(Locale.ROOT, "%.1f / %.1f GiB (%.0f %%)", agent.getMemoryUsed() / GIB, agent.getMemoryTotal() / GIB,
                        100.0 * agent.getMemoryUsed() / agent.getMemoryTotal())
                : "–");
        return row;
    }

    private static Map<String, Object> requestRow(AgentRequestInfo info)
    {
        Map<String, Object> row = new HashMap<>();
        row.put("id", info.getRequestId());
        row.put("address", info.getAddress() + ":" + info.getAgentPort());
        row.put("host", info.getHostname());
        row.put("os", info.getOs());
        row.put("key", info.getKeyFingerprint());
        row.put("state", info.getState().toLowerCase(Locale.ROOT));
        row.put("pending", info.getState().equals("PENDING"));
        row.put("requested", TIME.format(Instant.ofEpochMilli(info.getRequestedAtMillis())));
        row.put("decision", info.isSetDecidedBy() ? info.getDecidedBy() + " at " + TIME.format(Instant.ofEpochMilli(info.getDecidedAtMillis()))
                + (info.isSetAgentId() ? " → " + info.getAgentId() : "") : "");
        return row;
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    private void notFound(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such page. The agents are listed at /agents.");
    }
}
