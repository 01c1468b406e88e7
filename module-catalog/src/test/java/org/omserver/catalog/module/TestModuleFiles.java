package org.omserver.catalog.module;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestModuleFiles
{
    static final String DISK_USAGE = """
            {
              "id" : 1200,
              "name" : "disk usage",
              "caption" : "Shows how full a file system is.",
              "backend" : "ssh",
              "params" : [ {
                "name" : "path",
                "type" : "STRING",
                "label" : "Path",
                "required" : true,
                "default" : "/",
                "help" : "A mount point.",
                "pattern" : "/[A-Za-z0-9/._-]*",
                "maxLength" : 200
              }, {
                "name" : "human",
                "type" : "BOOLEAN",
                "label" : "Human readable",
                "required" : false,
                "default" : "true"
              }, {
                "name" : "unit",
                "type" : "ENUM",
                "label" : "Unit",
                "required" : true,
                "choices" : {
                  "kilobytes" : "-k",
                  "megabytes" : "-m"
                }
              }, {
                "name" : "token",
                "type" : "SECRET",
                "label" : "Token",
                "required" : false,
                "maxLength" : 64
              }, {
                "name" : "bundle",
                "type" : "FILE",
                "label" : "Bundle",
                "required" : false
              }, {
                "name" : "count",
                "type" : "INT",
                "label" : "Count",
                "required" : false,
                "min" : 1,
                "max" : 10
              } ],
              "command" : [ "df ${unit} ${path} | tail -n 1" ],
              "shell" : true,
              "timeoutSeconds" : 30,
              "maxParallel" : 5,
              "needsRoot" : true,
              "enabled" : true
            }
            """;

    @Test
    void exportImportExportGivesTheSameFile()
            throws InvalidModuleException
    {
        ModuleSource source = ModuleFiles.read(DISK_USAGE);
        assertThat(source.shell()).isTrue();
        assertThat(source.maxParallel().getAsInt()).isEqualTo(5);
        assertThat(source.params()).extracting(ParamSpec::type)
                .containsExactly(ParamType.STRING, ParamType.BOOLEAN, ParamType.ENUM, ParamType.SECRET, ParamType.FILE, ParamType.INT);
        String exported = ModuleFiles.write(source);
        assertThat(exported).isEqualTo(DISK_USAGE);
        assertThat(ModuleFiles.read(exported)).isEqualTo(source);
        assertThat(ModuleFiles.write(ModuleFiles.read(exported))).isEqualTo(exported);
    }

    @Test
    void captionsBecomePlainTextAndLegacyFragmentsAreSanitized()
            throws InvalidModuleException
    {
        ModuleSource source = ModuleFiles.read("""
                {"name": "legacy", "caption": "<b onclick=x()>Restart</b> <script>alert(1)</script>a service",
                 "legacyExtend": "<select name=sys_param_1 onchange=x()><option>nginx</option></select><script>y()</script>",
                 "command": ["service", "${sys_param_1}", "restart"]}
                """);
        assertThat(source.caption()).isEqualTo("Restart a service");
        assertThat(source.legacyExtend().orElseThrow()).isEqualTo("<select name=\"sys_param_1\"><option>nginx</option></select>");
        assertThat(ModuleFiles.write(source)).doesNotContain("script").doesNotContain("onchange");
        assertThat(ModuleFiles.read(ModuleFiles.write(source))).isEqualTo(source);
    }

    @Test
    void refusesEveryProblemWithWhatToFix()
    {
        assertThatThrownBy(() -> ModuleFiles.read("[1]")).isInstanceOf(InvalidModuleException.class)
                .hasMessageContaining("a module file is one JSON object");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"a\", \"name\": \"b\"}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"exec\": \"rm\"}")).hasMessageContaining("unknown key 'exec'");
        assertThatThrownBy(() -> ModuleFiles.read("{}")).hasMessageContaining("name is required");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"a\\nb\", \"backend\": \"telnet\", \"timeoutSeconds\": 0, \"maxParallel\": 0}"))
                .hasMessageContaining("name must be 1 to 64 characters without control characters")
                .hasMessageContaining("backend must be one of any, ssh, agent; was 'telnet'")
                .hasMessageContaining("timeoutSeconds must be from 1 to 86400, was 0")
                .hasMessageContaining("maxParallel must be from 1 to 10000");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"params\": [{\"name\": \"t\", \"type\": \"SECRET\", \"default\": \"hunter2\"}]}"))
                .hasMessageContaining("secret parameter t may not have a default");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"params\": [{\"name\": \"n\", \"type\": \"INT\", \"max\": 9, \"default\": \"10\"}]}"))
                .hasMessageContaining("the default of n must be a whole number of at most 9, was '10'");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"params\": [{\"name\": \"b\", \"type\": \"BOOLEAN\", \"default\": \"yes\"}]}"))
                .hasMessageContaining("the default of b must be true or false");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"params\": [{\"name\": \"e\", \"type\": \"ENUM\", \"choices\": {\"a\": \"b\\u0000c\"}}]}"))
                .hasMessageContaining("parameter e: label, help and choices must not contain control characters");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"params\": [{\"name\": \"p\", \"type\": \"STRING\", \"pattern\": \"(\"}]}"))
                .hasMessageContaining("pattern is not a valid regular expression");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"params\": [{\"name\": \"p\", \"type\": \"EXEC\"}]}"))
                .hasMessageContaining("use INT, ENUM, STRING, BOOLEAN, FILE or SECRET");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"command\": [\"cat\", \"--file=${p}\"]}"))
                .hasMessageContaining("is broken");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"command\": [\"ls\", \"a\\u0000b\"]}"))
                .hasMessageContaining("contains NUL");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"shell\": true, \"command\": [\"ls\", \"-l\"]}"))
                .hasMessageContaining("exactly one non-blank shell line");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"shell\": true}"))
                .hasMessageContaining("shell is true but there is no command");
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"caption\": \"" + "c".repeat(2001) + "\"}"))
                .hasMessageContaining("caption must be at most 2000 characters");
        assertThatThrownBy(() -> ModuleFiles.read(" ".repeat(ModuleFiles.MAX_FILE_CHARS + 1)))
                .hasMessageContaining("more than the 262144 allowed");
    }

    @Test
    void summaryNamesWhatChanged()
            throws InvalidModuleException
    {
        ModuleSource before = ModuleFiles.read(DISK_USAGE);
        ModuleSource after = ModuleFiles.read(DISK_USAGE.replace("\"timeoutSeconds\" : 30", "\"timeoutSeconds\" : 40")
                .replace("Shows how", "Tells how"));
        assertThat(ModuleFiles.summary(before, after)).isEqualTo("changed caption, timeoutSeconds");
        assertThat(ModuleFiles.summary(before, before)).isEqualTo("no change");
        assertThat(ModuleFiles.summary(before, before.withEnabled(false))).isEqualTo("changed enabled");
    }
}
