package org.omserver.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The module edit form's fields, and their translation to and from a module file (JSON). The gateway only
 * assembles the file: every check of the definition is the master's. Parameters and command are edited as JSON
 * text (the documented module-file format); the other keys have their own fields.
 */
record ModuleForm(String id, String expectedVersion, String name, String caption, String backend, String timeoutSeconds, String maxParallel,
        boolean needsRoot, boolean shell, boolean enabled, String params, String command, String legacyExtend)
{
    /** Longest text accepted in one field; the master has its own, tighter limits. */
    private static final int MAX_FIELD = 262_144;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static final ModuleForm EMPTY = new ModuleForm("", "", "", "", "any", "60", "", false, false, true, "[]", "[]", "");

    static ModuleForm from(HttpServletRequest request)
    {
        return new ModuleForm(field(request, "id"), field(request, "expectedVersion"), field(request, "name"), field(request, "caption"),
                field(request, "backend"), field(request, "timeoutSeconds"), field(request, "maxParallel"), request.getParameter("needsRoot") != null,
                request.getParameter("shell") != null, request.getParameter("enabled") != null, field(request, "params"), field(request, "command"),
                field(request, "legacyExtend"));
    }

    /** The form of an existing module, from its module file. */
    static ModuleForm of(String definition, int version)
    {
        try {
            JsonNode root = JSON.readTree(definition);
            return new ModuleForm(root.path("id").asText(), String.valueOf(version), root.path("name").asText(), root.path("caption").asText(),
                    root.path("backend").asText("any"), root.path("timeoutSeconds").asText("60"),
                    root.has("maxParallel") ? root.get("maxParallel").asText() : "", root.path("needsRoot").asBoolean(),
                    root.path("shell").asBoolean(), root.path("enabled").asBoolean(true), JSON.writeValueAsString(root.path("params")),
                    JSON.writeValueAsString(root.path("command")), root.path("legacyExtend").asText(""));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("the master sent a module file that is not JSON", e);
        }
    }

    boolean isNew()
    {
        return expectedVersion.isEmpty();
    }

    /** The module file, or the problems that keep the form from becoming one (the master checks the rest). */
    Result toDefinition()
    {
        List<String> problems = new ArrayList<>();
        ObjectNode root = JSON.createObjectNode();
        number(problems, "Id", id).ifPresent(value -> root.put("id", value));
        root.put("name", name);
        root.put("caption", caption);
        if (!legacyExtend.isBlank()) {
            root.put("legacyExtend", legacyExtend);
        }
        root.put("backend", backend);
        json(problems, "Parameters", params.isBlank() ? "[]" : params).ifPresent(node -> root.set("params", node));
        json(problems, "Command", command.isBlank() ? "[]" : command).ifPresent(node -> root.set("command", node));
        root.put("shell", shell);
        number(problems, "Timeout", timeoutSeconds).ifPresent(value -> root.put("timeoutSeconds", value));
        number(problems, "Max parallel hosts", maxParallel).ifPresent(value -> root.put("maxParallel", value));
        root.put("needsRoot", needsRoot);
        root.put("enabled", enabled);
        try {
            return new Result(JSON.writeValueAsString(root), problems);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a module file", e);
        }
    }

    record Result(String definition, List<String> problems)
    {
        Result
        {
            problems = List.copyOf(problems);
        }
    }

    Map<String, Object> model()
    {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", id);
        model.put("expectedVersion", expectedVersion);
        model.put("name", name);
        model.put("caption", caption);
        model.put("backend", backend);
        model.put("timeoutSeconds", timeoutSeconds);
        model.put("maxParallel", maxParallel);
        model.put("needsRoot", needsRoot);
        model.put("shell", shell);
        model.put("enabled", enabled);
        model.put("params", params);
        model.put("command", command);
        model.put("legacyExtend", legacyExtend);
        model.put("isNew", isNew());
        return model;
    }

    private static java.util.Optional<Integer> number(List<String> problems, String label, String text)
    {
        if (text.isBlank()) {
            return java.util.Optional.empty();
        }
        if (!text.strip().matches("[0-9]{1,9}")) {
            problems.add(label + " must be a whole number (or empty), was '" + cut(text) + "'.");
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Integer.valueOf(text.strip()));
    }

    private static java.util.Optional<JsonNode> json(List<String> problems, String label, String text)
    {
        try {
            return java.util.Optional.of(JSON.readTree(text));
        }
        catch (JsonProcessingException e) {
            problems.add(label + " is not valid JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ").");
            return java.util.Optional.empty();
        }
    }

    private static String field(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        if (value == null) {
            return "";
        }
        return value.length() > MAX_FIELD ? value.substring(0, MAX_FIELD) : value;
    }

    private static String cut(String text)
    {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
