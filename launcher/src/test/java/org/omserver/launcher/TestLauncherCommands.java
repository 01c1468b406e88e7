package org.omserver.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The omserver command line: configuration mistakes are one-line messages with what to do, never stack traces. */
class TestLauncherCommands
{
    @Test
    void aMissingConfigurationFileNamesTheFileAndTheExamples(@TempDir Path directory)
    {
        Result result = run("master", "--config", directory.resolve("nope.properties").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("nope.properties does not exist; copy an example from conf/");
        assertThat(result.err()).doesNotContain("at org.");
    }

    @Test
    void aMasterWithoutSharedSecretSaysHowToGiveOne(@TempDir Path directory)
            throws Exception
    {
        Path config = Files.writeString(directory.resolve("master.properties"), "db.url=jdbc:h2:mem:x\n");
        Result result = run("master", "--config", config.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no shared secret: set OMSERVER_SECRET or secret.file in " + config);
    }

    @Test
    void aTooShortSecretFileIsRefusedWithTheFileNamed(@TempDir Path directory)
            throws Exception
    {
        Files.writeString(directory.resolve("secret"), "short");
        Path config = Files.writeString(directory.resolve("gateway.properties"), "secret.file=secret\n");
        Result result = run("gateway", "--config", config.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("shared secret file " + directory.resolve("secret")).contains("at least 16 bytes");
    }

    @Test
    void unknownGatewayKeysAreRefusedByName(@TempDir Path directory)
            throws Exception
    {
        Files.writeString(directory.resolve("secret"), "0123456789abcdef0123456789abcdef");
        Path config = Files.writeString(directory.resolve("gateway.properties"), "secret.file=secret\ngateway.prot=8080\n");
        Result result = run("gateway", "--config", config.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("gateway.prot");
    }

    @Test
    void migrateBringsTheSchemaUpAndCreatesTheFirstAdminOnce(@TempDir Path directory)
            throws Exception
    {
        String url = "jdbc:h2:mem:migrate-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        Path config = Files.writeString(directory.resolve("master.properties"), "db.url=" + url + "\ndb.user=sa\n");

        Result first = run("migrate", "--config", config.toString(), "--create-admin", "root-admin");
        assertThat(first.exitCode()).as(first.err()).isEqualTo(0);
        assertThat(first.out()).contains("Applied migrations").contains("Created admin root-admin with password ");

        Result again = run("migrate", "--config", config.toString());
        assertThat(again.exitCode()).isEqualTo(0);
        assertThat(again.out()).contains("Schema is up to date at version");

        Result duplicate = run("migrate", "--config", config.toString(), "--create-admin", "root-admin");
        assertThat(duplicate.exitCode()).isEqualTo(2);
        assertThat(duplicate.err()).contains("user root-admin already exists; nothing changed");
    }

    @Test
    void migrateWithoutDatabaseUrlSaysWhichKeyIsMissing(@TempDir Path directory)
            throws Exception
    {
        Path config = Files.writeString(directory.resolve("master.properties"), "db.user=sa\n");
        Result result = run("migrate", "--config", config.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("db.url is missing in " + config);
    }

    @Test
    void theDemoRefusesAnImpossibleHostCount()
    {
        Result result = run("demo", "--hosts", "0");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--hosts must be 1-16, was 0");
    }

    @Test
    void theModuleHelpNamesEveryVerbAndTheYamlFiles()
    {
        Result help = module("--help");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).contains("YAML when named .yaml/.yml");
        for (String verb : List.of("list", "show", "add", "edit", "export", "import", "enable", "disable", "delete", "versions", "rollback")) {
            assertThat(help.out()).contains("  " + verb + " ");
        }
        Result delete = module("help", "delete");
        assertThat(delete.out()).contains("--yes").contains("--builtin").contains("roll back to restore it");
    }

    @Test
    void anUnknownSubcommandIsRefusedWithSuggestions()
    {
        Result result = run("destroy-everything");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("Unmatched argument at index 0: 'destroy-everything'").contains("Did you mean: omserver");
    }

    @Test
    void agentTokensAreCreatedListedAgentsAndUnknownRevocationsRefused(@TempDir Path directory)
            throws Exception
    {
        String url = "jdbc:h2:mem:agents-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        Path config = Files.writeString(directory.resolve("master.properties"), "db.url=" + url + "\ndb.user=sa\nsecret.file=secret\n");
        assertThat(run("migrate", "--config", config.toString()).exitCode()).isEqualTo(0);

        Result token = run("agent-token", "--config", config.toString(), "--expires", "1h");
        assertThat(token.exitCode()).as(token.err()).isEqualTo(0);
        assertThat(token.out()).containsPattern("(?m)^omt1\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}$");

        Result tooLong = run("agent-token", "--config", config.toString(), "--expires", "90d");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).contains("at most 30 days");

        Result list = run("agents", "--config", config.toString());
        assertThat(list.exitCode()).as(list.err()).isEqualTo(0);
        assertThat(list.out()).contains("AGENT").contains("LAST HEARTBEAT");

        Result revoke = run("agents", "--config", config.toString(), "--revoke", "agt-nope");
        assertThat(revoke.exitCode()).isEqualTo(2);
        assertThat(revoke.err()).contains("there is no active agent agt-nope; 'omserver agents' lists them");

        Result pending = run("agents", "--config", config.toString(), "--pending");
        assertThat(pending.exitCode()).as(pending.err()).isEqualTo(0);
        assertThat(pending.out()).contains("REQUEST").contains("KEY");
        Result unknown = run("agents", "--config", config.toString(), "--approve", "req-0000000000000000");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("request req-0000000000000000 does not exist").contains("'omserver agents --pending' lists the requests");
        Result malformed = run("agents", "--config", config.toString(), "--reject", "../x");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("a request id is req- and 16 hex digits");
        assertThat(Main.commandLine().getSubcommands().get("agents").getUsageMessage()).contains("--pending").contains("--approve").contains("--reject");
    }

    @Test
    void theMastersCommandAllowListIsListedExtendedAndShrunkWithBadEntriesRefused(@TempDir Path directory)
    {
        String url = "jdbc:h2:mem:commands-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        Path config = writeConfig(directory, url);
        assertThat(run("migrate", "--config", config.toString()).exitCode()).isEqualTo(0);

        Result seeded = run("commands", "--config", config.toString(), "list");
        assertThat(seeded.exitCode()).as(seeded.err()).isEqualTo(0);
        assertThat(seeded.out()).contains("uptime").contains("df").contains("-h|-k|-i ...");

        Result added = run("commands", "--config", config.toString(), "--note", "reachability", "add", "--", "ping", "-c [1-5] [a-z0-9.-]+");
        assertThat(added.exitCode()).as(added.err()).isEqualTo(0);
        java.util.regex.Matcher entry = java.util.regex.Pattern.compile("(?m)^Added entry (\\d+): ping -c \\[1-5] \\[a-z0-9.-]\\+$").matcher(added.out());
        assertThat(entry.find()).as(added.out()).isTrue();
        String id = entry.group(1);
        assertThat(run("commands", "--config", config.toString(), "list").out()).contains("ping").contains("reachability");

        Result broken = run("commands", "--config", config.toString(), "add", "--", "ping", "-c [1-5");
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("is not a regular expression");

        assertThat(run("commands", "--config", config.toString(), "remove", id).out()).contains("Removed entry " + id);
        Result gone = run("commands", "--config", config.toString(), "remove", id);
        assertThat(gone.exitCode()).isEqualTo(2);
        assertThat(gone.err()).contains("there is no entry " + id);
        assertThat(run("commands", "--config", config.toString(), "list").out()).doesNotContain("ping");
    }

    @Test
    void theHelpNamesTheInventoryCommandAndItsVerbs()
    {
        CommandLine omserver = Main.commandLine();
        assertThat(omserver.getUsageMessage()).contains("inventory").contains("Manage the inventory: servers, categories, server groups");
        assertThat(omserver.getSubcommands().get("inventory").getUsageMessage()).contains("list", "search", "show", "add", "edit", "move", "remove",
                "categories", "category-add", "category-rename", "category-delete", "groups", "group", "import", "export");
    }

    private static Path writeConfig(Path directory, String url)
    {
        try {
            return Files.writeString(directory.resolve("master.properties"), "db.url=" + url + "\ndb.user=sa\nsecret.file=secret\n");
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anAgentWithoutStateDirectoryOrTokenSaysWhatToSet(@TempDir Path directory)
            throws Exception
    {
        Path config = Files.writeString(directory.resolve("agent.properties"), "agent.port=0\n");
        Result result = run("agent", "--config", config.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("state.dir is required");

        Path enrolled = Files.writeString(directory.resolve("agent2.properties"), "agent.port=0\nstate.dir=" + directory.resolve("state") + "\n");
        Result noToken = run("agent", "--config", enrolled.toString());
        assertThat(noToken.exitCode()).isEqualTo(2);
        assertThat(noToken.err()).contains("this agent is not enrolled yet").contains("set enroll.token-file or OMSERVER_AGENT_TOKEN");
    }

    /** {@code omserver module …} on its own command line, whose help goes to the captured writers. */
    private static Result module(String... args)
    {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.configure(new CommandLine(new ModuleCommand()));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Result run(String... args)
    {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        java.io.PrintStream systemOut = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int code = commandLine.execute(args);
            return new Result(code, out + printed.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString());
        }
        finally {
            System.setOut(systemOut);
        }
    }

    private record Result(int exitCode, String out, String err) {}
}
