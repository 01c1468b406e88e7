package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.ModuleChangeReply;
import org.omserver.protocol.thrift.ModuleGetReply;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ModulePreviewReply;
import org.omserver.protocol.thrift.ModuleVersionInfo;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.Role;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The module pages under {@code /modules}: list, show (with versions and rollback), create, edit, preview,
 * enable/disable, delete with a confirm step. Everything goes to the master's authoring RPCs, which decide who may
 * do what; the pages only hide the buttons a viewer or operator could not use.
 *
 * <pre>
 * GET  /modules                  list            GET  /modules/{id}           show, versions
 * GET  /modules/new              empty form      GET  /modules/{id}/edit      form of the module
 * POST /modules/save             create/update   POST /modules/preview        render a draft with sample values
 * POST /modules/{id}/enable      enable          POST /modules/{id}/disable   disable
 * GET  /modules/{id}/delete      confirm page    POST /modules/{id}/delete    delete (id repeated; built-ins ticked)
 * POST /modules/{id}/rollback    back to a version
 * </pre>
 */
final class ModulesServlet
        extends GatewayServlet
{
    private static final Pattern MODULE_PATH = Pattern.compile("/([0-9]{1,9})(?:/(edit|enable|disable|delete|rollback))?");
    private static final String SAMPLE_PREFIX = "sample.";

    ModulesServlet(WebContext web)
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
        String path = path(request);
        if (path.isEmpty()) {
            list(request, response, user.get());
            return;
        }
        if (path.equals("/new")) {
            edit(request, response, HttpServletResponse.SC_OK, ModuleForm.EMPTY, List.of());
            return;
        }
        Matcher matcher = MODULE_PATH.matcher(path);
        if (!matcher.matches() || "enable".equals(matcher.group(2)) || "disable".equals(matcher.group(2)) || "rollback".equals(matcher.group(2))) {
            notFound(request, response);
            return;
        }
        int id = Integer.parseInt(matcher.group(1));
        ModuleGetReply module = web.master().moduleGet(user.get().masterToken(), id);
        if (matcher.group(2) == null) {
            show(request, response, user.get(), module, Optional.empty());
        }
        else if (matcher.group(2).equals("edit")) {
            edit(request, response, HttpServletResponse.SC_OK, ModuleForm.of(module.getDefinition(), module.getVersion()), List.of());
        }
        else {
            web.pages().render(request, response, HttpServletResponse.SC_OK, "module-delete", Map.of("module", info(module.getInfo()),
                    "version", module.getVersion(), "builtin", id >= 1001 && id <= 1007, "errors", List.of()));
        }
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        String session = user.get().masterToken();
        String path = path(request);
        if (path.equals("/save")) {
            save(request, response, session);
            return;
        }
        if (path.equals("/preview")) {
            preview(request, response, session);
            return;
        }
        Matcher matcher = MODULE_PATH.matcher(path);
        if (!matcher.matches() || matcher.group(2) == null || matcher.group(2).equals("edit")) {
            notFound(request, response);
            return;
        }
        int id = Integer.parseInt(matcher.group(1));
        Optional<Integer> expected = number(request.getParameter("expectedVersion"));
        if (expected.isEmpty()) {
            web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Reload the page",
                    "The form did not say which version of module " + id + " it was made from. Reload the module page and try again.");
            return;
        }
        switch (matcher.group(2)) {
            case "enable", "disable" -> {
                ModuleChangeReply change = web.master().moduleSetEnabled(session, id, matcher.group(2).equals("enable"), expected.get(), request.getRemoteAddr());
                seeOther(response, "/modules/" + change.getModuleId() + "?changed=" + change.getVersion());
            }
            case "delete" -> {
                Optional<Integer> confirm = number(request.getParameter("confirmId"));
                if (confirm.isEmpty() || confirm.get() != id) {
                    ModuleGetReply module = web.master().moduleGet(session, id);
                    web.pages().render(request, response, HttpServletResponse.SC_BAD_REQUEST, "module-delete", Map.of("module", info(module.getInfo()),
                            "version", module.getVersion(), "builtin", id >= 1001 && id <= 1007,
                            "errors", List.of("Type the module's id, " + id + ", to confirm the deletion.")));
                    return;
                }
                web.master().moduleDelete(session, id, expected.get(), confirm.get(), request.getParameter("confirmBuiltin") != null, request.getRemoteAddr());
                seeOther(response, "/modules?deleted=" + id);
            }
            default -> {
                Optional<Integer> toVersion = number(request.getParameter("toVersion"));
                if (toVersion.isEmpty()) {
                    web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Choose a version", "Choose the version to roll back to.");
                    return;
                }
                ModuleChangeReply change = web.master().moduleRollback(session, id, toVersion.get(), expected.get(), request.getRemoteAddr());
                seeOther(response, "/modules/" + change.getModuleId() + "?changed=" + change.getVersion());
            }
        }
    }

    private void list(HttpServletRequest request, HttpServletResponse response, UserSession user)
            throws IOException, MasterException, MasterUnavailableException
    {
        List<Map<String, Object>> modules = new ArrayList<>();
        for (ModuleInfo module : web.master().catalog(user.masterToken()).getModules()) {
            modules.add(info(module));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("modules", modules);
        model.put("canAuthor", canAuthor(user));
        model.put("deleted", Optional.ofNullable(request.getParameter("deleted")).filter(text -> text.matches("[0-9]{1,9}")).orElse(""));
        web.pages().render(request, response, HttpServletResponse.SC_OK, "modules", model);
    }

    private void show(HttpServletRequest request, HttpServletResponse response, UserSession user, ModuleGetReply module, Optional<String> notice)
            throws IOException, MasterException, MasterUnavailableException
    {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (ModuleVersionInfo version : web.master().moduleVersions(user.masterToken(), module.getInfo().getId()).getVersions()) {
            versions.add(Map.of("version", version.getVersion(), "at", Instant.ofEpochMilli(version.getChangedAtMillis()).toString(),
                    "actor", version.getActor(), "action", version.getAction(), "summary", version.getSummary(),
                    "restorable", version.isSetDefinition() && version.getVersion() != module.getVersion()));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("module", info(module.getInfo()));
        model.put("version", module.getVersion());
        model.put("definition", module.getDefinition());
        model.put("versions", versions);
        model.put("canAuthor", canAuthor(user));
        model.put("changed", Optional.ofNullable(request.getParameter("changed")).filter(text -> text.matches("[0-9]{1,9}")).orElse(""));
        web.pages().render(request, response, HttpServletResponse.SC_OK, "module", model);
    }

    private void edit(HttpServletRequest request, HttpServletResponse response, int status, ModuleForm form, List<String> errors)
            throws IOException
    {
        web.pages().render(request, response, status, "module-edit", Map.of("form", form.model(), "errors", errors));
    }

    /** Creates (no expected version) or updates the module the form describes; problems re-show the form with the input kept. */
    private void save(HttpServletRequest request, HttpServletResponse response, String session)
            throws IOException, MasterException, MasterUnavailableException
    {
        ModuleForm form = ModuleForm.from(request);
        ModuleForm.Result result = form.toDefinition();
        if (!result.problems().isEmpty()) {
            edit(request, response, HttpServletResponse.SC_BAD_REQUEST, form, result.problems());
            return;
        }
        try {
            ModuleChangeReply change;
            if (form.isNew()) {
                change = web.master().moduleCreate(session, result.definition(), request.getRemoteAddr());
            }
            else {
                Optional<Integer> expected = number(form.expectedVersion());
                if (expected.isEmpty()) {
                    edit(request, response, HttpServletResponse.SC_BAD_REQUEST, form, List.of("The form lost the module's version; reload the module and edit again."));
                    return;
                }
                change = web.master().moduleUpdate(session, result.definition(), expected.get(), request.getRemoteAddr());
            }
            seeOther(response, "/modules/" + change.getModuleId() + "?changed=" + change.getVersion());
        }
        catch (MasterException e) {
            if (e.code() != ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            edit(request, response, HttpServletResponse.SC_BAD_REQUEST, form, List.of(e.getMessage()));
        }
    }

    /** Renders the draft in the form as the run page would, with the argument vector for the sample values; saves nothing. */
    private void preview(HttpServletRequest request, HttpServletResponse response, String session)
            throws IOException, MasterException, MasterUnavailableException
    {
        ModuleForm form = ModuleForm.from(request);
        ModuleForm.Result result = form.toDefinition();
        if (!result.problems().isEmpty()) {
            edit(request, response, HttpServletResponse.SC_BAD_REQUEST, form, result.problems());
            return;
        }
        Map<String, String> samples = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (name.startsWith(SAMPLE_PREFIX) && values.length > 0 && !values[0].isEmpty()) {
                samples.put(name.substring(SAMPLE_PREFIX.length()), values[0]);
            }
        });
        ModulePreviewReply preview;
        try {
            preview = web.master().modulePreview(session, result.definition(), samples);
        }
        catch (MasterException e) {
            if (e.code() != ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            edit(request, response, HttpServletResponse.SC_BAD_REQUEST, form, List.of(e.getMessage()));
            return;
        }
        Map<String, Object> info = info(preview.getInfo());
        List<Map<String, Object>> params = new ArrayList<>();
        for (ParamSpec spec : preview.getInfo().getParams()) {
            Map<String, Object> param = new LinkedHashMap<>(param(spec));
            // a sample secret is never echoed back into the page
            param.put("sample", spec.getType().name().equals("SECRET") ? "" : samples.getOrDefault(spec.getName(), ""));
            params.add(param);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("form", form.model());
        model.put("module", info);
        model.put("params", params);
        model.put("argv", preview.isSetArgv() ? preview.getArgv() : List.of());
        model.put("hasArgv", preview.isSetArgv());
        model.put("problems", preview.getProblems());
        web.pages().render(request, response, HttpServletResponse.SC_OK, "module-preview", model);
    }

    private static Map<String, Object> info(ModuleInfo module)
    {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", module.getId());
        info.put("name", module.getName());
        info.put("caption", module.getCaption());
        info.put("runnable", module.isRunnable());
        info.put("enabled", !module.isSetEnabled() || module.isEnabled());
        info.put("shell", module.isSetShell() && module.isShell());
        info.put("backend", module.isSetBackend() ? module.getBackend() : "any");
        info.put("timeoutSeconds", module.isSetTimeoutSeconds() ? String.valueOf(module.getTimeoutSeconds()) : "");
        info.put("maxParallel", module.isSetMaxParallel() ? String.valueOf(module.getMaxParallel()) : "");
        info.put("needsRoot", module.isSetNeedsRoot() && module.isNeedsRoot());
        info.put("version", module.isSetVersion() ? module.getVersion() : 0);
        // sanitized by the master (jsoup allow-list: form controls and text only); the page inserts it as HTML
        info.put("legacyForm", module.isSetLegacyForm() ? module.getLegacyForm() : "");
        List<Map<String, Object>> params = new ArrayList<>();
        module.getParams().forEach(spec -> params.add(param(spec)));
        info.put("params", params);
        return info;
    }

    private static Map<String, Object> param(ParamSpec spec)
    {
        Map<String, Object> param = new LinkedHashMap<>();
        param.put("name", spec.getName());
        param.put("label", spec.getLabel());
        param.put("type", spec.getType().name());
        param.put("mandatory", spec.isMandatory());
        param.put("defaultValue", spec.isSetDefaultValue() ? spec.getDefaultValue() : "");
        param.put("choices", spec.getType().name().equals("BOOLEAN") ? List.of("true", "false") : spec.isSetChoices() ? spec.getChoices() : List.of());
        param.put("help", spec.isSetHelp() ? spec.getHelp() : "");
        param.put("rules", rules(spec));
        return param;
    }

    /** What the field accepts, in words, for the module page. */
    private static String rules(ParamSpec spec)
    {
        List<String> rules = new ArrayList<>();
        if (spec.isSetMin()) {
            rules.add("min " + spec.getMin());
        }
        if (spec.isSetMax()) {
            rules.add("max " + spec.getMax());
        }
        if (spec.isSetPattern()) {
            rules.add("pattern " + spec.getPattern());
        }
        if (spec.isSetMaxLength()) {
            rules.add("at most " + spec.getMaxLength() + " characters");
        }
        if (spec.isSetChoices()) {
            rules.add("one of " + String.join(", ", spec.getChoices()));
        }
        return String.join("; ", rules);
    }

    private static boolean canAuthor(UserSession user)
    {
        return user.role() == Role.ADMIN || user.role() == Role.AUTHOR;
    }

    private static String path(HttpServletRequest request)
    {
        String path = request.getPathInfo();
        return path == null || path.equals("/") ? "" : path;
    }

    private static Optional<Integer> number(String text)
    {
        return text != null && text.matches("[0-9]{1,9}") ? Optional.of(Integer.valueOf(text)) : Optional.empty();
    }

    private void notFound(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such module page. See the module list at /modules.");
    }
}
