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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/** {@code omserver users …} against a running master on MariaDB: every verb, refusals as messages and exit code 1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestUsersCommand
{
    private static final String PASSWORD = "pw of the admin";

    private TestingMySql mysql;
    private TestingSshd sshd;
    private MasterServer master;
    private Path config;
    private int web;

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        mysql = new TestingMySql();
        sshd = TestingSshd.start("127.0.26.2");
        SharedSecret secret = SharedSecret.generate();
        Map<String, String> properties = new HashMap<>(Map.of("master.port", "0", "agents.port", "0", "db.url", mysql.config().jdbcUrl(),
                "db.user", mysql.config().user(), "db.password", mysql.config().password()));
        sshd.executorConfig().properties().forEach((key, value) -> properties.put("executor.ssh." + key, value));
        master = MasterServer.start(MasterConfig.fromProperties(properties), secret, Clock.systemUTC());
        master.catalog().users().create("root", PASSWORD.toCharArray(), Role.ADMIN);
        web = master.catalog().inventory().addFunctionCategory("Linux.Web");
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
    void anAdminManagesAnOperatorFromTheCommandLine()
    {
        Cli added = cli("root", PASSWORD, "add", "olga", "--role", "operator", "--grant", Integer.toString(web));
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("added olga").contains("operator").contains("grants [" + web + "]").contains("shown once");
        String password = password(added.out());
        assertThat(master.catalog().users().find("olga")).isPresent();

        Cli listed = cli("olga", password, "list");
        assertThat(listed.code()).isEqualTo(1);
        assertThat(listed.err()).contains("your role operator may not manage users, roles and grants").contains("(FORBIDDEN)");

        assertThat(cli("root", PASSWORD, "list").out()).contains("olga").contains("root");
        assertThat(cli("root", PASSWORD, "role", "olga", "author").out()).contains("changed the role of olga").contains("author");
        assertThat(cli("root", PASSWORD, "grant", "olga").out()).contains("set the grants of olga");
        assertThat(master.catalog().users().grants("olga")).isEmpty();
        assertThat(cli("root", PASSWORD, "disable", "olga").out()).contains("disabled olga").contains("DISABLED");
        assertThat(cli("olga", password, "list").err()).contains("login as olga refused");
        assertThat(cli("root", PASSWORD, "enable", "olga").code()).isZero();

        Cli reset = cli("root", PASSWORD, "passwd", "olga");
        String second = password(reset.out());
        assertThat(second).isNotEqualTo(password);
        Cli own = new Cli(Map.of(ModuleCommand.PASSWORD_VARIABLE, second, UsersCommand.NEW_PASSWORD_VARIABLE, "olga's own new password"),
                args("olga", "passwd"));
        assertThat(own.code()).as(own.err()).isZero();
        assertThat(own.out()).contains("password of olga changed");
        Cli tooShort = new Cli(Map.of(ModuleCommand.PASSWORD_VARIABLE, "olga's own new password", UsersCommand.NEW_PASSWORD_VARIABLE, "short"),
                args("olga", "passwd"));
        assertThat(tooShort.code()).isEqualTo(1);
        assertThat(tooShort.err()).contains("choose at least 12");
        assertThat(cli("olga", "olga's own new password", "logout").out()).contains("logged out olga everywhere");

        Cli audit = cli("root", PASSWORD, "audit", "--action", "userChange", "--limit", "3");
        assertThat(audit.code()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("root userChange accepted").contains("(more: --before ");
        assertThat(cli("root", PASSWORD, "audit", "--actor", "olga", "--outcome", "refused").out()).contains("users FORBIDDEN");

        assertThat(cli("root", PASSWORD, "add", "bad;name").err()).contains("user name must be 1 to 64 letters").contains("(INVALID_REQUEST)");
        assertThat(cli("root", PASSWORD, "role", "olga", "superuser").err()).contains("unknown role 'superuser'");
        assertThat(cli("root", PASSWORD, "delete", "olga").out()).contains("deleted olga");
        assertThat(cli("root", PASSWORD, "delete", "olga").err()).contains("user 'olga' does not exist");
    }

    private static String password(String out)
    {
        Matcher matcher = Pattern.compile("password: (\\S+)").matcher(out);
        assertThat(matcher.find()).as(out).isTrue();
        return matcher.group(1);
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

    /** One run of {@code omserver users …} in this JVM, with its own environment, standard output and error. */
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
            CommandLine commandLine = Main.configure(new CommandLine(new UsersCommand(environment::get)));
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            int code = commandLine.execute(args);
            return new String[] {Integer.toString(code), out.toString(), err.toString()};
        }
    }
}
