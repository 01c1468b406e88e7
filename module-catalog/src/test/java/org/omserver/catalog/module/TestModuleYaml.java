package org.omserver.catalog.module;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** YAML module files: the JSON schema and checks, canonical both ways, and what a hostile YAML file is refused for. */
class TestModuleYaml
{
    @Test
    void jsonToYamlToJsonGivesTheSameFilesAndTheSameModule()
            throws InvalidModuleException
    {
        ModuleSource source = ModuleFiles.read(TestModuleFiles.DISK_USAGE);
        String yaml = ModuleYaml.write(source);
        assertThat(yaml).startsWith("id: 1200\nname: \"disk usage\"\n").contains("default: \"true\"").doesNotStartWith("---");
        assertThat(ModuleYaml.read(yaml)).isEqualTo(source);
        assertThat(ModuleYaml.toCanonicalJson(yaml)).isEqualTo(TestModuleFiles.DISK_USAGE);
        assertThat(ModuleYaml.write(ModuleYaml.read(yaml))).isEqualTo(yaml);
        assertThat(ModuleYaml.fromJson(TestModuleFiles.DISK_USAGE)).isEqualTo(yaml);
    }

    @Test
    void aHandWrittenYamlFileReadsWithPlainYamlValuesAndMultiLineTexts()
            throws InvalidModuleException
    {
        ModuleSource source = ModuleYaml.read("""
                # kept in git
                name: restart
                caption: |
                  Restarts a service.
                  Then checks it.
                backend: ssh
                params:
                  - name: unit
                    type: ENUM
                    label: Unit
                    required: true
                    choices: {nginx: nginx, "012": "012"}
                command: [systemctl, restart, "${unit}"]
                timeoutSeconds: 90
                """);
        // captions are plain text (ModuleFiles): the block's line break becomes a space
        assertThat(source.caption()).isEqualTo("Restarts a service. Then checks it.");
        assertThat(source.timeoutSeconds()).isEqualTo(90);
        assertThat(source.command()).containsExactly("systemctl", "restart", "${unit}");
        String yaml = ModuleYaml.write(source);
        assertThat(ModuleYaml.read(yaml)).isEqualTo(source);
        // "012", "yes", "null" stay strings on the way out and back
        assertThat(yaml).contains("  - \"012\"\n");
    }

    @Test
    void hostileOrWrongYamlIsRefusedWithWhatToFix()
    {
        String bomb = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                name: *c
                """;
        assertThatThrownBy(() -> ModuleYaml.read(bomb)).isInstanceOf(InvalidModuleException.class).hasMessageContaining("YAML anchors (&a) are not allowed")
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> ModuleYaml.read("name: x\ncaption: *nowhere\n")).hasMessageContaining("YAML aliases (*nowhere) are not allowed")
                .hasMessageContaining("line 2, column 10");
        assertThatThrownBy(() -> ModuleYaml.read("name: !!java.net.URL [\"http://127.0.0.1/\"]\n")).hasMessageContaining("YAML tags")
                .hasMessageContaining("are not allowed");
        assertThatThrownBy(() -> ModuleYaml.read("name: a\nname: b\n")).hasMessageContaining("not valid YAML").hasMessageContaining("Duplicate field 'name'");
        assertThatThrownBy(() -> ModuleYaml.read("name: a\n---\nname: b\n")).hasMessageContaining("more than one YAML document");
        assertThatThrownBy(() -> ModuleYaml.read("name: x\nexec: rm -rf /\n")).hasMessageContaining("unknown key 'exec'");
        assertThatThrownBy(() -> ModuleYaml.read("name: x\ntimeoutSeconds: \"60\"\n")).hasMessageContaining("timeoutSeconds");
        assertThatThrownBy(() -> ModuleYaml.read("name: [x]\n")).hasMessageContaining("name");
        assertThatThrownBy(() -> ModuleYaml.read("- name: x\n")).hasMessageContaining("a module file is one JSON object");
        assertThatThrownBy(() -> ModuleYaml.read("")).hasMessageContaining("the module file is empty");
        assertThatThrownBy(() -> ModuleYaml.read("name: \"a\0b\"\n")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> ModuleYaml.read("name: \"a\\0b\"\n")).hasMessageContaining("name must be 1 to 64 characters without control characters");
        assertThatThrownBy(() -> ModuleYaml.read("name: x\ncaption: " + "[".repeat(40) + "]".repeat(40) + "\n")).hasMessageContaining("nests deeper than 16");
        assertThatThrownBy(() -> ModuleYaml.read("name: x\ncaption: \"" + "c".repeat(ModuleFiles.MAX_FILE_CHARS) + "\"\n"))
                .hasMessageContaining("more than the 262144 allowed");
        assertThatThrownBy(() -> ModuleYaml.read("name: x\n  bad: indent\n")).hasMessageContaining("not valid YAML").hasMessageContaining("line 2");
    }

    @Test
    void yamlIsChosenByTheFileName()
    {
        assertThat(ModuleYaml.isYamlName("module-1200.yaml")).isTrue();
        assertThat(ModuleYaml.isYamlName("m.YML")).isTrue();
        assertThat(ModuleYaml.isYamlName("module-1200.json")).isFalse();
    }
}
