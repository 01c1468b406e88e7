package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.ChangeScheduleRequest;
import org.omserver.protocol.thrift.CreateScheduleRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.ParamType;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.ScheduleAction;
import org.omserver.protocol.thrift.ScheduleInfo;
import org.omserver.protocol.thrift.ScheduleReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The schedules pages: {@code GET /schedules} lists every schedule (cron, module, targets, parameters with secrets
 * masked, rolling options, overlap policy, next run, last run linked to its job); {@code POST /schedules/create}
 * creates one from the confirm page (the run form plus name, cron and overlap); {@code POST /schedules/{id}/pause}
 * and {@code /resume}; {@code GET /schedules/{id}/delete} asks, {@code POST /schedules/{id}/delete} (with
 * {@code confirm=<id>}) deletes. The master checks the cron expression and everything else again, and decides who
 * may change schedules; the buttons are only hidden from the other roles.
 */
final class SchedulesServlet
        extends GatewayServlet
{
    private static final Logger log = LoggerFactory.getLogger(SchedulesServlet.class);
    private static final Pattern PATH = Pattern.compile("/(\\d{1,18})/(pause|resume|delete)");
    private static final int TARGETS_SHOWN = 5;

    SchedulesServlet(WebContext web)
    {
        super(web);
    }

    /** The roles the master lets create, pause, resume and delete schedules. */
    static boolean maySchedule(UserSession user)
    {
        return user.role() == Role.ADMIN || user.role() == Role.OPERATOR;
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
        if (path.isEmpty() || path.equals("/")) {
            list(request, response, user.get());
            return;
        }
        Matcher matcher = PATH.matcher(path);
        if (!matcher.matches() || !matcher.group(2).equals("delete")) {
            notFound(request, response);
            return;
        }
        ScheduleInfo schedule = find(user.get(), Long.parseLong(matcher.group(1)));
        if (schedule == null) {
            web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found",
                    "Schedule " + matcher.group(1) + " does not exist; see /schedules for the schedules there are.");
            return;
        }
        web.pages().render(request, response, HttpServletResponse.SC_OK, "schedule-delete", Map.of("schedule", row(schedule, Map.of())));
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
        if (path.equals("/create")) {
            create(request, response, user.get());
            return;
        }
        Matcher matcher = PATH.matcher(path);
        if (!matcher.matches()) {
            notFound(request, response);
            return;
        }
        long id = Long.parseLong(matcher.group(1));
        ScheduleAction action = ScheduleAction.valueOf(matcher.group(2).toUpperCase(java.util.Locale.ROOT));
        if (action == ScheduleAction.DELETE && !String.valueOf(id).equals(request.getParameter("confirm"))) {
            web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Not deleted",
                    "Schedule " + id + " was not deleted: confirm on its delete page (/schedules/" + id + "/delete).");
            return;
        }
        ChangeScheduleRequest change = new ChangeScheduleRequest(user.get().masterToken(), id, action);
        change.setClientAddress(request.getRemoteAddr());
        ScheduleReply reply = web.master().changeSchedule(change);
        log.info("schedule {}: {} by {}", id, action, user.get().username());
        seeOther(response, "/schedules?changed=" + reply.getSchedule().getScheduleId());
    }

    private void create(HttpServletRequest request, HttpServletResponse response, UserSession user)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<RunChoice> choice = RunChoice.from(request);
        if (choice.isEmpty()) {
            RunPage.render(web, request, response, user, HttpServletResponse.SC_BAD_REQUEST,
                    List.of("Choose a module and at least one server."), RunPage.Selection.NONE);
            return;
        }
        RollingForm rolling = RollingForm.from(request);
        ScheduleForm schedule = ScheduleForm.from(request);
        List<String> problems = new ArrayList<>(RunServlet.rollingProblems(web, user, choice.get(), rolling));
        if (schedule.name().isEmpty()) {
            problems.add("Give the schedule a name.");
        }
        if (!problems.isEmpty()) {
            log.info("{} schedule of module {} refused by the gateway: {}", user.username(), choice.get().moduleId(), problems);
            ConfirmServlet.again(web, request, response, user, problems, choice.get(), rolling, schedule);
            return;
        }
        CreateScheduleRequest create = new CreateScheduleRequest(user.masterToken(), schedule.name(), schedule.cron(), choice.get().moduleId(),
                new ArrayList<>(choice.get().targets()), new LinkedHashMap<>(choice.get().params()));
        create.setOverlap(schedule.overlapPolicy());
        create.setClientAddress(request.getRemoteAddr());
        rolling.options().ifPresent(create::setRolling);
        ScheduleReply reply;
        try {
            reply = web.master().createSchedule(create);
        }
        catch (MasterException e) {
            if (e.code() != ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            // a bad cron expression, rolling option or parameter: the confirm page keeps everything to correct it
            log.info("{} schedule of module {} refused by the master: {}", user.username(), choice.get().moduleId(), e.getMessage());
            ConfirmServlet.again(web, request, response, user, List.of("The master refused the schedule: " + e.getMessage()), choice.get(),
                    rolling, schedule);
            return;
        }
        log.info("schedule {}: {} scheduled module {} on {} hosts at '{}'", reply.getSchedule().getScheduleId(), user.username(),
                choice.get().moduleId(), choice.get().targets().size(), reply.getSchedule().getCron());
        seeOther(response, "/schedules?created=" + reply.getSchedule().getScheduleId());
    }

    private void list(HttpServletRequest request, HttpServletResponse response, UserSession user)
            throws IOException, MasterException, MasterUnavailableException
    {
        List<ScheduleInfo> schedules = web.master().schedules(user.masterToken()).getSchedules();
        Map<Integer, Set<String>> secrets = secretParams(user);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ScheduleInfo schedule : schedules) {
            rows.add(row(schedule, secrets));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("schedules", rows);
        model.put("canChange", maySchedule(user));
        model.put("created", id(request.getParameter("created")));
        model.put("changed", id(request.getParameter("changed")));
        model.put("now", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        web.pages().render(request, response, HttpServletResponse.SC_OK, "schedules", model);
    }

    private ScheduleInfo find(UserSession user, long id)
            throws MasterException, MasterUnavailableException
    {
        return web.master().schedules(user.masterToken()).getSchedules().stream().filter(s -> s.getScheduleId() == id).findFirst().orElse(null);
    }

    /** Each module's SECRET parameter names, from the catalog as it is now (the master never stores a secret in a schedule). */
    private Map<Integer, Set<String>> secretParams(UserSession user)
            throws MasterException, MasterUnavailableException
    {
        Map<Integer, Set<String>> secrets = new LinkedHashMap<>();
        for (ModuleInfo module : web.master().catalog(user.masterToken()).getModules()) {
            secrets.put(module.getId(), module.getParams().stream().filter(spec -> spec.getType() == ParamType.SECRET).map(ParamSpec::getName)
                    .collect(Collectors.toUnmodifiableSet()));
        }
        return secrets;
    }

    private static Map<String, Object> row(ScheduleInfo schedule, Map<Integer, Set<String>> secrets)
    {
        Set<String> masked = secrets.getOrDefault(schedule.getModuleId(), Set.of());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", String.valueOf(schedule.getScheduleId()));
        row.put("name", schedule.getName());
        row.put("owner", schedule.getOwner());
        row.put("cron", schedule.getCron());
        row.put("moduleId", String.valueOf(schedule.getModuleId()));
        row.put("moduleName", schedule.getModuleName());
        List<String> targets = schedule.getTargets();
        row.put("targetCount", targets.size());
        row.put("targetsShown", String.join(", ", targets.subList(0, Math.min(TARGETS_SHOWN, targets.size())))
                + (targets.size() > TARGETS_SHOWN ? " … and " + (targets.size() - TARGETS_SHOWN) + " more" : ""));
        row.put("targets", targets);
        List<String> params = new ArrayList<>();
        schedule.getParams().forEach((name, value) -> params.add(name + " = " + (masked.contains(name) ? "******" : value)));
        row.put("params", params);
        row.put("rolling", schedule.isSetRolling() ? RollingForm.describe(schedule.getRolling()) : "");
        row.put("overlap", schedule.getOverlap().name().toLowerCase(java.util.Locale.ROOT));
        row.put("paused", schedule.isPaused());
        row.put("nextRun", schedule.isSetNextRunMillis() ? time(schedule.getNextRunMillis()) : "");
        row.put("laterRuns", schedule.isSetLaterRunsMillis() ? schedule.getLaterRunsMillis().stream().map(SchedulesServlet::time).toList() : List.of());
        row.put("lastRun", schedule.isSetLastRunMillis() ? time(schedule.getLastRunMillis()) : "");
        row.put("lastJob", schedule.isSetLastJobId() ? String.valueOf(schedule.getLastJobId()) : "");
        row.put("lastOutcome", schedule.isSetLastOutcome() ? schedule.getLastOutcome() : "");
        return row;
    }

    private static String time(long millis)
    {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String id(String text)
    {
        return text != null && text.matches("\\d{1,18}") ? text : "";
    }

    private void notFound(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found",
                "There is no such schedules page; see /schedules.");
    }
}
