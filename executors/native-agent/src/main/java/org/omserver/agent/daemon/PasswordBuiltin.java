package org.omserver.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code omserver:password ACCOUNT SECRET}: changes an OS account's password with {@code chpasswd}, which reads
 * {@code account:password} on its stdin, so the secret is never on a command line (where {@code ps} shows it).
 * The secret is never logged, written to output or put into a refusal message; if the program's own messages
 * contained it, it is masked. Needs root. Root and system accounts (uid below UID_MIN of /etc/login.defs) are
 * refused unless {@code password.allow-system-accounts=true}.
 */
final class PasswordBuiltin
        implements Builtin
{
    private static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final int MAX_SECRET = 512;
    private static final List<Path> CHPASSWD = List.of(Path.of("/usr/sbin/chpasswd"), Path.of("/sbin/chpasswd"));

    private final boolean allowSystemAccounts;
    private final Path passwd;
    private final Path loginDefs;
    private final BooleanSupplier root;

    PasswordBuiltin(boolean allowSystemAccounts, Path passwd, Path loginDefs, BooleanSupplier root)
    {
        this.allowSystemAccounts = allowSystemAccounts;
        this.passwd = passwd;
        this.loginDefs = loginDefs;
        this.root = root;
    }

    @Override
    public String name()
    {
        return "password";
    }

    @Override
    public String usage()
    {
        return "ACCOUNT SECRET: changes the OS account's password with chpasswd (needs root; system accounts only when allowed)";
    }

    @Override
    public Optional<String> refusal(List<String> args)
    {
        if (args.size() != 2) {
            return Optional.of("password takes two arguments, the account and the new password; got " + args.size());
        }
        String account = args.get(0);
        String secret = args.get(1);
        if (!ACCOUNT.matcher(account).matches()) {
            return Optional.of("'" + printable(account) + "' is not an account name (lower-case letters, digits, _ . -, at most 32)");
        }
        if (secret.isEmpty() || secret.length() > MAX_SECRET || secret.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("the new password must be 1 to " + MAX_SECRET + " characters without control characters (it is not shown)");
        }
        if (!root.getAsBoolean()) {
            return Optional.of("changing a password needs root, and this agent runs as " + System.getProperty("user.name")
                    + "; run the agent as root or change passwords another way");
        }
        OptionalInt uid = uid(account);
        if (uid.isEmpty()) {
            return Optional.of("there is no account '" + account + "' in " + passwd + " on this host");
        }
        int min = uidMin();
        if (!allowSystemAccounts && (uid.getAsInt() == 0 || uid.getAsInt() < min)) {
            return Optional.of("'" + account + "' is root or a system account (uid " + uid.getAsInt() + ", below UID_MIN " + min
                    + "); set password.allow-system-accounts=true in the agent's configuration to allow it");
        }
        if (chpasswd().isEmpty()) {
            return Optional.of("chpasswd is not installed on this host (looked in " + CHPASSWD + ")");
        }
        return Optional.empty();
    }

    @Override
    public int run(List<String> args, Output output)
            throws InterruptedException
    {
        String account = args.get(0);
        String secret = args.get(1);
        output.out("changing the password of " + account + " with chpasswd\n");
        Output masked = new Output()
        {
            @Override
            public void out(String text)
            {
                output.out(text.replace(secret, ParamMask.MASK));
            }

            @Override
            public void err(String text)
            {
                output.err(text.replace(secret, ParamMask.MASK));
            }
        };
        int exit = HostProcess.run(List.of(chpasswd().orElseThrow().toString()), Optional.of(account + ":" + secret + "\n"), masked);
        if (exit == 0) {
            output.out("the password of " + account + " was changed\n");
        }
        else {
            output.err("chpasswd failed with exit code " + exit + "; the password of " + account + " is unchanged\n");
        }
        return exit;
    }

    private Optional<Path> chpasswd()
    {
        return CHPASSWD.stream().filter(Files::isExecutable).findFirst();
    }

    private OptionalInt uid(String account)
    {
        try {
            for (String line : Files.readAllLines(passwd, UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 3 && fields[0].equals(account) && fields[2].matches("\\d{1,10}")) {
                    return OptionalInt.of(Integer.parseInt(fields[2]));
                }
            }
        }
        catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }

    /** UID_MIN of login.defs, 1000 when it is not set (the Debian and Red Hat default). */
    private int uidMin()
    {
        try {
            for (String line : Files.readAllLines(loginDefs, UTF_8)) {
                String[] words = line.strip().split("\\s+");
                if (words.length == 2 && words[0].equals("UID_MIN") && words[1].matches("\\d{1,9}")) {
                    return Integer.parseInt(words[1]);
                }
            }
        }
        catch (IOException e) {
            // no login.defs: the default
        }
        return 1000;
    }

    private static String printable(String text)
    {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The mask the master also uses for secrets. */
    static final class ParamMask
    {
        static final String MASK = "******";

        private ParamMask() {}
    }
}
