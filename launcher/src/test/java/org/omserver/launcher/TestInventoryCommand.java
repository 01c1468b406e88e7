package org.omserver.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.catalog.TestingMySql;
import org.omserver.catalog.user.Role;
import org.omserver.executor.ssh.TestingSshd;
import org.omserver.master.config.MasterConfig;
import org.omserver.master.rpc.MasterServer;
import org.omserver.protocol.envelope.SharedSecret;
import picocli.CommandLine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code omserver inventory …} against a running master on MariaDB: every verb, refusals as messages and exit code 1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestInventoryCommand
{
    private static final String PASSWORD = "pw of the admin";

    private TestingMySql mysql;
    private TestingSshd sshd;
    private MasterServer master;
    private Path config;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        this.dir = dir;
        mysql = new TestingMySql();
        sshd = TestingSshd.start("127.0.40.110");
        SharedSecret secret = SharedSecret.generate();
        Map<String, String> properties = new HashMap<>(Map.of("master.port", "0", "agents.port", "0", "db.url", mysql.config().jdbcUrl(),
                "db.user", mysql.config().user(), "db.password", mysql.config().password()));
        sshd.executorConfig().properties().forEach((key, value) -> properties.put("executor.ssh." + key, value));
        master = MasterServer.start(MasterConfig.fromProperties(properties), secret, Clock.systemUTC());
        master.catalog().users().create("root", PASSWORD.toCharArray(), Role.ADMIN);
        master.catalog().users().create("vera", "pw of vera".toCharArray(), Role.VIEWER);
        Path secretFile = dir.resolve("secret");
        Files.write(secretFile, secret.bytes());
        config = dir.resolve("client.properties");
        Files.writeString(config, "secret.file=" + secretFile + "\nmaster.host=127.0.0.1\nmaster.port=" + master.port() + "\n", UTF_8);
    }

    @AfterAll
    void stop()
    {
        Running.closeAll(Stream.of(mysql, sshd, master).filter(part -> part != null).map(AutoCloseable.class::cast).toList());
    }

    @Test
    void anAdminBuildsTheInventoryFromTheCommandLineAndAViewerOnlyReads()
            throws Exception
    {
        Cli function = cli("root", PASSWORD, "category-add", "Linux.Cli");
        assertThat(function.code()).as(function.err()).isZero();
        String functionId = function.out().split(" ")[2];
        Cli app = cli("root", PASSWORD, "category-add", "cli.example", "--in", functionId);
        assertThat(app.code()).as(app.err()).isZero();
        String appId = app.out().split(" ")[2];
        assertThat(cli("root", PASSWORD, "categories").out()).contains(functionId + "  Linux.Cli", appId + "  cli.example  (0 servers)");

        Cli added = cli("root", PASSWORD, "add", "127.0.40.101", "--name", "cli1", "--category", appId, "--ssh-user", "deploy", "--ssh-port", "2222",
                "--backend", "ssh", "--tags", "db,eu");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("added 127.0.40.101  cli1  -  ssh  category " + appId + "  ssh deploy@2222  tags [db eu]");
        Cli bad = cli("root", PASSWORD, "add", "127.0.40.999", "--name", "bad", "--category", appId, "--ssh-port", "0");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("lanIp: is not an IP address: '127.0.40.999'", "sshPort: must be 1 to 65535, was 0", "(INVALID_REQUEST)");

        Cli edited = cli("root", PASSWORD, "edit", "127.0.40.101", "--name", "cli1-renamed", "--tags", "db");
        assertThat(edited.out()).contains("changed 127.0.40.101  cli1-renamed  -  ssh", "ssh deploy@2222", "tags [db]");
        assertThat(cli("root", PASSWORD, "group", "add", "cligroup").code()).isZero();
        assertThat(cli("root", PASSWORD, "group", "members", "cligroup", "--add", "127.0.40.101").out()).contains("group cligroup (1 members): 127.0.40.101");
        assertThat(cli("vera", "pw of vera", "groups").out()).contains("group cligroup (1 members)");
        assertThat(cli("vera", "pw of vera", "search", "--tag", "db").out()).contains("127.0.40.101  cli1-renamed", "groups [cligroup]");
        assertThat(cli("vera", "pw of vera", "show", "127.0.40.101").out()).contains("cli1-renamed");
        Cli forbidden = cli("vera", "pw of vera", "remove", "127.0.40.101");
        assertThat(forbidden.code()).isEqualTo(1);
        assertThat(forbidden.err()).contains("your role viewer may not change the inventory", "(FORBIDDEN)");

        Cli notEmpty = cli("root", PASSWORD, "category-delete", "app", appId);
        assertThat(notEmpty.code()).isEqualTo(1);
        assertThat(notEmpty.err()).contains("still holds 1 servers (127.0.40.101); move them to another category (omserver inventory move) or remove them first");

        // CSV: export, a bad file is refused row by row with nothing imported, a good one goes in whole
        Path exported = dir.resolve("inventory.csv");
        assertThat(cli("root", PASSWORD, "export", exported.toString()).code()).isZero();
        assertThat(Files.readString(exported)).contains("127.0.40.101,cli1-renamed,,2222,deploy,ssh,db,Linux.Cli,cli.example,cligroup");
        Path broken = Files.writeString(dir.resolve("broken.csv"), "lan_ip,name,function_category,app_category\n127.0.40.102,ok,Linux.Cli,cli.example\n"
                + "127.0.40.103,\"two\nlines\",Linux.Cli,cli.example\n");
        Cli refused = cli("root", PASSWORD, "import", broken.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("row 3, column name: holds control characters", "1 problems; nothing was imported");
        assertThat(master.catalog().inventory().findByLanIps(List.of("127.0.40.102"))).isEmpty();
        Path good = Files.writeString(dir.resolve("good.csv"), "lan_ip,name,function_category,app_category,groups\n127.0.40.102,ok,Linux.Cli,cli.example,cligroup\n");
        assertThat(cli("root", PASSWORD, "import", good.toString(), "--dry-run").out()).contains("1 rows, no problems (dry run: nothing changed)");
        assertThat(cli("root", PASSWORD, "import", good.toString()).out()).contains("imported 1 rows: 1 servers created, 0 updated");
        assertThat(cli("root", PASSWORD, "list", "--category", appId).out()).contains("127.0.40.101", "127.0.40.102");

        assertThat(cli("root", PASSWORD, "move", "127.0.40.101", Integer.toString(master.catalog().inventory().appCategories().stream()
                .filter(c -> !c.name().equals("cli.example")).findFirst().map(c -> c.id()).orElseGet(() -> master.catalog().inventory()
                        .addAppCategory(Integer.parseInt(functionId), "other.example")))).code()).isZero();
        assertThat(cli("root", PASSWORD, "remove", "127.0.40.101").out()).contains("removed 127.0.40.101");
        assertThat(cli("root", PASSWORD, "group", "delete", "cligroup").out()).contains("deleted group cligroup");
    }

    private String[] args(String user, String... args)
    {
        List<String> all = new ArrayList<>(List.of("-c", config.toString(), "-u", user));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private Cli cli(String user, String password, String... args)
    {
        return new Cli(Map.of(ModuleCommand.PASSWORD_VARIABLE, password), args(user, args));
    }

    /** One run of {@code omserver inventory …} in this JVM, with its own environment, standard output and error. */
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
            CommandLine commandLine = Main.configure(new CommandLine(new InventoryCommand(environment::get)));
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            int code = commandLine.execute(args);
            return new String[] {Integer.toString(code), out.toString(), err.toString()};
        }
    }
}
