package org.omserver.gateway.api;

import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.ServerInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/** The master's structs as the API's JSON objects (field names as in the OpenAPI document; absent values left out). */
final class ApiJson
{
    private ApiJson() {}

    static Map<String, Object> module(ModuleInfo module)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", module.getId());
        json.put("name", module.getName());
        json.put("caption", module.getCaption());
        json.put("runnable", module.isRunnable());
        json.put("params", module.getParams().stream().map(ApiJson::param).toList());
        return json;
    }

    private static Map<String, Object> param(ParamSpec spec)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", spec.getName());
        json.put("label", spec.getLabel());
        json.put("type", spec.getType().name());
        json.put("required", spec.isMandatory());
        if (spec.isSetDefaultValue()) {
            json.put("default", spec.getDefaultValue());
        }
        if (spec.isSetMin()) {
            json.put("min", spec.getMin());
        }
        if (spec.isSetMax()) {
            json.put("max", spec.getMax());
        }
        if (spec.isSetChoices()) {
            json.put("choices", spec.getChoices());
        }
        if (spec.isSetPattern()) {
            json.put("pattern", spec.getPattern());
        }
        if (spec.isSetMaxLength()) {
            json.put("maxLength", spec.getMaxLength());
        }
        if (spec.isSetHelp()) {
            json.put("help", spec.getHelp());
        }
        return json;
    }

    static Map<String, Object> server(ServerInfo server)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("lanIp", server.getLanIp());
        json.put("name", server.getName());
        if (server.isSetWanIp()) {
            json.put("wanIp", server.getWanIp());
        }
        if (server.isSetOs()) {
            json.put("os", server.getOs());
        }
        json.put("appCategoryId", server.getAppCategoryId());
        json.put("backend", server.getBackend());
        return json;
    }

    static Map<String, Object> event(HostEvent event)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seq", event.getSeq());
        json.put("kind", event.getKind().name());
        json.put("lanIp", event.getLanIp());
        json.put("hostName", event.getHostName());
        if (event.isSetText()) {
            json.put("text", event.getText());
        }
        if (event.isSetStatus()) {
            json.put("status", event.getStatus().name());
        }
        if (event.isSetExitCode()) {
            json.put("exitCode", event.getExitCode());
        }
        if (event.isSetFailureReason()) {
            json.put("failureReason", event.getFailureReason());
        }
        if (event.isSetFailureMessage()) {
            json.put("failureMessage", event.getFailureMessage());
        }
        if (event.isSetDurationMillis()) {
            json.put("durationMillis", event.getDurationMillis());
        }
        return json;
    }
}
