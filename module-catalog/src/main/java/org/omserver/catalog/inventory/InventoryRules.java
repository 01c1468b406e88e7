package org.omserver.catalog.inventory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The rules of every inventory field, in one place for the RPCs, the CSV import and the agent intake. A check adds
 * a {@link Problem} naming the field and what is wrong and how to fix it; nothing here touches the database.
 */
public final class InventoryRules
{
    public static final int MAX_SERVER_NAME = 64;
    public static final int MAX_FUNCTION_CATEGORY_NAME = 64;
    public static final int MAX_APP_CATEGORY_NAME = 128;
    public static final int MAX_GROUP_NAME = 64;
    public static final int MAX_TAGS = 16;
    public static final int MAX_TAG = 32;
    public static final int MAX_SSH_USER = 32;
    public static final Set<String> BACKENDS = Set.of("agent", "ssh", "any");

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._-]{0," + (MAX_TAG - 1) + "}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_GROUP_NAME + "}");
    private static final Pattern SSH_USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0," + (MAX_SSH_USER - 1) + "}");

    private InventoryRules() {}

    /** What is wrong with one field. */
    public record Problem(String field, String message)
    {
        public Problem
        {
            requireNonNull(field, "field is null");
            requireNonNull(message, "message is null");
        }

        @Override
        public String toString()
        {
            return field + ": " + message;
        }
    }

    /**
     * A server from its fields as given, or empty with the problems added. {@code wanIp} and {@code sshUser} blank or
     * absent mean none; tags are lower-cased, duplicates dropped; backend "any" is stored as the master's default.
     */
    public static Optional<Server> server(String lanIp, String name, Optional<String> wanIp, int sshPort, Optional<String> sshUser, String backend,
            Collection<String> tags, int appCategoryId, Optional<String> os, List<Problem> problems)
    {
        int before = problems.size();
        ip("lanIp", lanIp, problems);
        text("name", name, MAX_SERVER_NAME, problems);
        Optional<String> wan = wanIp.filter(value -> !value.isEmpty());
        wan.ifPresent(value -> ip("wanIp", value, problems));
        if (sshPort < 1 || sshPort > 65535) {
            problems.add(new Problem("sshPort", "must be 1 to 65535, was " + sshPort));
        }
        Optional<String> user = sshUser.filter(value -> !value.isEmpty());
        user.ifPresent(value -> {
            if (!SSH_USER.matcher(value).matches()) {
                problems.add(new Problem("sshUser", "must be 1 to " + MAX_SSH_USER + " letters, digits, '_', '.' or '-' (not starting with '.' or '-'), was "
                        + shown(value) + "; leave it empty for the SSH backend's default user"));
            }
        });
        Optional<String> stored = backend(backend, problems);
        List<String> cleanTags = tags(tags, problems);
        if (appCategoryId < 1) {
            problems.add(new Problem("appCategory", "choose an application category"));
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Server(lanIp, name, wan, os, appCategoryId, stored, sshPort, user, cleanTags));
    }

    /** An IP address literal, IPv4 dotted quad (no leading zeros) or IPv6; host names are not addresses. */
    public static void ip(String field, String value, List<Problem> problems)
    {
        if (value == null || value.isEmpty()) {
            problems.add(new Problem(field, "give an IP address such as 10.0.0.5"));
            return;
        }
        if (IPV4.matcher(value).matches()) {
            return;
        }
        if (value.contains(":") && IPV6_CHARS.matcher(value).matches()) {
            try {
                // only hex digits, ':' and '.': parsed as a literal, never looked up
                if (InetAddress.getByName(value) instanceof Inet6Address) {
                    return;
                }
            }
            catch (UnknownHostException e) {
                // falls through to the problem below
            }
        }
        problems.add(new Problem(field, "is not an IP address: " + shown(value) + "; write it like 10.0.0.5 or fd00::5 (no host names, no leading zeros)"));
    }

    /** A name shown to people: 1 to max characters, no control or invisible formatting characters, no spaces around it. */
    public static void text(String field, String value, int max, List<Problem> problems)
    {
        if (value == null || value.isBlank()) {
            problems.add(new Problem(field, "must not be empty"));
        }
        else if (value.length() > max) {
            problems.add(new Problem(field, "is " + value.length() + " characters long, more than the " + max + " allowed; shorten it"));
        }
        else if (value.codePoints().anyMatch(InventoryRules::hidden)) {
            problems.add(new Problem(field, "holds control characters (" + shown(value) + "); remove them"));
        }
        else if (!value.strip().equals(value)) {
            problems.add(new Problem(field, "starts or ends with spaces: " + shown(value) + "; remove them"));
        }
    }

    /** agent, ssh or any; "any" is stored as empty (the master's executor.default). */
    public static Optional<String> backend(String value, List<Problem> problems)
    {
        if (value == null || !BACKENDS.contains(value)) {
            problems.add(new Problem("backend", "must be agent, ssh or any, was " + (value == null ? "nothing" : shown(value))));
            return Optional.empty();
        }
        return value.equals("any") ? Optional.empty() : Optional.of(value);
    }

    /** Tags: lower-cased, duplicates dropped, each 1-32 of [a-z0-9._-] starting with a letter or digit, at most 16. */
    public static List<String> tags(Collection<String> tags, List<Problem> problems)
    {
        Set<String> clean = new LinkedHashSet<>();
        List<String> bad = new ArrayList<>();
        for (String tag : tags) {
            String lower = tag.toLowerCase(Locale.ROOT);
            if (TAG.matcher(lower).matches()) {
                clean.add(lower);
            }
            else {
                bad.add(shown(tag));
            }
        }
        if (!bad.isEmpty()) {
            problems.add(new Problem("tags", "a tag is 1 to " + MAX_TAG + " letters, digits, '.', '_' or '-' starting with a letter or digit; not "
                    + String.join(", ", bad.stream().limit(5).toList())));
        }
        if (clean.size() > MAX_TAGS) {
            problems.add(new Problem("tags", clean.size() + " tags, more than the " + MAX_TAGS + " allowed"));
        }
        return List.copyOf(clean);
    }

    /** A group name: it is written in IOMS requests ({@code servertype=NAME}), so 1-64 of [A-Za-z0-9._-]. */
    public static void groupName(String value, List<Problem> problems)
    {
        if (value == null || !GROUP.matcher(value).matches()) {
            problems.add(new Problem("group", "a group name is 1 to " + MAX_GROUP_NAME + " letters, digits, '.', '_' or '-' (it is written as servertype=NAME), not "
                    + (value == null ? "nothing" : shown(value))));
        }
    }

    /** The value as it may be shown in a message: at most 64 characters, control characters as '?'. */
    public static String shown(String value)
    {
        String cut = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        StringBuilder out = new StringBuilder("'");
        cut.codePoints().forEach(c -> out.append(hidden(c) ? "?" : Character.toString(c)));
        return out.append("'").toString();
    }

    private static boolean hidden(int codePoint)
    {
        return Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.FORMAT
                || Character.getType(codePoint) == Character.LINE_SEPARATOR || Character.getType(codePoint) == Character.PARAGRAPH_SEPARATOR;
    }

    /** Throws the problems as one INVALID refusal. */
    public static void refuseIfAny(String what, List<Problem> problems)
    {
        if (!problems.isEmpty()) {
            throw new InventoryException(InventoryException.Reason.INVALID, what + ": " + String.join("; ", problems.stream().map(Problem::toString).toList()));
        }
    }
}
