package org.omserver.catalog.inventory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.omserver.catalog.inventory.InventoryRepository.ImportRow;
import org.omserver.catalog.inventory.InventoryRules.Problem;

import static java.util.Objects.requireNonNull;

/**
 * The inventory's CSV (RFC 4180: comma-separated, fields with a comma, quote or leading/trailing space in double
 * quotes, quotes doubled; CRLF or LF line ends; a UTF-8 byte order mark is skipped). The header row names the
 * columns, in any order: {@code lan_ip}, {@code name}, {@code function_category}, {@code app_category} are required;
 * {@code wan_ip}, {@code ssh_port} (default 22), {@code ssh_user}, {@code backend} (agent, ssh or any; default
 * any), {@code tags} and {@code groups} (space-separated) are optional. A value that starts with {@code = + - @} or an
 * apostrophe is written with an apostrophe in front (so spreadsheets never run it as a formula); on import one leading
 * apostrophe is removed. At most {@link #MAX_BYTES} bytes and {@link #MAX_ROWS} servers.
 */
public final class InventoryCsv
{
    public static final int MAX_BYTES = 5 * 1024 * 1024;
    public static final int MAX_ROWS = 20_000;
    public static final List<String> COLUMNS = List.of("lan_ip", "name", "wan_ip", "ssh_port", "ssh_user", "backend", "tags",
            "function_category", "app_category", "groups");
    private static final Set<String> REQUIRED = Set.of("lan_ip", "name", "function_category", "app_category");
    private static final int MAX_FIELD = 4096;
    private static final int MAX_PROBLEMS = 1000;

    private InventoryCsv() {}

    /** A server as exported: with its categories' names and its groups. */
    public record Entry(Server server, String functionCategory, String appCategory, List<String> groups)
    {
        public Entry
        {
            requireNonNull(server, "server is null");
            groups = List.copyOf(groups);
        }
    }

    /** One problem of an import: row 1 is the header. */
    public record RowProblem(int row, String column, String message) {}

    /** The checked rows, or the problems (then the rows are not to be imported). */
    public record Parsed(List<ImportRow> rows, List<RowProblem> problems, int rowCount)
    {
        public Parsed
        {
            rows = List.copyOf(rows);
            problems = List.copyOf(problems);
        }
    }

    /** Every server of the inventory, ordered by LAN IP. */
    public static List<Entry> entries(InventoryRepository inventory)
    {
        Map<Integer, FunctionCategory> functions = inventory.functionCategories().stream().collect(Collectors.toMap(FunctionCategory::id, Function.identity()));
        Map<Integer, AppCategory> apps = inventory.appCategories().stream().collect(Collectors.toMap(AppCategory::id, Function.identity()));
        Map<String, List<String>> groups = new HashMap<>();
        for (ServerGroup group : inventory.groups()) {
            group.members().forEach(member -> groups.computeIfAbsent(member, ip -> new ArrayList<>()).add(group.name()));
        }
        List<Entry> entries = new ArrayList<>();
        for (Server server : inventory.servers()) {
            AppCategory app = apps.get(server.appCategoryId());
            FunctionCategory function = app == null ? null : functions.get(app.functionCategoryId());
            entries.add(new Entry(server, function == null ? "" : function.name(), app == null ? "" : app.name(), groups.getOrDefault(server.lanIp(), List.of())));
        }
        return entries;
    }

    public static String format(List<Entry> entries)
    {
        StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        for (Entry entry : entries) {
            Server s = entry.server();
            List<String> values = List.of(s.lanIp(), s.name(), s.wanIp().orElse(""), String.valueOf(s.sshPort()), s.sshUser().orElse(""),
                    s.backend().orElse("any"), String.join(" ", s.tags()), entry.functionCategory(), entry.appCategory(), String.join(" ", entry.groups()));
            out.append(values.stream().map(InventoryCsv::field).collect(Collectors.joining(","))).append("\r\n");
        }
        return out.toString();
    }

    /** A value as a CSV field: formula-escaped, then quoted when needed. */
    static String field(String value)
    {
        String escaped = !value.isEmpty() && "=+-@'\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        boolean quote = escaped.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n')
                || !escaped.isEmpty() && (Character.isWhitespace(escaped.charAt(0)) || Character.isWhitespace(escaped.charAt(escaped.length() - 1)));
        return quote ? "\"" + escaped.replace("\"", "\"\"") + "\"" : escaped;
    }

    /** Checks every row; collects every problem (up to 1000) with its row and column. */
    public static Parsed parse(String csv)
    {
        requireNonNull(csv, "csv is null");
        List<RowProblem> problems = new ArrayList<>();
        long bytes = csv.length() * 3L <= MAX_BYTES ? csv.length() : csv.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            problems.add(new RowProblem(0, "-", "the CSV is " + bytes + " bytes, more than the " + MAX_BYTES + " (5 MiB) allowed; split it"));
            return new Parsed(List.of(), problems, 0);
        }
        String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
        List<List<String>> records = new ArrayList<>();
        Optional<RowProblem> broken = records(text, records);
        if (records.isEmpty()) {
            problems.add(broken.orElseGet(() -> new RowProblem(1, "-", "the CSV is empty; the first row must name the columns: " + String.join(",", COLUMNS))));
            return new Parsed(List.of(), problems, 0);
        }
        broken.ifPresent(problems::add);
        Map<String, Integer> columns = new LinkedHashMap<>();
        List<String> header = records.getFirst();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            if (!COLUMNS.contains(name)) {
                problems.add(new RowProblem(1, InventoryRules.shown(name), "unknown column; the columns are " + String.join(",", COLUMNS)));
            }
            else if (columns.putIfAbsent(name, i) != null) {
                problems.add(new RowProblem(1, name, "the column is named twice"));
            }
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                problems.add(new RowProblem(1, required, "the required column is missing"));
            }
        }
        if (!problems.isEmpty()) {
            return new Parsed(List.of(), problems, records.size() - 1);
        }
        if (records.size() - 1 > MAX_ROWS) {
            problems.add(new RowProblem(0, "-", (records.size() - 1) + " rows, more than the " + MAX_ROWS + " allowed; split the file"));
            return new Parsed(List.of(), problems, records.size() - 1);
        }
        List<ImportRow> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int r = 1; r < records.size() && problems.size() < MAX_PROBLEMS; r++) {
            List<String> record = records.get(r);
            int row = r + 1;
            if (record.size() == 1 && record.getFirst().isEmpty()) {
                continue;
            }
            if (record.size() != header.size()) {
                problems.add(new RowProblem(row, "-", record.size() + " fields, but the header names " + header.size() + " columns"));
                continue;
            }
            row(row, record, columns, seen, problems).ifPresent(rows::add);
        }
        return new Parsed(problems.isEmpty() ? rows : List.of(), problems, records.size() - 1);
    }

    private static Optional<ImportRow> row(int row, List<String> record, Map<String, Integer> columns, Set<String> seen, List<RowProblem> problems)
    {
        Function<String, String> value = column -> {
            Integer index = columns.get(column);
            String raw = index == null ? "" : record.get(index);
            return raw.startsWith("'") ? raw.substring(1) : raw;
        };
        List<Problem> found = new ArrayList<>();
        for (String column : columns.keySet()) {
            if (value.apply(column).length() > MAX_FIELD) {
                found.add(new Problem(column, "is longer than " + MAX_FIELD + " characters"));
            }
        }
        String lanIp = value.apply("lan_ip");
        int sshPort = 22;
        String port = value.apply("ssh_port");
        if (!port.isEmpty()) {
            try {
                sshPort = Integer.parseInt(port);
            }
            catch (NumberFormatException e) {
                found.add(new Problem("sshPort", "is not a number: " + InventoryRules.shown(port)));
                sshPort = 22;
            }
        }
        String backend = value.apply("backend").isEmpty() ? "any" : value.apply("backend");
        String function = value.apply("function_category");
        String app = value.apply("app_category");
        InventoryRules.text("functionCategory", function, InventoryRules.MAX_FUNCTION_CATEGORY_NAME, found);
        InventoryRules.text("appCategory", app, InventoryRules.MAX_APP_CATEGORY_NAME, found);
        List<String> groups = words(value.apply("groups"));
        for (String group : groups) {
            InventoryRules.groupName(group, found);
        }
        // the category is found (or created) by name at import; 1 only satisfies the check of the id
        Optional<Server> server = found.isEmpty() ? InventoryRules.server(lanIp, value.apply("name"), Optional.of(value.apply("wan_ip")), sshPort,
                Optional.of(value.apply("ssh_user")), backend, words(value.apply("tags")), 1, Optional.empty(), found) : Optional.empty();
        if (found.isEmpty() && !seen.add(lanIp)) {
            found.add(new Problem("lanIp", lanIp + " is in the file twice; keep one row per server"));
        }
        for (Problem problem : found) {
            problems.add(new RowProblem(row, column(problem.field()), problem.message()));
        }
        return found.isEmpty() ? server.map(s -> new ImportRow(s, function, app, groups.stream().distinct().toList())) : Optional.empty();
    }

    /** The CSV column of a field of {@link InventoryRules}. */
    private static String column(String field)
    {
        return switch (field) {
            case "lanIp" -> "lan_ip";
            case "wanIp" -> "wan_ip";
            case "sshPort" -> "ssh_port";
            case "sshUser" -> "ssh_user";
            case "functionCategory" -> "function_category";
            case "appCategory" -> "app_category";
            case "group" -> "groups";
            default -> field;
        };
    }

    private static List<String> words(String value)
    {
        return value.isBlank() ? List.of() : List.of(value.strip().split(" +"));
    }

    /**
     * Splits the text into records of fields. A quoted field may hold anything (its quotes doubled); a field holding a
     * line break or NUL is kept as it is and refused later by the field checks. Returns the problem that ended parsing
     * early (an unterminated quote, a quote inside an unquoted field), with the records before it.
     */
    private static Optional<RowProblem> records(String text, List<List<String>> records)
    {
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        boolean any = false;
        while (i < n) {
            char c = text.charAt(i);
            int row = records.size() + 1;
            if (c == '"' && field.isEmpty()) {
                int start = i;
                i++;
                while (true) {
                    if (i >= n) {
                        return Optional.of(new RowProblem(row, "-", "a quoted field starting at character " + start + " never ends; close its quote"));
                    }
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.append(q);
                    i++;
                }
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\r' && text.charAt(i) != '\n') {
                    return Optional.of(new RowProblem(row, "-", "text after a closing quote; quote the whole field and double the quotes inside it"));
                }
                any = true;
                continue;
            }
            if (c == '"') {
                return Optional.of(new RowProblem(row, "-", "a quote inside an unquoted field; quote the whole field and double the quotes inside it"));
            }
            if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                any = true;
                i++;
                continue;
            }
            if (c == '\r' || c == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                any = false;
                i += c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
                if (records.size() > MAX_ROWS + 1) {
                    return Optional.empty();
                }
                continue;
            }
            field.append(c);
            any = true;
            i++;
        }
        if (any || !field.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return Optional.empty();
    }
}
