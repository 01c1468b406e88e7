package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.AppCategory;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.FunctionCategory;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.ParamType;
import org.omserver.protocol.thrift.ServerInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run page: catalog and inventory fetched from the master on every load, rendered server-side (usable without
 * JavaScript) and also embedded as a JSON data block that {@code /static/run.js} reads to drive the cascading
 * pickers and build the module's form.
 */
final class RunPage
{
    private RunPage() {}

    /** Form field of a module parameter on the run page: namespaced per module, since every module's form is on the page. */
    static String fieldName(int moduleId, String param)
    {
        return "m" + moduleId + "." + param;
    }

    static void render(WebContext web, HttpServletRequest request, HttpServletResponse response, UserSession user,
            int status, List<String> errors, Selection selection)
            throws IOException, MasterException, MasterUnavailableException
    {
        CatalogReply catalog = web.master().catalog(user.masterToken());
        InventoryReply inventory = web.master().inventory(user.masterToken());
        render(web, request, response, status, errors, selection, catalog, inventory);
    }

    static void render(WebContext web, HttpServletRequest request, HttpServletResponse response, int status,
            List<String> errors, Selection selection, CatalogReply catalog, InventoryReply inventory)
            throws IOException
    {
        List<Map<String, Object>> functionCategories = new ArrayList<>();
        for (FunctionCategory category : inventory.getFunctionCategories()) {
            functionCategories.add(map("id", category.getId(), "name", category.getName()));
        }
        List<Map<String, Object>> appCategories = new ArrayList<>();
        for (AppCategory category : inventory.getAppCategories()) {
            appCategories.add(map("id", category.getId(), "functionCategoryId", category.getFunctionCategoryId(), "name", category.getName()));
        }
        List<Map<String, Object>> servers = new ArrayList<>();
        for (ServerInfo server : inventory.getServers()) {
            String liveness = Liveness.of(server);
            servers.add(map("lanIp", server.getLanIp(), "name", server.getName(), "appCategoryId", server.getAppCategoryId(),
                    "os", server.isSetOs() ? server.getOs() : "", "liveness", liveness,
                    "label", server.getName() + " (" + server.getLanIp() + ")" + (liveness.isEmpty() ? "" : " · " + liveness)));
        }
        List<Map<String, Object>> modules = new ArrayList<>();
        for (ModuleInfo module : catalog.getModules()) {
            List<Map<String, Object>> params = new ArrayList<>();
            for (ParamSpec spec : module.getParams()) {
                params.add(param(module.getId(), spec));
            }
            modules.add(map("id", module.getId(), "name", module.getName(), "caption", module.getCaption(),
                    "runnable", module.isRunnable(), "params", params, "shell", module.isSetShell() && module.isShell()));
        }
        Map<String, Object> selected = map("moduleId", selection.moduleId() == null ? "" : selection.moduleId().toString(),
                "targets", selection.targets(), "values", selection.values());

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("functionCategories", functionCategories);
        model.put("appCategories", appCategories);
        model.put("servers", servers);
        model.put("modules", modules);
        model.put("selected", selected);
        model.put("errors", errors);
        model.put("dataJson", SafeJson.forScriptBlock(map("functionCategories", functionCategories,
                "appCategories", appCategories, "servers", servers, "modules", modules, "selected", selected)));
        web.pages().render(request, response, status, "run", model);
    }

    private static Map<String, Object> param(int moduleId, ParamSpec spec)
    {
        Map<String, Object> param = new LinkedHashMap<>();
        param.put("field", fieldName(moduleId, spec.getName()));
        param.put("name", spec.getName());
        param.put("label", spec.getLabel());
        param.put("type", spec.getType().name());
        param.put("mandatory", spec.isMandatory());
        param.put("defaultValue", spec.isSetDefaultValue() && spec.getType() != ParamType.SECRET ? spec.getDefaultValue() : "");
        param.put("min", spec.isSetMin() ? String.valueOf(spec.getMin()) : "");
        param.put("max", spec.isSetMax() ? String.valueOf(spec.getMax()) : "");
        param.put("choices", spec.getType() == ParamType.BOOLEAN ? List.of("true", "false")
                : spec.isSetChoices() ? List.copyOf(spec.getChoices()) : List.of());
        param.put("pattern", spec.isSetPattern() ? spec.getPattern() : "");
        param.put("maxLength", spec.isSetMaxLength() ? String.valueOf(spec.getMaxLength()) : "");
        param.put("help", spec.isSetHelp() ? spec.getHelp() : "");
        return param;
    }

    private static Map<String, Object> map(Object... keysAndValues)
    {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** What the user had chosen, to put back on the page after an error. Values are keyed by run-page field name. */
    record Selection(Integer moduleId, List<String> targets, Map<String, String> values)
    {
        static final Selection NONE = new Selection(null, List.of(), Map.of());

        Selection
        {
            targets = List.copyOf(targets);
            values = Map.copyOf(values);
        }
    }
}
