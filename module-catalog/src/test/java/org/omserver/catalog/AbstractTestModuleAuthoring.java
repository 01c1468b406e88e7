package org.omserver.catalog;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.module.InvalidModuleException;
import org.omserver.catalog.module.ModuleChange;
import org.omserver.catalog.module.ModuleChangeException;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ModuleFiles;
import org.omserver.catalog.module.ModuleRepository;
import org.omserver.catalog.module.ModuleSource;
import org.omserver.catalog.module.ModuleVersion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Creating, editing, deleting and rolling back modules, with their versions, on a real database per subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTestModuleAuthoring
{
    private static final String ECHO = """
            {"name": "echo", "caption": "Says <b>hello</b>.",
             "params": [{"name": "word", "type": "STRING", "pattern": "[a-z]+", "maxLength": 16},
                        {"name": "token", "type": "SECRET", "required": false}],
             "command": ["echo", "${word}"]}
            """;

    private Catalog catalog;
    private ModuleRepository modules;

    protected abstract DatabaseConfig config();

    @BeforeAll
    void open()
    {
        catalog = Catalog.open(config());
        modules = catalog.modules();
    }

    @AfterAll
    void closeCatalog()
    {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void createEditDisableDeleteAndRollBackKeepEveryVersion()
            throws Exception
    {
        ModuleChange created = modules.create(ModuleFiles.read(ECHO), "alice");
        int id = created.moduleId();
        assertThat(id).isGreaterThanOrEqualTo(1008);
        assertThat(created.version()).isEqualTo(1);
        ModuleDefinition definition = modules.find(id).orElseThrow();
        assertThat(definition.runnable()).isTrue();
        assertThat(definition.caption()).isEqualTo("Says hello.");
        assertThat(definition.version()).isEqualTo(1);

        ModuleSource edited = ModuleFiles.read(ECHO.replace("\"echo\", \"${word}\"", "\"printf\", \"%s\", \"${word}\"")).withId(id);
        ModuleChange update = modules.update(edited, 1, "update", "bob");
        assertThat(update.version()).isEqualTo(2);
        assertThat(update.summary()).isEqualTo("changed command");
        assertThat(modules.find(id).orElseThrow().argvTemplate()).containsExactly("printf", "%s", "${word}");

        assertThat(modules.update(edited.withEnabled(false), 2, "disable", "bob").summary()).isEqualTo("changed enabled");
        assertThat(modules.find(id).orElseThrow().runnable()).isFalse();

        assertThatThrownBy(() -> modules.update(edited, 2, "update", "carol"))
                .isInstanceOf(ModuleChangeException.class)
                .hasMessageContaining("module " + id + " is at version 3, not 2 as your change assumed")
                .satisfies(e -> assertThat(((ModuleChangeException) e).reason()).isEqualTo(ModuleChangeException.Reason.CONFLICT));

        assertThat(modules.rollback(id, 1, 3, "alice").summary()).isEqualTo("rolled back to version 1: changed command, enabled");
        assertThat(modules.find(id).orElseThrow()).satisfies(module -> {
            assertThat(module.argvTemplate()).containsExactly("echo", "${word}");
            assertThat(module.runnable()).isTrue();
            assertThat(module.version()).isEqualTo(4);
        });

        assertThat(modules.delete(id, 4, "alice").version()).isEqualTo(5);
        assertThat(modules.find(id)).isEmpty();
        assertThatThrownBy(() -> modules.rollback(id, 5, 5, "alice")).hasMessageContaining("is its deletion");
        assertThat(modules.rollback(id, 2, 5, "alice").summary()).isEqualTo("rolled back to version 2: re-created");
        assertThat(modules.find(id).orElseThrow().argvTemplate()).containsExactly("printf", "%s", "${word}");

        List<ModuleVersion> versions = modules.versions(id);
        assertThat(versions).extracting(ModuleVersion::version).containsExactly(6, 5, 4, 3, 2, 1);
        assertThat(versions).extracting(ModuleVersion::action).containsExactly("rollback", "delete", "rollback", "disable", "update", "create");
        assertThat(versions).extracting(ModuleVersion::actor).containsExactly("alice", "alice", "alice", "bob", "bob", "alice");
        assertThat(versions.get(1).definition()).isEmpty();
        assertThat(versions.get(5).previousDefinition()).isEmpty();
        assertThat(ModuleFiles.read(versions.get(4).previousDefinition().orElseThrow())).isEqualTo(ModuleFiles.read(ECHO).withId(id));
        assertThat(modules.create(ModuleFiles.read(ECHO), "alice").moduleId()).isEqualTo(id + 1);
    }

    @Test
    void builtInsAreEditedAsVersionsFromVersionZero()
            throws Exception
    {
        ModuleSource builtin = modules.source(1004).orElseThrow().source();
        assertThat(modules.source(1004).orElseThrow().version()).isZero();
        ModuleChange change = modules.update(builtin.withEnabled(false), 0, "disable", "admin");
        assertThat(change.version()).isEqualTo(1);
        ModuleVersion first = modules.versions(1004).getFirst();
        assertThat(ModuleFiles.read(first.previousDefinition().orElseThrow())).isEqualTo(builtin);
        modules.rollback(1004, 1, 1, "admin");
        assertThat(modules.find(1004).orElseThrow().runnable()).isFalse();
    }

    @Test
    void refusedChangesLeaveTheCatalogAsItWas()
            throws Exception
    {
        int id = modules.create(ModuleFiles.read(ECHO.replace("[\"echo\", \"${word}\"]", "[\"echo\", \"-n\", \"${word}\"]")), "alice").moduleId();
        assertThatThrownBy(() -> modules.create(ModuleFiles.read(ECHO).withId(id), "bob"))
                .hasMessageContaining("module id " + id + " is taken");
        assertThatThrownBy(() -> modules.update(ModuleFiles.read(ECHO).withId(99_999), 0, "update", "bob"))
                .hasMessageContaining("module 99999 does not exist");
        assertThatThrownBy(() -> modules.delete(id, 7, "bob")).hasMessageContaining("is at version 1, not 7");
        assertThatThrownBy(() -> modules.rollback(id, 9, 1, "bob")).hasMessageContaining("has no version 9");
        ModuleSource broken = new ModuleSource(id, "x", "", java.util.Optional.empty(), "any", List.of(), List.of("cat", "${nope}"), false, 60,
                java.util.OptionalInt.empty(), false, true);
        assertThatThrownBy(() -> modules.update(broken, 1, "update", "bob"))
                .isInstanceOf(InvalidModuleException.class)
                .hasMessageContaining("uses ${nope}");
        assertThat(modules.versions(id)).hasSize(1);
        assertThat(modules.find(id).orElseThrow().argvTemplate()).containsExactly("echo", "-n", "${word}");
    }
}
