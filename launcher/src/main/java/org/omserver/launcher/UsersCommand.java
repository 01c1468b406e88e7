package org.omserver.launcher;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.omserver.protocol.thrift.AuditQueryReply;
import org.omserver.protocol.thrift.AuditQueryRequest;
import org.omserver.protocol.thrift.AuditRecord;
import org.omserver.protocol.thrift.ChangePasswordRequest;
import org.omserver.protocol.thrift.LogoutEverywhereReply;
import org.omserver.protocol.thrift.LogoutEverywhereRequest;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.UserAction;
import org.omserver.protocol.thrift.UserChangeReply;
import org.omserver.protocol.thrift.UserChangeRequest;
import org.omserver.protocol.thrift.UserInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code omserver users list|add|disable|enable|delete|role|passwd|grant|logout|audit}: user management from the
 * command line, through the same master RPCs as the gateway's /users pages (admin only, audited in the master).
 * Generated passwords are printed once, on standard output.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Manage users, roles, operator grants and sessions; read the audit log (admin; passwd and logout also for yourself).")
final class UsersCommand
{
    /** {@code passwd} without a user name (your own password): the new password, else asked for. */
    static final String NEW_PASSWORD_VARIABLE = "OMSERVER_NEW_PASSWORD";

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, defaultValue = "conf/gateway.properties", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Configuration with master.host, master.port and the shared secret (secret.file or OMSERVER_SECRET); default: ${DEFAULT-VALUE}.")
    Path config;

    @Option(names = {"-u", "--user"}, required = true, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "User to log in as; the password comes from " + ModuleCommand.PASSWORD_VARIABLE + " or is asked for.")
    String user;

    private final Function<String, String> environment;

    UsersCommand()
    {
        this(System::getenv);
    }

    UsersCommand(Function<String, String> environment)
    {
        this.environment = environment;
    }

    @Command(name = "list", description = "List users: name, role, state, open sessions, granted function categories.")
    int list()
            throws Exception
    {
        return withMaster((master, session) -> {
            for (UserInfo info : master.users(session).getUsers()) {
                print(info);
            }
            return 0;
        });
    }

    @Command(name = "add", description = "Add a user; prints the generated password once.")
    int add(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--role", defaultValue = "viewer", description = "admin, author, operator or viewer; default: ${DEFAULT-VALUE}.") String role,
            @Option(names = "--grant", split = ",", paramLabel = "CATEGORY_ID", description = "Function category ids the operator may run on.") List<Integer> grants)
            throws Exception
    {
        Role parsed = role(role);
        return change(new UserChangeRequest(null, name, UserAction.CREATE).setRole(parsed).setFunctionCategoryIds(grants == null ? List.of() : grants));
    }

    @Command(name = "disable", description = "Disable a user: they cannot log in, their sessions and API tokens end.")
    int disable(@Parameters(paramLabel = "NAME") String name)
            throws Exception
    {
        return change(new UserChangeRequest(null, name, UserAction.DISABLE));
    }

    @Command(name = "enable", description = "Enable a disabled user.")
    int enable(@Parameters(paramLabel = "NAME") String name)
            throws Exception
    {
        return change(new UserChangeRequest(null, name, UserAction.ENABLE));
    }

    @Command(name = "delete", description = "Delete a user (their jobs and audit rows keep the name).")
    int delete(@Parameters(paramLabel = "NAME") String name)
            throws Exception
    {
        return change(new UserChangeRequest(null, name, UserAction.DELETE));
    }

    @Command(name = "role", description = "Change a user's role; it applies to their open sessions at once.")
    int role(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "ROLE", description = "admin, author, operator or viewer") String role)
            throws Exception
    {
        return change(new UserChangeRequest(null, name, UserAction.SET_ROLE).setRole(role(role)));
    }

    @Command(name = "grant", description = "Set the function categories an operator may run modules on (replaces the grants; none = no hosts).")
    int grant(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "CATEGORY_ID", arity = "0..*") List<Integer> categories)
            throws Exception
    {
        return change(new UserChangeRequest(null, name, UserAction.SET_GRANTS).setFunctionCategoryIds(categories == null ? List.of() : categories));
    }

    @Command(name = "passwd", description = "With NAME: reset that user's password (admin; prints the new one once). Without: change your own "
            + "(needs your current password; the new one from " + NEW_PASSWORD_VARIABLE + " or asked for).")
    int passwd(@Parameters(paramLabel = "NAME", arity = "0..1") String name)
            throws Exception
    {
        if (name != null) {
            return change(new UserChangeRequest(null, name, UserAction.RESET_PASSWORD));
        }
        String fresh = secret(NEW_PASSWORD_VARIABLE, "New password for %s: ");
        return withMaster((master, session) -> {
            int ended = master.changePassword(new ChangePasswordRequest(session, password(), fresh)).getSessionsEnded();
            out().printf("password of %s changed; %d other sessions ended%n", user, ended);
            return 0;
        });
    }

    @Command(name = "logout", description = "End every session and API token of NAME (admin), or your own without NAME.")
    int logout(@Parameters(paramLabel = "NAME", arity = "0..1") String name)
            throws Exception
    {
        return withMaster((master, session) -> {
            LogoutEverywhereRequest request = new LogoutEverywhereRequest(session);
            if (name != null) {
                request.setUsername(name);
            }
            LogoutEverywhereReply reply = master.logoutEverywhere(request);
            // our own session is among them when we log ourselves out
            out().printf("logged out %s everywhere: %d sessions ended%n", reply.getUsername(), reply.getSessionsEnded());
            return 0;
        });
    }

    @Command(name = "audit", description = "Show the audit log, newest first.")
    int audit(@Option(names = "--actor") String actor, @Option(names = "--action") String action,
            @Option(names = "--outcome", description = "accepted, refused or an error code such as FORBIDDEN") String outcome,
            @Option(names = "--text", description = "contained in parameters, targets or detail (any case)") String text,
            @Option(names = "--since", description = "ISO-8601 instant, e.g. 2026-12-07T08:00:00Z") Instant since,
            @Option(names = "--until") Instant until,
            @Option(names = "--before", description = "id: the page older than this (printed at the end of a full page)") Long before,
            @Option(names = "--limit", defaultValue = "50") int limit)
            throws Exception
    {
        return withMaster((master, session) -> {
            AuditQueryRequest request = new AuditQueryRequest(session).setLimit(limit);
            if (actor != null) {
                request.setActor(actor);
            }
            if (action != null) {
                request.setAction(action);
            }
            if (outcome != null) {
                request.setOutcome(outcome);
            }
            if (text != null) {
                request.setText(text);
            }
            if (since != null) {
                request.setSinceMillis(since.toEpochMilli());
            }
            if (until != null) {
                request.setUntilMillis(until.toEpochMilli());
            }
            if (before != null) {
                request.setBeforeId(before);
            }
            AuditQueryReply reply = master.auditLog(request);
            for (AuditRecord record : reply.getRecords()) {
                out().printf("%d %s %s %s %s%s%s%s%n", record.getId(), Instant.ofEpochMilli(record.getAtMillis()), record.getActor(), record.getAction(),
                        record.getOutcome(), record.isSetModuleId() ? " module " + record.getModuleId() : "",
                        record.getTargets().isEmpty() ? "" : " targets " + record.getTargets(), record.isSetDetail() ? " — " + record.getDetail() : "");
            }
            if (reply.isSetNextBeforeId()) {
                out().printf("(more: --before %d)%n", reply.getNextBeforeId());
            }
            return 0;
        });
    }

    private int change(UserChangeRequest request)
            throws Exception
    {
        return withMaster((master, session) -> {
            UserChangeReply reply = master.userChange(request.setSession(session));
            String verb = switch (request.getAction()) {
                case CREATE -> "added";
                case DISABLE -> "disabled";
                case ENABLE -> "enabled";
                case DELETE -> "deleted";
                case SET_ROLE -> "changed the role of";
                case RESET_PASSWORD -> "reset the password of";
                case SET_GRANTS -> "set the grants of";
            };
            out().printf("%s %s%s%n", verb, request.getUsername(), reply.getSessionsEnded() > 0 ? "; " + reply.getSessionsEnded() + " sessions ended" : "");
            print(reply.getUser());
            if (reply.isSetGeneratedPassword()) {
                out().printf("password: %s%n(shown once; give it to %s over a safe channel)%n", reply.getGeneratedPassword(), request.getUsername());
            }
            return 0;
        });
    }

    private void print(UserInfo info)
    {
        out().printf("%-24s %-9s %-9s sessions %d%s%n", info.getUsername(), info.getRole().name().toLowerCase(Locale.ROOT),
                info.isEnabled() ? "enabled" : "DISABLED", info.getOpenSessions(),
                info.getGrantedFunctionCategoryIdsSize() == 0 ? "" : "  grants " + info.getGrantedFunctionCategoryIds());
    }

    private static Role role(String text)
    {
        try {
            return Role.valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + text + "'; use admin, author, operator or viewer");
        }
    }

    /** Logs in, runs the work, logs out; the master's refusals become a message and exit code 1. */
    private int withMaster(MasterSession.Work work)
            throws Exception
    {
        return MasterSession.run("users", config, user, this::password, err(), work);
    }

    private String password()
    {
        return secret(ModuleCommand.PASSWORD_VARIABLE, "Password for %s: ");
    }

    private String secret(String variable, String prompt)
    {
        String fromEnvironment = environment.apply(variable);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no password: set " + variable + " or run in a terminal to be asked for it");
        }
        char[] typed = console.readPassword(prompt, user);
        if (typed == null) {
            throw new IllegalArgumentException("no password given");
        }
        return new String(typed);
    }

    private PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    private PrintWriter err()
    {
        return spec.commandLine().getErr();
    }
}
