package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.ParamType;
import org.omserver.protocol.thrift.ServerInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code POST /confirm}: checks the run form against the catalog and inventory (a module chosen and runnable, at
 * least one known server, required parameters not empty, values within the schema) and shows what will run where,
 * with a Run button that posts the same choice to {@code /run}. These checks are for the user's convenience; the
 * master checks everything again.
 */
final class ConfirmServlet
        extends GatewayServlet
{
    private static final int MAX_TARGETS = 10_000;

    ConfirmServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        CatalogReply catalog = web.master().catalog(user.get().masterToken());
        InventoryReply inventory = web.master().inventory(user.get().masterToken());

        List<String> errors = new ArrayList<>();
        Integer moduleId = parseModuleId(request.getParameter("moduleId"));
        ModuleInfo module = moduleId == null ? null : catalog.getModules().stream()
                .filter(candidate -> candidate.getId() == moduleId).findFirst().orElse(null);
        if (module == null) {
            errors.add("Choose a module.");
        }
        else if (!module.isRunnable()) {
            errors.add("Module " + module.getName() + " cannot run: " + module.getCaption());
        }

        Map<String, ServerInfo> known = new LinkedHashMap<>();
        inventory.getServers().forEach(server -> known.put(server.getLanIp(), server));
        LinkedHashSet<String> targets = new LinkedHashSet<>();
        String[] given = request.getParameterValues("target");
        if (given != null) {
            for (String target : given) {
                if (!target.isBlank()) {
                    targets.add(target.strip());
                }
            }
        }
        List<ServerInfo> hosts = new ArrayList<>();
        if (targets.isEmpty()) {
            errors.add("Choose at least one server.");
        }
        else if (targets.size() > MAX_TARGETS) {
            errors.add("Choose at most " + MAX_TARGETS + " servers at once.");
        }
        else {
            for (String target : targets) {
                ServerInfo server = known.get(target);
                if (server == null) {
                    errors.add("Unknown server " + target + ": it is not in the inventory.");
                }
                else {
                    hosts.add(server);
                }
            }
        }

        Map<String, String> runPageValues = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        if (module != null) {
            for (ParamSpec spec : module.getParams()) {
                String field = RunPage.fieldName(module.getId(), spec.getName());
                String value = request.getParameter(field);
                value = value == null ? "" : value;
                // a secret is never echoed: not back into the run page after an error, not in the confirm page's text
                runPageValues.put(field, spec.getType() == ParamType.SECRET ? "" : value);
                check(spec, value).ifPresent(errors::add);
                values.put(spec.getName(), value);
            }
        }

        if (!errors.isEmpty()) {
            RunPage.render(web, request, response, HttpServletResponse.SC_BAD_REQUEST, errors,
                    new RunPage.Selection(moduleId, List.copyOf(targets), runPageValues), catalog, inventory);
            return;
        }
        render(web, request, response, HttpServletResponse.SC_OK, List.of(), module, hosts, values, RollingForm.from(request), ScheduleForm.EMPTY);
    }

    /**
     * Shows the confirm page again after {@code POST /run} or {@code POST /schedules/create} found the rolling options
     * or the schedule wrong (or the master refused them): the same module, hosts and parameters, the options and
     * schedule fields as typed, and the problems above the form.
     */
    static void again(WebContext web, HttpServletRequest request, HttpServletResponse response, UserSession user, List<String> errors,
            RunChoice choice, RollingForm rolling, ScheduleForm schedule)
            throws IOException, MasterException, MasterUnavailableException
    {
        int moduleId = choice.moduleId();
        List<String> targets = choice.targets();
        Map<String, String> values = choice.params();
        CatalogReply catalog = web.master().catalog(user.masterToken());
        InventoryReply inventory = web.master().inventory(user.masterToken());
        ModuleInfo module = catalog.getModules().stream().filter(candidate -> candidate.getId() == moduleId).findFirst().orElse(null);
        Map<String, ServerInfo> known = new LinkedHashMap<>();
        inventory.getServers().forEach(server -> known.put(server.getLanIp(), server));
        List<ServerInfo> hosts = targets.stream().map(known::get).filter(java.util.Objects::nonNull).toList();
        if (module == null || hosts.size() != targets.size()) {
            // the module or a server went away meanwhile: back to the run page, which says what is missing
            RunPage.render(web, request, response, HttpServletResponse.SC_BAD_REQUEST, errors,
                    new RunPage.Selection(moduleId, targets, Map.of()), catalog, inventory);
            return;
        }
        render(web, request, response, HttpServletResponse.SC_BAD_REQUEST, errors, module, hosts, values, rolling, schedule);
    }

    private static void render(WebContext web, HttpServletRequest request, HttpServletResponse response, int status, List<String> errors,
            ModuleInfo module, List<ServerInfo> hosts, Map<String, String> values, RollingForm rolling, ScheduleForm schedule)
            throws IOException
    {
        List<Map<String, String>> params = new ArrayList<>();
        for (ParamSpec spec : module.getParams()) {
            String value = values.getOrDefault(spec.getName(), "");
            params.add(Map.of("name", spec.getName(), "label", spec.getLabel(), "value", value,
                    "shown", spec.getType() == ParamType.SECRET ? "******" : value));
        }
        List<Map<String, String>> hostRows = new ArrayList<>();
        for (ServerInfo host : hosts) {
            hostRows.add(Map.of("lanIp", host.getLanIp(), "name", host.getName()));
        }
        web.pages().render(request, response, status, "confirm", Map.of(
                "module", Map.of("id", module.getId(), "name", module.getName(), "caption", module.getCaption(),
                        "shell", module.isSetShell() && module.isShell(),
                        "timeoutSeconds", module.isSetTimeoutSeconds() ? module.getTimeoutSeconds() : 0),
                "params", params,
                "hosts", hostRows,
                "rolling", rolling.shown(),
                "schedule", schedule.shown(),
                "canSchedule", org.omserver.gateway.session.Sessions.user(request).map(user -> SchedulesServlet.maySchedule(user)).orElse(false),
                "errors", errors));
    }

    private static Integer parseModuleId(String text)
    {
        if (text == null || !text.matches("\\d{1,9}")) {
            return null;
        }
        return Integer.valueOf(text);
    }

    /** The first problem with one value, worded for the form. */
    static Optional<String> check(ParamSpec spec, String value)
    {
        String label = spec.getLabel();
        if (value.isBlank()) {
            return spec.isMandatory() ? Optional.of(label + " must not be empty.") : Optional.empty();
        }
        switch (spec.getType()) {
            case INT -> {
                long number;
                try {
                    number = Long.parseLong(value.strip());
                }
                catch (NumberFormatException e) {
                    return Optional.of(label + " must be a whole number.");
                }
                if ((spec.isSetMin() && number < spec.getMin()) || (spec.isSetMax() && number > spec.getMax())) {
                    return Optional.of(label + " must be between " + (spec.isSetMin() ? spec.getMin() : "any") + " and "
                            + (spec.isSetMax() ? spec.getMax() : "any") + ".");
                }
            }
            case ENUM -> {
                if (!spec.isSetChoices() || !spec.getChoices().contains(value)) {
                    return Optional.of(label + " must be one of the listed choices.");
                }
            }
            case BOOLEAN -> {
                if (!value.equals("true") && !value.equals("false")) {
                    return Optional.of(label + " must be true or false.");
                }
            }
            case STRING, SECRET, FILE -> {
                if (spec.isSetMaxLength() && value.length() > spec.getMaxLength()) {
                    return Optional.of(label + " must be at most " + spec.getMaxLength() + " characters.");
                }
                if (spec.isSetPattern()) {
                    try {
                        if (!Pattern.compile(spec.getPattern()).matcher(value).matches()) {
                            return Optional.of(label + " does not have the expected form.");
                        }
                    }
                    catch (PatternSyntaxException e) {
                        // the master owns the schema; leave an odd pattern to its own check
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.empty();
    }
}
