package org.omserver.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.catalog.TestingMySql;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.user.Role;
import org.omserver.executor.ssh.TestingSshd;
import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.TestingBrowser;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.SharedSecret;
import picocli.CommandLine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Module authoring three ways against a running stack (master on MariaDB, gateway over HTTP): the {@code module}
 * CLI, module files, and the gateway's /modules pages; all three must agree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestModuleAuthoring
{
    private static final String PASSWORD = "pw of the author";
    private static final String HOSTILE_LEGACY = "<select name=sys_param_1 onchange=alert(1)><option>nginx</option><option>mysql</option></select>"
            + "<script>alert(2)</script><img src=x onerror=alert(3)>";

    private TestingMySql mysql;
    private TestingSshd sshd;
    private MasterServer master;
    private GatewayServer gateway;
    private Path config;

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        mysql = new TestingMySql();
        sshd = TestingSshd.start("127.0.8.2");
        SharedSecret secret = SharedSecret.generate();
        Map<String, String> masterProperties = new HashMap<>(Map.of("master.port", "0", "db.url", mysql.config().jdbcUrl(),
                "db.user", mysql.config().user(), "db.password", mysql.config().password()));
        sshd.executorConfig().properties().forEach((key, value) -> masterProperties.put("executor.ssh." + key, value));
        master = MasterServer.start(MasterConfig.fromProperties(masterProperties), secret, Clock.systemUTC());
        master.catalog().users().create("author", PASSWORD.toCharArray(), Role.AUTHOR);
        master.catalog().users().create("viewer", PASSWORD.toCharArray(), Role.VIEWER);
        gateway = GatewayServer.start(GatewayConfig.fromProperties(Map.of("gateway.port", "0", "master.port", Integer.toString(master.port()))), secret);

        Path secretFile = dir.resolve("secret");
        Files.write(secretFile, secret.bytes());
        config = dir.resolve("client.properties");
        Files.writeString(config, "secret.file=" + secretFile + "\nmaster.host=127.0.0.1\nmaster.port=" + master.port() + "\n", UTF_8);
    }

    @AfterAll
    void stop()
    {
        Running.closeAll(Stream.of(mysql, sshd, master, gateway).filter(part -> part != null).map(AutoCloseable.class::cast).toList());
    }

    // ---- CLI and files ----------------------------------------------------------------------------

    @Test
    void exportImportExportThroughTheCliGivesIdenticalFiles(@TempDir Path dir)
            throws Exception
    {
        Cli exported = cli("author", "export", "--dir", dir.resolve("first").toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir.resolve("first"))) {
            files = listed.sorted().toList();
        }
        assertThat(files).extracting(path -> path.getFileName().toString()).contains("module-1001.json", "module-1007.json");

        List<String> importArgs = new ArrayList<>(List.of("import"));
        files.forEach(file -> importArgs.add(file.toString()));
        Cli imported = cli("author", importArgs.toArray(String[]::new));
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("module 1001 unchanged").doesNotContain("version 1");

        assertThat(cli("author", "export", "--dir", dir.resolve("second").toString()).code()).isZero();
        for (Path file : files) {
            assertThat(Files.readString(dir.resolve("second").resolve(file.getFileName()), UTF_8)).isEqualTo(Files.readString(file, UTF_8));
        }
        Cli single = cli("author", "export", "1003");
        assertThat(single.out()).isEqualTo(Files.readString(dir.resolve("first/module-1003.json"), UTF_8));
    }

    @Test
    void yamlExportImportExportGivesIdenticalFilesAndTheSameModulesAsJson(@TempDir Path dir)
            throws Exception
    {
        Cli exported = cli("author", "export", "--format", "yaml", "--dir", dir.resolve("yaml").toString(), "1001", "1003");
        assertThat(exported.code()).as(exported.err()).isZero();
        Path yaml = dir.resolve("yaml/module-1003.yaml");
        assertThat(Files.readString(yaml, UTF_8)).startsWith("id: 1003\nname: ");
        Cli imported = cli("author", "import", dir.resolve("yaml/module-1001.yaml").toString(), yaml.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("module 1001 unchanged").contains("module 1003 unchanged");
        assertThat(cli("author", "export", "--format", "yaml", "1003").out()).isEqualTo(Files.readString(yaml, UTF_8));

        Path handWritten = dir.resolve("free.yml");
        Files.writeString(handWritten, """
                name: free memory
                caption: Shows free memory.
                backend: ssh
                command: [free, -m]
                timeoutSeconds: 20
                """, UTF_8);
        Cli added = cli("author", "add", handWritten.toString());
        assertThat(added.code()).as(added.err()).isZero();
        Matcher id = Pattern.compile("added module (\\d+)").matcher(added.out());
        assertThat(id.find()).isTrue();
        String json = cli("author", "export", id.group(1)).out();
        Path asJson = dir.resolve("free.json");
        Files.writeString(asJson, json, UTF_8);
        Path asYaml = dir.resolve("free.yaml");
        Files.writeString(asYaml, cli("author", "export", "-F", "yaml", id.group(1)).out(), UTF_8);
        assertThat(cli("author", "import", asJson.toString(), asYaml.toString()).out()).contains(asJson + ": module " + id.group(1) + " unchanged")
                .contains(asYaml + ": module " + id.group(1) + " unchanged");

        int before = master.catalog().modules().list().size();
        Path bomb = dir.resolve("bomb.yaml");
        Files.writeString(bomb, "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nname: *b\n", UTF_8);
        Path duplicate = dir.resolve("duplicate.yaml");
        Files.writeString(duplicate, "name: one\nname: two\ncommand: [\"true\"]\n", UTF_8);
        Path typed = dir.resolve("typed.yaml");
        Files.writeString(typed, "name: typed\ncommand: [\"true\"]\nneedsRoot: \"yes\"\n", UTF_8);
        Cli hostile = cli("author", "import", bomb.toString(), duplicate.toString(), typed.toString());
        assertThat(hostile.code()).isEqualTo(1);
        assertThat(hostile.err()).contains(bomb + ": YAML anchors (&a) are not allowed").contains(duplicate + ": the module file is not valid YAML")
                .contains("Duplicate field 'name'").contains(typed + ": ").contains("needsRoot");
        assertThat(master.catalog().modules().list()).hasSize(before);
        assertThat(cli("author", "export", "--format", "xml", "1003").err()).contains("--format must be json or yaml");
    }

    @Test
    void disableEnableDeleteVersionsAndRollbackFromTheCli(@TempDir Path dir)
            throws Exception
    {
        Path file = dir.resolve("hostname.json");
        Files.writeString(file, "{\"name\": \"hostname\", \"command\": [\"hostname\"]}", UTF_8);
        Matcher added = Pattern.compile("added module (\\d+)").matcher(cli("author", "add", file.toString()).out());
        assertThat(added.find()).isTrue();
        String id = added.group(1);
        int moduleId = Integer.parseInt(id);

        assertThat(cli("author", "disable", id).out()).contains("module " + id + " is now version 2");
        assertThat(master.catalog().modules().find(moduleId).orElseThrow().enabled()).isFalse();
        assertThat(cli("author", "enable", id).out()).contains("module " + id + " is now version 3");
        assertThat(master.catalog().modules().find(moduleId).orElseThrow().enabled()).isTrue();

        Cli unconfirmed = cli("author", "delete", id);
        assertThat(unconfirmed.code()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("not deleted: add --yes to confirm");
        assertThat(master.catalog().modules().find(moduleId)).isPresent();
        assertThat(cli("viewer", "delete", id, "--yes").err()).contains("your role viewer may not change the module catalog");
        assertThat(master.catalog().modules().find(moduleId)).isPresent();
        Cli builtin = cli("author", "delete", "1003", "--yes");
        assertThat(builtin.code()).isEqualTo(1);
        assertThat(master.catalog().modules().find(1003)).isPresent();

        Cli deleted = cli("author", "delete", id, "--yes");
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted module " + id + " (version 4); restore it with: omserver module rollback " + id + " 3");
        assertThat(master.catalog().modules().find(moduleId)).isEmpty();

        Cli versions = cli("author", "versions", id);
        assertThat(versions.out().lines().toList()).hasSize(4);
        assertThat(versions.out()).startsWith("v4").contains(" author ").contains("delete").contains("disable").contains("create");
        Cli restored = cli("author", "rollback", id, "3");
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("module " + id + " is now version 5");
        assertThat(master.catalog().modules().find(moduleId).orElseThrow().enabled()).isTrue();
        assertThat(cli("author", "rollback", id, "99").err()).contains("99");
        assertThat(cli("author", "versions", "77777").err()).contains("module 77777");
    }

    @Test
    void addEditAndImportAreVersionedChangesOfTheMaster(@TempDir Path dir)
            throws Exception
    {
        Path file = dir.resolve("uptime.json");
        Files.writeString(file, """
                {"name": "uptime", "caption": "Shows <b>uptime</b>.", "command": ["uptime"], "backend": "ssh", "maxParallel": 3}
                """, UTF_8);
        Cli added = cli("author", "add", file.toString());
        assertThat(added.code()).as(added.err()).isZero();
        Matcher id = Pattern.compile("added module (\\d+) \\(version 1\\)").matcher(added.out());
        assertThat(id.find()).as(added.out()).isTrue();
        int moduleId = Integer.parseInt(id.group(1));
        assertThat(moduleId).isGreaterThanOrEqualTo(1008);

        Path exported = dir.resolve("exported.json");
        Files.writeString(exported, cli("author", "export", Integer.toString(moduleId)).out(), UTF_8);
        Files.writeString(exported, Files.readString(exported).replace("\"timeoutSeconds\" : 60", "\"timeoutSeconds\" : 15"), UTF_8);
        Cli edited = cli("author", "edit", Integer.toString(moduleId), "--file", exported.toString());
        assertThat(edited.out()).contains("module " + moduleId + " is now version 2: changed timeoutSeconds");
        assertThat(master.catalog().modules().find(moduleId).orElseThrow().timeout()).hasSeconds(15);

        Files.writeString(exported, Files.readString(exported).replace("\"timeoutSeconds\" : 15", "\"timeoutSeconds\" : 20"), UTF_8);
        Cli imported = cli("author", "import", exported.toString());
        assertThat(imported.out()).contains("module " + moduleId + " version 3: changed timeoutSeconds");

        Cli shown = cli("author", "show", Integer.toString(moduleId));
        assertThat(shown.out()).contains("module " + moduleId + ": uptime (version 3, runnable)").contains("max parallel 3")
                .contains("v3").contains("v2").contains("v1").contains("author update: changed timeoutSeconds");
        assertThat(cli("viewer", "list").out()).contains(moduleId + " ").contains("uptime");
        AuditEntry audit = master.catalog().audit().latest(20).stream().filter(entry -> entry.action().equals("moduleUpdate")).findFirst().orElseThrow();
        assertThat(audit.actor()).isEqualTo("author");
        assertThat(audit.detail()).hasValue("version 3: changed timeoutSeconds");
    }

    @Test
    void theCliSaysWhatWentWrongAndChangesNothing(@TempDir Path dir)
            throws Exception
    {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"name\": \"bad\", \"command\": [\"sh\", \"-c\", \"echo ${x}\"]}", UTF_8);
        int before = master.catalog().modules().list().size();
        Cli refused = cli("author", "add", file.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("invalid module definition: command template element 'echo ${x}' is broken").contains("INVALID_REQUEST");

        Path good = dir.resolve("good.json");
        Files.writeString(good, "{\"name\": \"fine\", \"command\": [\"true\"]}", UTF_8);
        Cli forbidden = cli("viewer", "add", good.toString());
        assertThat(forbidden.code()).isEqualTo(1);
        assertThat(forbidden.err()).contains("your role viewer may not change the module catalog");

        Cli wrongPassword = new Cli(Map.of(ModuleCommand.PASSWORD_VARIABLE, "wrong"), "-c", config.toString(), "-u", "author", "list");
        assertThat(wrongPassword.code()).isEqualTo(1);
        assertThat(wrongPassword.err()).contains("login as author refused: wrong user name or password");

        Cli notAFile = cli("author", "add", dir.resolve("missing.json").toString());
        assertThat(notAFile.code()).isEqualTo(2);
        assertThat(notAFile.err()).contains("no such file");
        assertThat(master.catalog().modules().list()).hasSize(before);
    }

    // ---- gateway pages ----------------------------------------------------------------------------

    @Test
    void anAuthorCreatesPreviewsEditsDisablesDeletesAndRestoresAModuleInTheBrowser()
            throws Exception
    {
        TestingBrowser browser = new TestingBrowser(gateway.uri());
        String csrf = browser.login("author", PASSWORD);
        assertThat(browser.get("/modules").body()).contains("New module").contains("view system log");
        assertThat(browser.get("/modules/new").statusCode()).isEqualTo(200);

        List<String> form = List.of("csrf", csrf, "expectedVersion", "", "id", "", "name", "restart <svc>", "caption", "Restarts a service.",
                "backend", "any", "timeoutSeconds", "30", "maxParallel", "", "enabled", "on", "shell", "on",
                "params", "[]", "command", "[\"systemctl restart ${sys_param_1} && echo done\"]", "legacyExtend", HOSTILE_LEGACY,
                "sample.sys_param_1", "nginx");
        HttpResponse<String> preview = browser.post("/modules/preview", form);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("runs through a shell")
                .contains("<div class=\"legacy-form\"><select name=\"sys_param_1\"><option>nginx</option><option>mysql</option></select></div>")
                .contains("<code>systemctl restart &#39;nginx&#39; &amp;&amp; echo done</code>")
                .doesNotContain("<script>alert").doesNotContain("<img");
        // the draft's own text goes back into hidden fields escaped; the rendered fragment is the sanitized one
        String rendered = preview.body().substring(preview.body().indexOf("<div class=\"legacy-form\">"));
        assertThat(rendered.substring(0, rendered.indexOf("</div>"))).doesNotContain("onchange").doesNotContain("onerror").doesNotContain("script");

        HttpResponse<String> saved = browser.post("/modules/save", form);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
        String location = saved.headers().firstValue("Location").orElseThrow();
        Matcher created = Pattern.compile("/modules/(\\d+)\\?changed=1").matcher(location);
        assertThat(created.matches()).as(location).isTrue();
        int id = Integer.parseInt(created.group(1));
        ModuleDefinition stored = master.catalog().modules().find(id).orElseThrow();
        assertThat(stored.shell()).isTrue();
        assertThat(stored.params()).extracting(p -> p.name()).containsExactly("sys_param_1");
        assertThat(stored.legacyExtend().orElseThrow()).doesNotContain("script").doesNotContain("onchange");

        String page = browser.get(location).body();
        assertThat(page).contains("restart &lt;svc&gt;").contains("runs through a shell").contains("Saved as version 1").contains("create: created");

        HttpResponse<String> edit = browser.get("/modules/" + id + "/edit");
        assertThat(edit.body()).contains("name=\"expectedVersion\" value=\"1\"").contains("value=\"restart &lt;svc&gt;\"");
        List<String> changed = new ArrayList<>(form);
        changed.set(changed.indexOf("expectedVersion") + 1, "1");
        changed.set(changed.indexOf("id") + 1, Integer.toString(id));
        changed.set(changed.indexOf("caption") + 1, "Restarts one service.");
        assertThat(browser.post("/modules/save", changed).statusCode()).isEqualTo(303);
        HttpResponse<String> stale = browser.post("/modules/save", changed);
        assertThat(stale.statusCode()).isEqualTo(400);
        assertThat(stale.body()).contains("is at version 2, not 1 as your change assumed").contains("Restarts one service.");

        assertThat(browser.post("/modules/" + id + "/disable", List.of("csrf", csrf, "expectedVersion", "2")).statusCode()).isEqualTo(303);
        assertThat(master.catalog().modules().find(id).orElseThrow().enabled()).isFalse();
        assertThat(browser.get("/").body()).contains(id + " restart &lt;svc&gt;");

        assertThat(browser.get("/modules/" + id + "/delete").body()).contains("Type the module's id, " + id);
        HttpResponse<String> unconfirmed = browser.post("/modules/" + id + "/delete", List.of("csrf", csrf, "expectedVersion", "3", "confirmId", "1"));
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(unconfirmed.body()).contains("Type the module&#39;s id, " + id + ", to confirm the deletion.");
        assertThat(master.catalog().modules().find(id)).isPresent();
        HttpResponse<String> deleted = browser.post("/modules/" + id + "/delete", List.of("csrf", csrf, "expectedVersion", "3", "confirmId", Integer.toString(id)));
        assertThat(deleted.headers().firstValue("Location")).hasValue("/modules?deleted=" + id);
        assertThat(master.catalog().modules().find(id)).isEmpty();

        assertThat(browser.post("/modules/" + id + "/rollback", List.of("csrf", csrf, "expectedVersion", "4", "toVersion", "2")).statusCode()).isEqualTo(303);
        assertThat(master.catalog().modules().find(id).orElseThrow().caption()).isEqualTo("Restarts one service.");
        assertThat(browser.get("/modules/" + id).body()).contains("rollback: rolled back to version 2: re-created");
    }

    @Test
    void viewersSeeNoAuthoringButtonsAndTheMasterRefusesThemAnyway()
            throws Exception
    {
        TestingBrowser browser = new TestingBrowser(gateway.uri());
        String csrf = browser.login("viewer", PASSWORD);
        assertThat(browser.get("/modules").body()).contains("view system log").doesNotContain("New module");
        String page = browser.get("/modules/1001").body();
        assertThat(page).contains("Lines").doesNotContain("/modules/1001/edit").doesNotContain("Disable").doesNotContain("Roll back");

        HttpResponse<String> refused = browser.post("/modules/1001/disable", List.of("csrf", csrf, "expectedVersion", "0"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("your role viewer may not change the module catalog");
        HttpResponse<String> noCsrf = browser.post("/modules/1001/disable", List.of("expectedVersion", "0"));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(master.catalog().modules().find(1001).orElseThrow().enabled()).isTrue();

        assertThat(browser.get("/modules/999999").statusCode()).isEqualTo(404);
        assertThat(browser.get("/modules/abc/edit").statusCode()).isEqualTo(404);
        HttpResponse<String> badJson = browser.post("/modules/save", List.of("csrf", csrf, "name", "x", "params", "[{", "command", "[]"));
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).contains("Parameters is not valid JSON");
    }

    private Cli cli(String user, String... args)
    {
        List<String> all = new ArrayList<>(List.of("-c", config.toString(), "-u", user));
        all.addAll(List.of(args));
        return new Cli(Map.of(ModuleCommand.PASSWORD_VARIABLE, PASSWORD), all.toArray(String[]::new));
    }

    /** One run of {@code omserver module …} in this JVM, with its own environment, standard output and error. */
    private record Cli(int code, String out, String err)
    {
        Cli(Map<String, String> environment, String... args)
        {
            this(run(environment, args));
        }

        private Cli(String[] result)
        {
            this(Integer.parseInt(result[0]), result[1], result[2]);
        }

        private static String[] run(Map<String, String> environment, String... args)
        {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.configure(new CommandLine(new ModuleCommand(environment::get)));
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            int code = commandLine.execute(args);
            return new String[] {Integer.toString(code), out.toString(), err.toString()};
        }
    }
}
