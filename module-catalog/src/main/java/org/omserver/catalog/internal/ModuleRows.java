package org.omserver.catalog.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.jsoup.Jsoup;
import org.omserver.catalog.internal.Rows.ModuleRow;
import org.omserver.catalog.module.CommandTemplate;
import org.omserver.catalog.module.LegacyForms;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ModuleFiles;
import org.omserver.catalog.module.ModuleSource;
import org.omserver.catalog.module.ParamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@code module_list} row into a {@link ModuleDefinition} (what runs) or a {@link ModuleSource} (what an
 * author edits), and a source back into a row. A legacy row (no template) and a broken row (bad JSON, a template
 * that refers to no parameter) both load as not runnable, with the caption saying why, so one bad row never hides
 * the rest of the catalog. A row without {@code param_schema} takes its parameters from its sanitized legacy
 * {@code module_extend} form.
 */
final class ModuleRows
{
    private static final Logger log = LoggerFactory.getLogger(ModuleRows.class);

    private ModuleRows() {}

    static ModuleDefinition toDefinition(ModuleRow row)
    {
        String name = row.moduleName == null ? "module " + row.id : row.moduleName;
        String caption = plainText(row.moduleCaption);
        Optional<String> extend = Optional.ofNullable(row.moduleExtend).filter(text -> !text.isBlank());
        String backend = row.backend == null || row.backend.isBlank() ? "any" : row.backend;
        OptionalInt maxParallel = row.maxParallel == null ? OptionalInt.empty() : OptionalInt.of(row.maxParallel);
        try {
            List<ParamSpec> params = ModuleFiles.effectiveParams(ModuleFiles.parseSchema(row.paramSchema), extend.map(LegacyForms::sanitize));
            if (row.commandTemplate == null || row.commandTemplate.isBlank()) {
                if (row.paramSchema == null || row.paramSchema.isBlank()) {
                    caption = withNote(caption, "Not runnable: this is a legacy OMServer module without a command template; an author must add one before it can run.");
                }
                return new ModuleDefinition(row.id, name, caption, extend, backend, params,
                        List.of(), timeout(row), row.needsRoot, row.enabled, row.shellMode, maxParallel, row.version);
            }
            List<String> argv = ModuleFiles.parseCommand(row.commandTemplate);
            CommandTemplate.check(argv, row.shellMode, ModuleFiles.usable(params));
            return new ModuleDefinition(row.id, name, caption, extend, backend, params, argv, timeout(row), row.needsRoot, row.enabled,
                    row.shellMode, maxParallel, row.version);
        }
        catch (IllegalArgumentException e) {
            log.warn("module {} ({}) has a broken definition and cannot run until an author fixes it: {}", row.id, name, e.getMessage());
            return new ModuleDefinition(row.id, name, withNote(caption, "Not runnable: its definition is broken: " + e.getMessage()),
                    extend, backend, List.of(), List.of(), Duration.ofSeconds(60), row.needsRoot, false, row.shellMode, maxParallel, row.version);
        }
    }

    /**
     * The row as an author edits it. A broken row still opens for editing: unreadable schema or template come
     * back empty, so saving the fixed module replaces them.
     */
    static ModuleSource toSource(ModuleRow row)
    {
        List<ParamSpec> params;
        try {
            params = ModuleFiles.parseSchema(row.paramSchema);
        }
        catch (IllegalArgumentException e) {
            params = List.of();
        }
        List<String> command;
        try {
            command = row.commandTemplate == null || row.commandTemplate.isBlank() ? List.of() : ModuleFiles.parseCommand(row.commandTemplate);
        }
        catch (IllegalArgumentException e) {
            command = List.of();
        }
        return new ModuleSource(row.id, row.moduleName == null ? "module " + row.id : row.moduleName, plainText(row.moduleCaption),
                Optional.ofNullable(row.moduleExtend).filter(text -> !text.isBlank()).map(LegacyForms::sanitize),
                row.backend == null || row.backend.isBlank() ? "any" : row.backend, params, command, row.shellMode,
                Math.max(1, row.timeoutSeconds), row.maxParallel == null ? OptionalInt.empty() : OptionalInt.of(row.maxParallel),
                row.needsRoot, row.enabled);
    }

    static ModuleRow toRow(ModuleSource source, int version)
    {
        ModuleRow row = new ModuleRow();
        row.id = source.id();
        row.moduleName = source.name();
        row.moduleCaption = source.caption();
        row.moduleExtend = source.legacyExtend().orElse(null);
        row.backend = source.backend();
        row.paramSchema = ModuleFiles.writeSchema(source.params());
        row.commandTemplate = source.command().isEmpty() ? null : ModuleFiles.writeCommand(source.command());
        row.timeoutSeconds = source.timeoutSeconds();
        row.needsRoot = source.needsRoot();
        row.enabled = source.enabled();
        row.shellMode = source.shell();
        row.maxParallel = source.maxParallel().isPresent() ? source.maxParallel().getAsInt() : null;
        row.version = version;
        return row;
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
}
