package org.omserver.catalog.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;
import org.omserver.catalog.internal.Rows.ModuleRow;
import org.omserver.catalog.module.CommandTemplate;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ParamSpec;
import org.omserver.catalog.module.ParamType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@code module_list} row into a {@link ModuleDefinition}. A legacy row (no template) and a broken row
 * (bad JSON, a template that refers to no parameter) both load as not runnable, with the caption saying why,
 * so one bad row never hides the rest of the catalog.
 */
final class ModuleRows
{
    private static final Logger log = LoggerFactory.getLogger(ModuleRows.class);

    static final int DEFAULT_MAX_LENGTH = 256;
    private static final Set<String> KEYS = Set.of("name", "type", "label", "required", "default", "help", "min", "max", "choices", "pattern", "maxLength");

    private ModuleRows() {}

    static ModuleDefinition toDefinition(ModuleRow row)
    {
        String name = row.moduleName == null ? "module " + row.id : row.moduleName;
        String caption = plainText(row.moduleCaption);
        Optional<String> extend = Optional.ofNullable(row.moduleExtend).filter(text -> !text.isBlank());
        String backend = row.backend == null || row.backend.isBlank() ? "any" : row.backend;
        try {
            if (row.commandTemplate == null || row.commandTemplate.isBlank()) {
                if (row.paramSchema == null || row.paramSchema.isBlank()) {
                    caption = withNote(caption, "Not runnable: this is a legacy OMServer module without a command template; an author must add one before it can run.");
                }
                return new ModuleDefinition(row.id, name, caption, extend, backend, parseSchema(row.paramSchema),
                        List.of(), timeout(row), row.needsRoot, row.enabled);
            }
            List<ParamSpec> params = parseSchema(row.paramSchema);
            List<String> argv = parseTemplate(row.commandTemplate);
            Set<String> usable = new HashSet<>();
            params.stream().filter(spec -> spec.required() || spec.defaultValue().isPresent()).forEach(spec -> usable.add(spec.name()));
            CommandTemplate.check(argv, usable);
            return new ModuleDefinition(row.id, name, caption, extend, backend, params, argv, timeout(row), row.needsRoot, row.enabled);
        }
        catch (IllegalArgumentException | JsonProcessingException e) {
            String problem = e instanceof JsonProcessingException json ? "invalid JSON: " + json.getOriginalMessage() : e.getMessage();
            log.warn("module {} ({}) has a broken definition and cannot run until an author fixes it: {}", row.id, name, problem);
            return new ModuleDefinition(row.id, name, withNote(caption, "Not runnable: its definition is broken: " + problem),
                    extend, backend, List.of(), List.of(), Duration.ofSeconds(60), row.needsRoot, false);
        }
    }

    /** Legacy captions hold HTML: keep the text only. */
    static String plainText(String html)
    {
        return html == null ? "" : Jsoup.parse(html).text();
    }

    private static String withNote(String caption, String note)
    {
        return caption.isEmpty() ? note : caption + " " + note;
    }

    private static Duration timeout(ModuleRow row)
    {
        if (row.timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeout_seconds must be at least 1, was " + row.timeoutSeconds);
        }
        return Duration.ofSeconds(row.timeoutSeconds);
    }

    static List<String> parseTemplate(String json)
            throws JsonProcessingException
    {
        JsonNode root = Db.JSON.readTree(json);
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("command_template must be a JSON array of strings");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode element : root) {
            if (!element.isTextual()) {
                throw new IllegalArgumentException("command_template must hold strings only, found " + element);
            }
            argv.add(element.textValue());
        }
        return argv;
    }

    static List<ParamSpec> parseSchema(String json)
            throws JsonProcessingException
    {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonNode root = Db.JSON.readTree(json);
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("param_schema must be a JSON array of parameter objects");
        }
        List<ParamSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode node : root) {
            ParamSpec spec = parseParam(node);
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("param_schema defines " + spec.name() + " twice");
            }
            specs.add(spec);
        }
        return specs;
    }

    private static ParamSpec parseParam(JsonNode node)
    {
        if (!node.isObject()) {
            throw new IllegalArgumentException("param_schema elements must be objects, found " + node);
        }
        String name = text(node, "name").orElseThrow(() -> new IllegalArgumentException("a param_schema element has no name: " + node));
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("parameter " + name + " has unknown key '" + key + "'; allowed: " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        String typeName = text(node, "type").orElseThrow(() -> new IllegalArgumentException("parameter " + name + " has no type; use INT, ENUM or STRING"));
        ParamType type;
        try {
            type = ParamType.valueOf(typeName.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter " + name + " has type '" + typeName + "'; use INT, ENUM or STRING");
        }
        only(node, name, type, ParamType.INT, "min", "max");
        only(node, name, type, ParamType.ENUM, "choices");
        only(node, name, type, ParamType.STRING, "pattern", "maxLength");

        JsonNode required = node.path("required");
        if (!required.isMissingNode() && !required.isBoolean()) {
            throw new IllegalArgumentException("parameter " + name + ": required must be true or false");
        }
        Optional<String> pattern = text(node, "pattern");
        pattern.ifPresent(Pattern::compile);
        int maxLength = DEFAULT_MAX_LENGTH;
        if (node.has("maxLength")) {
            if (!node.get("maxLength").canConvertToInt() || !node.get("maxLength").isIntegralNumber()) {
                throw new IllegalArgumentException("parameter " + name + ": maxLength must be a whole number");
            }
            maxLength = node.get("maxLength").intValue();
        }
        return new ParamSpec(name, text(node, "label").orElse(name), type, required.asBoolean(true),
                text(node, "default"), number(node, name, "min"), number(node, name, "max"), choices(node, name),
                pattern, maxLength, text(node, "help").orElse(""));
    }

    private static void only(JsonNode node, String name, ParamType type, ParamType owner, String... keys)
    {
        for (String key : keys) {
            if (type != owner && node.has(key)) {
                throw new IllegalArgumentException("parameter " + name + ": " + key + " applies to " + owner + " parameters only, not " + type);
            }
        }
    }

    private static Optional<String> text(JsonNode node, String key)
    {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException("'" + key + "' must be a string, found " + value);
        }
        return Optional.of(value.asText());
    }

    private static OptionalLong number(JsonNode node, String name, String key)
    {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("parameter " + name + ": " + key + " must be a whole number, found " + value);
        }
        return OptionalLong.of(value.longValue());
    }

    private static Map<String, String> choices(JsonNode node, String name)
    {
        JsonNode value = node.get("choices");
        Map<String, String> choices = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return choices;
        }
        if (value.isArray()) {
            value.forEach(choice -> choices.put(choiceText(name, choice), choiceText(name, choice)));
        }
        else if (value.isObject()) {
            value.properties().forEach(entry -> choices.put(entry.getKey(), choiceText(name, entry.getValue())));
        }
        else {
            throw new IllegalArgumentException("parameter " + name + ": choices must be an array of strings or an object of strings");
        }
        return choices;
    }

    private static String choiceText(String name, JsonNode choice)
    {
        if (!choice.isTextual()) {
            throw new IllegalArgumentException("parameter " + name + ": every choice must be a string, found " + choice);
        }
        return choice.textValue();
    }
}
