package org.omserver.catalog.module;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;

import static java.util.Objects.requireNonNull;

/**
 * Module files in YAML: the same keys, types and checks as the JSON module file ({@link ModuleFiles}), for people
 * who keep modules in git as YAML. Reading turns the YAML into the canonical JSON module file, so what the master
 * stores and versions is the same whichever format the author used; writing turns a module file into canonical YAML
 * (fixed key order, strings double-quoted so {@code yes}, {@code 012} or {@code null} stay strings), so
 * export → import → export gives the same bytes.
 *
 * <p>What a hostile file cannot do: be larger than {@link ModuleFiles#MAX_FILE_CHARS}; nest deeper than
 * {@value #MAX_DEPTH}; use anchors, aliases (the "billion laughs" expansion) or tags (no type is ever constructed from
 * a tag: Jackson reads plain values only); hold more than one document; repeat a key. Each is refused with the line
 * and column.
 */
public final class ModuleYaml
{
    static final int MAX_DEPTH = 16;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final ObjectMapper YAML = new ObjectMapper(FACTORY);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModuleYaml() {}

    /** True for a file name that says YAML ({@code .yaml}, {@code .yml}, any case). */
    public static boolean isYamlName(String fileName)
    {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml");
    }

    /** Reads and checks a YAML module file; every problem of the module itself is reported at once, as for JSON. */
    public static ModuleSource read(String yaml)
            throws InvalidModuleException
    {
        return ModuleFiles.read(toJson(yaml));
    }

    /** The canonical JSON module file of a YAML one (checked, so it can be stored as is). */
    public static String toCanonicalJson(String yaml)
            throws InvalidModuleException
    {
        return ModuleFiles.write(read(yaml));
    }

    /** The canonical YAML of a module. */
    public static String write(ModuleSource source)
    {
        try {
            return YAML.writeValueAsString(JSON.readTree(ModuleFiles.write(source)));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("the canonical module file did not convert to YAML", e);
        }
    }

    /** The canonical YAML of a JSON module file (as the master's moduleGet gives it). */
    public static String fromJson(String json)
            throws InvalidModuleException
    {
        return write(ModuleFiles.read(json));
    }

    /** The YAML as a JSON text with the same values, after the structural checks; the module checks follow in ModuleFiles. */
    private static String toJson(String yaml)
            throws InvalidModuleException
    {
        requireNonNull(yaml, "yaml is null");
        if (yaml.length() > ModuleFiles.MAX_FILE_CHARS) {
            throw new InvalidModuleException(List.of("the module file is " + yaml.length() + " characters, more than the " + ModuleFiles.MAX_FILE_CHARS + " allowed"));
        }
        if (yaml.indexOf('\0') >= 0) {
            throw new InvalidModuleException(List.of("the module file contains a NUL character; save it as plain UTF-8 text"));
        }
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(yaml)) {
            checkStructure(parser);
        }
        catch (JsonProcessingException e) {
            throw new InvalidModuleException(List.of("the module file is not valid YAML: " + firstLine(e.getOriginalMessage()) + at(e.getLocation())));
        }
        catch (IOException e) {
            throw new InvalidModuleException(List.of("the module file is not valid YAML: " + firstLine(e.getMessage())));
        }
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root == null || root.isMissingNode()) {
                throw new InvalidModuleException(List.of("the module file is empty; a module file is one mapping with the module's keys"));
            }
            return JSON.writeValueAsString(root);
        }
        catch (JsonProcessingException e) {
            throw new InvalidModuleException(List.of("the module file is not valid YAML: " + firstLine(e.getOriginalMessage()) + at(e.getLocation())));
        }
    }

    /** One document, no anchors, aliases or tags, not too deep; duplicate keys fail in the parser itself. */
    private static void checkStructure(YAMLParser parser)
            throws IOException, InvalidModuleException
    {
        int depth = 0;
        boolean rootDone = false;
        for (JsonToken token; (token = parser.nextToken()) != null; ) {
            if (rootDone) {
                throw refused("the module file holds more than one YAML document; put one module in each file", parser);
            }
            if (parser.isCurrentAlias()) {
                throw refused("YAML aliases (*" + cut(parser.getText()) + ") are not allowed in module files; write the value out", parser);
            }
            if (parser.getObjectId() != null) {
                throw refused("YAML anchors (&" + cut(String.valueOf(parser.getObjectId())) + ") are not allowed in module files", parser);
            }
            if (parser.getTypeId() != null) {
                throw refused("YAML tags (" + cut(parser.getTypeId()) + ") are not allowed in module files; write plain values", parser);
            }
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                if (++depth > MAX_DEPTH) {
                    throw refused("the module file nests deeper than " + MAX_DEPTH + " levels", parser);
                }
            }
            else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            }
            if (depth == 0 && token != JsonToken.FIELD_NAME) {
                rootDone = true;
            }
        }
    }

    private static InvalidModuleException refused(String problem, JsonParser parser)
    {
        return new InvalidModuleException(List.of(problem + at(parser.currentTokenLocation())));
    }

    private static String at(JsonLocation location)
    {
        return location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static LoaderOptions loaderOptions()
    {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setNestingDepthLimit(MAX_DEPTH + 1);
        options.setCodePointLimit(ModuleFiles.MAX_FILE_CHARS + 1);
        options.setAllowRecursiveKeys(false);
        return options;
    }

    private static String firstLine(String message)
    {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static String cut(String text)
    {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 39) + "…";
    }
}
