package org.omserver.catalog.module;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jsoup.Jsoup;

import static java.util.Objects.requireNonNull;

/**
 * The module file format (one JSON object per module, for keeping modules in git) and the JSON of the
 * {@code param_schema} and {@code command_template} columns. Reading checks everything a save needs, so a module
 * that reads is a module that can be stored; writing is canonical (fixed key order, two-space indent, final
 * newline), so export → import → export gives the same bytes. The format is documented in module-catalog/README.md.
 */
public final class ModuleFiles
{
    public static final Set<String> BACKENDS = Set.of("any", "ssh", "agent");
    public static final int MAX_NAME = 64;
    public static final int MAX_CAPTION = 2000;
    public static final int MAX_COMMAND_ELEMENTS = 256;
    public static final int MAX_COMMAND_ELEMENT = 4096;
    public static final int MAX_TIMEOUT_SECONDS = 86_400;
    public static final int MAX_PARALLEL = 10_000;
    public static final int MAX_PARAMS = 32;
    /** Largest module file accepted. */
    public static final int MAX_FILE_CHARS = 256 * 1024;
    static final int DEFAULT_MAX_LENGTH = 256;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> FILE_KEYS = List.of("id", "name", "caption", "legacyExtend", "backend", "params", "command", "shell",
            "timeoutSeconds", "maxParallel", "needsRoot", "enabled");
    private static final Set<String> PARAM_KEYS = Set.of("name", "type", "label", "required", "default", "help", "min", "max", "choices",
            "pattern", "maxLength");
    private static final String TYPES = "INT, ENUM, STRING, BOOLEAN, FILE or SECRET";

    private ModuleFiles() {}

    // ---- module files -----------------------------------------------------------------------------

    /** Reads and checks a module file; every problem is reported at once. */
    public static ModuleSource read(String json)
            throws InvalidModuleException
    {
        requireNonNull(json, "json is null");
        if (json.length() > MAX_FILE_CHARS) {
            throw new InvalidModuleException(List.of("the module file is " + json.length() + " characters, more than the " + MAX_FILE_CHARS + " allowed"));
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new InvalidModuleException(List.of("the module file is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidModuleException(List.of("a module file is one JSON object with the keys " + String.join(", ", FILE_KEYS)));
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!FILE_KEYS.contains(key)) {
                problems.add("unknown key '" + cut(key) + "'; a module file has the keys " + String.join(", ", FILE_KEYS));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidModuleException(problems);
        }
        ModuleSource source;
        try {
            List<ParamSpec> params = root.has("params") && !root.get("params").isNull() ? parseSchema(root.get("params")) : List.of();
            List<String> command = root.has("command") && !root.get("command").isNull() ? parseCommand(root.get("command")) : List.of();
            source = new ModuleSource(
                    integer(root, "id").orElse(0),
                    string(root, "name").orElseThrow(() -> new IllegalArgumentException("name is required: give the module a name")),
                    string(root, "caption").orElse(""),
                    string(root, "legacyExtend"),
                    string(root, "backend").orElse("any"),
                    params,
                    command,
                    bool(root, "shell", false),
                    integer(root, "timeoutSeconds").orElse(60),
                    integer(root, "maxParallel").map(OptionalInt::of).orElse(OptionalInt.empty()),
                    bool(root, "needsRoot", false),
                    bool(root, "enabled", true));
        }
        catch (IllegalArgumentException e) {
            throw new InvalidModuleException(List.of(e.getMessage()));
        }
        return check(source);
    }

    /**
     * Checks a definition before it is saved and returns it normalized (caption as plain text, legacy fragment
     * sanitized); throws with every problem.
     */
    public static ModuleSource check(ModuleSource source)
            throws InvalidModuleException
    {
        List<String> problems = new ArrayList<>();
        if (source.id() < 0) {
            problems.add("id must be a positive whole number, or 0 (or left out) for the next free id; was " + source.id());
        }
        String name = source.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            problems.add("name must be 1 to " + MAX_NAME + " characters without control characters (newline, tab...)");
        }
        String caption = Jsoup.parse(source.caption()).text();
        if (caption.length() > MAX_CAPTION) {
            problems.add("caption must be at most " + MAX_CAPTION + " characters of plain text, was " + caption.length());
        }
        Optional<String> extend = source.legacyExtend().filter(text -> !text.isBlank());
        if (extend.isPresent() && extend.get().length() > LegacyForms.MAX_LENGTH) {
            problems.add("legacyExtend must be at most " + LegacyForms.MAX_LENGTH + " characters, was " + extend.get().length());
        }
        extend = extend.map(LegacyForms::sanitize).filter(text -> !text.isBlank());
        if (!BACKENDS.contains(source.backend())) {
            problems.add("backend must be one of any, ssh, agent; was '" + cut(source.backend()) + "'");
        }
        if (source.params().size() > MAX_PARAMS) {
            problems.add("a module has at most " + MAX_PARAMS + " parameters, this one has " + source.params().size());
        }
        Set<String> names = new HashSet<>();
        source.params().stream().filter(spec -> !names.add(spec.name())).forEach(spec -> problems.add("parameter " + spec.name() + " is defined twice"));
        problems.addAll(ParamValidator.checkDefaults(source.params()));
        for (ParamSpec spec : source.params()) {
            boolean control = hasControl(spec.label()) || hasControl(spec.help())
                    || spec.choices().entrySet().stream().anyMatch(choice -> hasControl(choice.getKey()) || hasControl(choice.getValue()));
            if (control) {
                problems.add("parameter " + spec.name() + ": label, help and choices must not contain control characters (newline, tab, NUL...)");
            }
        }
        if (source.timeoutSeconds() < 1 || source.timeoutSeconds() > MAX_TIMEOUT_SECONDS) {
            problems.add("timeoutSeconds must be from 1 to " + MAX_TIMEOUT_SECONDS + ", was " + source.timeoutSeconds());
        }
        if (source.maxParallel().isPresent() && (source.maxParallel().getAsInt() < 1 || source.maxParallel().getAsInt() > MAX_PARALLEL)) {
            problems.add("maxParallel must be from 1 to " + MAX_PARALLEL + " (or left out for the master's limit), was " + source.maxParallel().getAsInt());
        }
        problems.addAll(commandProblems(source, extend));
        if (!problems.isEmpty()) {
            throw new InvalidModuleException(problems);
        }
        return new ModuleSource(source.id(), name, caption, extend, source.backend(), source.params(), source.command(), source.shell(),
                source.timeoutSeconds(), source.maxParallel(), source.needsRoot(), source.enabled());
    }

    private static List<String> commandProblems(ModuleSource source, Optional<String> extend)
    {
        List<String> problems = new ArrayList<>();
        if (source.command().isEmpty()) {
            if (source.shell()) {
                problems.add("shell is true but there is no command: give the shell line as command, e.g. [\"df -h | tail -n 1\"]");
            }
            return problems;
        }
        if (source.command().size() > MAX_COMMAND_ELEMENTS) {
            problems.add("command has " + source.command().size() + " elements, at most " + MAX_COMMAND_ELEMENTS + " are allowed");
            return problems;
        }
        for (String element : source.command()) {
            if (element.length() > MAX_COMMAND_ELEMENT) {
                problems.add("a command element is " + element.length() + " characters long, at most " + MAX_COMMAND_ELEMENT + " are allowed");
                return problems;
            }
            if (element.indexOf('\0') >= 0) {
                problems.add("a command element contains NUL, which no argument can hold");
                return problems;
            }
        }
        if (!source.shell() && source.command().getFirst().isBlank()) {
            problems.add("the first command element is the program to run and must not be blank");
        }
        try {
            CommandTemplate.check(source.command(), source.shell(), usable(effectiveParams(source.params(), extend)));
        }
        catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    private static boolean hasControl(String text)
    {
        return text.chars().anyMatch(Character::isISOControl);
    }

    /** The schema when there is one, else the fields of the legacy form fragment (sanitized). */
    public static List<ParamSpec> effectiveParams(List<ParamSpec> schema, Optional<String> sanitizedExtend)
    {
        if (!schema.isEmpty() || sanitizedExtend.isEmpty()) {
            return schema;
        }
        return LegacyForms.params(sanitizedExtend.get());
    }

    /** Names of the parameters that always have a value: required, or with a default. */
    public static Set<String> usable(List<ParamSpec> params)
    {
        Set<String> usable = new HashSet<>();
        params.stream().filter(spec -> spec.required() || spec.defaultValue().isPresent()).forEach(spec -> usable.add(spec.name()));
        return usable;
    }

    /** The canonical module file. */
    public static String write(ModuleSource source)
    {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", source.id());
        root.put("name", source.name());
        root.put("caption", source.caption());
        source.legacyExtend().ifPresent(extend -> root.put("legacyExtend", extend));
        root.put("backend", source.backend());
        root.set("params", schemaNode(source.params()));
        ArrayNode command = root.putArray("command");
        source.command().forEach(command::add);
        root.put("shell", source.shell());
        root.put("timeoutSeconds", source.timeoutSeconds());
        source.maxParallel().ifPresent(limit -> root.put("maxParallel", limit));
        root.put("needsRoot", source.needsRoot());
        root.put("enabled", source.enabled());
        return json(root) + "\n";
    }

    /** What differs between two definitions, for the version history: e.g. "changed caption, command". */
    public static String summary(ModuleSource before, ModuleSource after)
    {
        List<String> changed = new ArrayList<>();
        compare(changed, "name", before.name(), after.name());
        compare(changed, "caption", before.caption(), after.caption());
        compare(changed, "legacyExtend", before.legacyExtend(), after.legacyExtend());
        compare(changed, "backend", before.backend(), after.backend());
        compare(changed, "params", writeSchema(before.params()), writeSchema(after.params()));
        compare(changed, "command", before.command(), after.command());
        compare(changed, "shell", before.shell(), after.shell());
        compare(changed, "timeoutSeconds", before.timeoutSeconds(), after.timeoutSeconds());
        compare(changed, "maxParallel", before.maxParallel(), after.maxParallel());
        compare(changed, "needsRoot", before.needsRoot(), after.needsRoot());
        compare(changed, "enabled", before.enabled(), after.enabled());
        return changed.isEmpty() ? "no change" : "changed " + String.join(", ", changed);
    }

    private static void compare(List<String> changed, String key, Object before, Object after)
    {
        if (!before.equals(after)) {
            changed.add(key);
        }
    }

    // ---- the param_schema and command_template columns ------------------------------------------------

    /** The {@code param_schema} column: a compact JSON array (empty list → {@code []}). */
    public static String writeSchema(List<ParamSpec> params)
    {
        try {
            return new ObjectMapper().writeValueAsString(schemaNode(params));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a parameter schema", e);
        }
    }

    /** The {@code command_template} column: a compact JSON array of strings. */
    public static String writeCommand(List<String> command)
    {
        try {
            return new ObjectMapper().writeValueAsString(command);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a command template", e);
        }
    }

    /** Parses the {@code param_schema} column; blank is no parameters. */
    public static List<ParamSpec> parseSchema(String json)
    {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        return parseSchema(tree(json, "param_schema"));
    }

    /** Parses the {@code command_template} column. */
    public static List<String> parseCommand(String json)
    {
        return parseCommand(tree(json, "command_template"));
    }

    private static JsonNode tree(String json, String what)
    {
        try {
            return JSON.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is invalid JSON: " + e.getOriginalMessage());
        }
    }

    private static List<String> parseCommand(JsonNode root)
    {
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("the command must be a JSON array of strings");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode element : root) {
            if (!element.isTextual()) {
                throw new IllegalArgumentException("the command must hold strings only, found " + cut(element.toString()));
            }
            argv.add(element.textValue());
        }
        return argv;
    }

    private static List<ParamSpec> parseSchema(JsonNode root)
    {
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("params (param_schema) must be a JSON array of parameter objects");
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
            throw new IllegalArgumentException("param_schema elements must be objects, found " + cut(node.toString()));
        }
        String name = text(node, "name").orElseThrow(() -> new IllegalArgumentException("a param_schema element has no name: " + cut(node.toString())));
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!PARAM_KEYS.contains(key)) {
                throw new IllegalArgumentException("parameter " + cut(name) + " has unknown key '" + cut(key) + "'; allowed: "
                        + String.join(", ", PARAM_KEYS.stream().sorted().toList()));
            }
        }
        String typeName = text(node, "type").orElseThrow(() -> new IllegalArgumentException("parameter " + cut(name) + " has no type; use " + TYPES));
        ParamType type;
        try {
            type = ParamType.valueOf(typeName.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter " + cut(name) + " has type '" + cut(typeName) + "'; use " + TYPES);
        }
        only(node, name, type, Set.of(ParamType.INT), "min", "max");
        only(node, name, type, Set.of(ParamType.ENUM), "choices");
        only(node, name, type, Set.of(ParamType.STRING, ParamType.SECRET), "pattern", "maxLength");

        JsonNode required = node.path("required");
        if (!required.isMissingNode() && !required.isBoolean()) {
            throw new IllegalArgumentException("parameter " + cut(name) + ": required must be true or false");
        }
        Optional<String> pattern = text(node, "pattern");
        if (pattern.isPresent()) {
            try {
                Pattern.compile(pattern.get());
            }
            catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("parameter " + cut(name) + ": pattern is not a valid regular expression: " + e.getDescription());
            }
        }
        int maxLength = DEFAULT_MAX_LENGTH;
        if (node.has("maxLength")) {
            if (!node.get("maxLength").canConvertToInt() || !node.get("maxLength").isIntegralNumber()) {
                throw new IllegalArgumentException("parameter " + cut(name) + ": maxLength must be a whole number");
            }
            maxLength = node.get("maxLength").intValue();
        }
        return new ParamSpec(name, text(node, "label").orElse(name), type, required.asBoolean(true),
                text(node, "default"), number(node, name, "min"), number(node, name, "max"), choices(node, name),
                pattern, maxLength, text(node, "help").orElse(""));
    }

    private static ArrayNode schemaNode(List<ParamSpec> params)
    {
        ArrayNode array = JSON.createArrayNode();
        for (ParamSpec spec : params) {
            ObjectNode node = array.addObject();
            node.put("name", spec.name());
            node.put("type", spec.type().name());
            node.put("label", spec.label());
            node.put("required", spec.required());
            spec.defaultValue().ifPresent(value -> node.put("default", value));
            if (!spec.help().isEmpty()) {
                node.put("help", spec.help());
            }
            spec.min().ifPresent(value -> node.put("min", value));
            spec.max().ifPresent(value -> node.put("max", value));
            if (spec.type() == ParamType.ENUM) {
                boolean plain = spec.choices().entrySet().stream().allMatch(entry -> entry.getKey().equals(entry.getValue()));
                if (plain) {
                    ArrayNode choices = node.putArray("choices");
                    spec.choices().keySet().forEach(choices::add);
                }
                else {
                    ObjectNode choices = node.putObject("choices");
                    spec.choices().forEach(choices::put);
                }
            }
            spec.pattern().ifPresent(value -> node.put("pattern", value));
            if (spec.type() == ParamType.STRING || spec.type() == ParamType.SECRET) {
                node.put("maxLength", spec.maxLength());
            }
        }
        return array;
    }

    private static String json(JsonNode node)
    {
        try {
            return JSON.writeValueAsString(node);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a module file", e);
        }
    }

    private static void only(JsonNode node, String name, ParamType type, Set<ParamType> owners, String... keys)
    {
        for (String key : keys) {
            if (!owners.contains(type) && node.has(key)) {
                throw new IllegalArgumentException("parameter " + cut(name) + ": " + key + " applies to "
                        + String.join(" and ", owners.stream().map(Enum::name).sorted().toList()) + " parameters only, not " + type);
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
            throw new IllegalArgumentException("'" + key + "' must be a string, found " + cut(value.toString()));
        }
        return Optional.of(value.asText());
    }

    private static Optional<String> string(JsonNode root, String key)
    {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string, found " + cut(value.toString()));
        }
        return Optional.of(value.textValue());
    }

    private static Optional<Integer> integer(JsonNode root, String key)
    {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(key + " must be a whole number, found " + cut(value.toString()));
        }
        return Optional.of(value.intValue());
    }

    private static boolean bool(JsonNode root, String key, boolean otherwise)
    {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, found " + cut(value.toString()));
        }
        return value.booleanValue();
    }

    private static OptionalLong number(JsonNode node, String name, String key)
    {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("parameter " + cut(name) + ": " + key + " must be a whole number, found " + cut(value.toString()));
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
            throw new IllegalArgumentException("parameter " + cut(name) + ": choices must be an array of strings or an object of strings");
        }
        return choices;
    }

    private static String choiceText(String name, JsonNode choice)
    {
        if (!choice.isTextual()) {
            throw new IllegalArgumentException("parameter " + cut(name) + ": every choice must be a string, found " + cut(choice.toString()));
        }
        return choice.textValue();
    }

    /** User text in a message: at most 64 characters. */
    private static String cut(String text)
    {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
