package org.omserver.launcher.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** What {@code omserver client} was asked to do, from IOMClient syntax or the modern flags. */
public sealed interface ClientRequest
{
    /** IOMS commands that run on hosts through the native agent, which does not exist yet. */
    Set<String> NATIVE_AGENT_COMMANDS = Set.of("dir", "uploads", "downloads", "updateself");
    /** IOMS commands on the master's file store, which comes with the native agent. */
    Set<String> FILE_STORE_COMMANDS = Set.of("remove", "genmd5");
    Pattern MODULE_ID = Pattern.compile("[1-9][0-9]{0,8}");
    int MAX_GROUP_NAME = 64;

    record Help() implements ClientRequest {}

    record ShowVersion() implements ClientRequest {}

    /** Attach to job {@code jobId} and show it like a run. */
    record Follow(long jobId) implements ClientRequest {}

    /** Run module {@code moduleId} on {@code targets} with {@code params} (checked by the master). */
    record Run(int moduleId, Targets targets, Map<String, String> params) implements ClientRequest
    {
        public Run
        {
            requireNonNull(targets, "targets is null");
            params = Map.copyOf(params);
        }
    }

    /** Where a run goes: listed hosts, or every host of a group. */
    sealed interface Targets {}

    record Hosts(List<String> lanIps) implements Targets
    {
        public Hosts
        {
            lanIps = List.copyOf(lanIps);
        }
    }

    /** IOMS {@code servertype}: for now the name of an application category of the inventory. */
    record Group(String appCategoryName) implements Targets
    {
        public Group
        {
            requireNonNull(appCategoryName, "appCategoryName is null");
        }
    }

    static ClientRequest fromIoms(IomsRequest request)
    {
        String command = request.command();
        if (NATIVE_AGENT_COMMANDS.contains(command)) {
            throw new IllegalArgumentException("cmd=" + command + " needs the native agent (issue #3), not available yet; "
                    + "today hosts run modules over SSH: cmd=module,id=…");
        }
        if (FILE_STORE_COMMANDS.contains(command)) {
            throw new IllegalArgumentException("cmd=" + command + " works on the master's file store, which comes with the native agent "
                    + "(issue #3); not available yet");
        }
        return switch (command) {
            case "help" -> {
                noOtherKeys(request);
                yield new Help();
            }
            case "showversion" -> {
                noOtherKeys(request);
                yield new ShowVersion();
            }
            // the IOMS commands on hosts through the native agent: catalog modules 2001-2008 (sql/V10__agent_commands.sql)
            case "agentlist" -> agentCommand(request, 2001, Set.of());
            case "version" -> agentCommand(request, 2002, Set.of());
            case "command" -> agentCommand(request, 2003, Set.of("command"));
            case "cronlist" -> agentCommand(request, 2004, Set.of());
            case "cronadd" -> agentCommand(cronForm(request, true), 2005, Set.of("schedule", "command", "process"));
            case "cronremove" -> agentCommand(cronForm(request, false), 2006, Set.of("entry"));
            case "password" -> agentCommand(request, 2007, Set.of("account", "password"));
            case "unzip" -> agentCommand(request, 2008, Set.of("unzipfile", "path"));
            case "module" -> module(request);
            default -> throw new IllegalArgumentException("unknown cmd '" + Printable.cut(command) + "'; 'cmd=help' lists the commands");
        };
    }

    private static Run module(IomsRequest request)
    {
        String id = request.get("id");
        if (id == null) {
            throw new IllegalArgumentException("cmd=module needs id=MODULE, e.g. cmd=module,id=1003,serverip=10.0.0.1");
        }
        if (!MODULE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id must be a module number such as 1003, was '" + Printable.cut(id) + "'");
        }
        Targets targets = targets(request.get("serverip"), request.get("servertype"));
        Map<String, String> params = new LinkedHashMap<>(request.keys());
        params.keySet().removeAll(Set.of("id", "serverip", "servertype"));
        return new Run(Integer.parseInt(id), targets, params);
    }

    /** An IOMS host command: its module, its keys (the master checks their values), and the targets. */
    private static Run agentCommand(IomsRequest request, int moduleId, Set<String> keys)
    {
        Map<String, String> params = new LinkedHashMap<>(request.keys());
        params.keySet().removeAll(Set.of("serverip", "servertype"));
        for (String key : params.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("cmd=" + request.command() + " takes no key " + key
                        + (keys.isEmpty() ? "" : "; its keys are " + String.join(", ", keys.stream().sorted().toList())));
            }
        }
        return new Run(moduleId, targets(request.get("serverip"), request.get("servertype")), params);
    }

    /**
     * {@code cron=min;hour;day;month;weekday;abs-path;process-name} (IOMS) becomes the modern keys: for cronadd
     * schedule, command and process; for cronremove the entry it names. The modern keys may be given instead.
     */
    private static IomsRequest cronForm(IomsRequest request, boolean add)
    {
        String ioms = request.get("cron");
        if (ioms == null) {
            return request;
        }
        String[] fields = ioms.split(";", -1);
        if (fields.length != 7 || List.of(fields).subList(0, 6).stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("cron must be min;hour;day;month;weekday;abs-path;process-name (seven fields separated by ;), e.g. "
                    + "cron=*/5;*;*;*;*;/usr/local/bin/game;game (an empty process name runs it at every due time)");
        }
        Map<String, String> keys = new LinkedHashMap<>(request.keys());
        keys.remove("cron");
        if (add) {
            keys.put("schedule", String.join(" ", List.of(fields).subList(0, 5)));
            keys.put("command", fields[5]);
            keys.put("process", fields[6].isEmpty() ? "-" : fields[6]);
        }
        else {
            keys.put("entry", ioms);
        }
        return new IomsRequest(request.command(), keys);
    }

    /** Exactly one of {@code serverip} and {@code servertype}. */
    static Targets targets(String serverIp, String serverType)
    {
        if ((serverIp == null) == (serverType == null)) {
            throw new IllegalArgumentException("give the targets with exactly one of serverip=IP;IP (exact addresses) and servertype=GROUP "
                    + "(an application category name)");
        }
        if (serverIp != null) {
            return new Hosts(IomsRequest.serverIps(serverIp));
        }
        if (serverType.length() > MAX_GROUP_NAME) {
            throw new IllegalArgumentException("servertype is longer than " + MAX_GROUP_NAME + " characters; give an application category name");
        }
        return new Group(serverType);
    }

    private static void noOtherKeys(IomsRequest request)
    {
        for (String key : request.keys().keySet()) {
            throw new IllegalArgumentException("cmd=" + request.command() + " takes no key " + key + "; write just cmd=" + request.command());
        }
    }
}
