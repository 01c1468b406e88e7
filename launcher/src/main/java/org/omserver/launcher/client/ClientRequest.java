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
    /** Module 2010: IOMS downloads through the agent's built-in. */
    int DOWNLOADS_MODULE = 2010;
    Pattern MODULE_ID = Pattern.compile("[1-9][0-9]{0,8}");
    int MAX_GROUP_NAME = 64;

    record Help() implements ClientRequest {}

    /** IOMS {@code dir}: the master's file store. */
    record FileList() implements ClientRequest {}

    /** IOMS {@code uploads}: a local file into the store under {@code name}. */
    record FileUpload(String localPath, String name) implements ClientRequest
    {
        public FileUpload
        {
            requireNonNull(localPath, "localPath is null");
            requireNonNull(name, "name is null");
        }
    }

    /** IOMS {@code remove}: a file of the store. */
    record FileRemove(String name) implements ClientRequest
    {
        public FileRemove
        {
            requireNonNull(name, "name is null");
        }
    }

    /** IOMS {@code genmd5}: re-hash one file of the store, or every file (null). */
    record FileRehash(String name) implements ClientRequest {}

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
            // module 2050 (sql/V18__agent_self_update.sql): the master rolls out canary first, stopping at the first failure
            case "updateself" -> agentCommand(request, 2050, Set.of("package"));
            case "module" -> module(request);
            case "dir" -> {
                noOtherKeys(request);
                yield new FileList();
            }
            case "remove" -> {
                onlyKeys(request, Set.of("file"));
                String file = request.get("file");
                if (file == null) {
                    throw new IllegalArgumentException("cmd=remove needs file=NAME, a file of the store (cmd=dir lists them)");
                }
                if (file.contains("/") || file.contains("\\")) {
                    // refused here too: a %2F in a URL path is answered by the web server before the API sees it
                    throw new IllegalArgumentException("the file name '" + Printable.cut(file) + "' contains a path separator: the store has no directories");
                }
                yield new FileRemove(file);
            }
            case "uploads" -> {
                onlyKeys(request, Set.of("localpath", "file"));
                String local = request.get("localpath");
                if (local == null) {
                    throw new IllegalArgumentException("cmd=uploads needs localpath=PATH (the file here) and file=NAME (its name in the store; "
                            + "default: the local file's name)");
                }
                String file = request.get("file") != null ? request.get("file") : java.nio.file.Path.of(local).getFileName().toString();
                if (file.contains("/") || file.contains("\\")) {
                    throw new IllegalArgumentException("the file name '" + Printable.cut(file) + "' contains a path separator: the store has no directories");
                }
                yield new FileUpload(local, file);
            }
            case "genmd5" -> {
                onlyKeys(request, Set.of("file"));
                yield new FileRehash(request.get("file"));
            }
            case "downloads" -> downloads(request);
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

    /** IOMS downloads: module 2010 with file= and path=, on serverip= or servertype=. */
    private static Run downloads(IomsRequest request)
    {
        onlyKeys(request, Set.of("file", "path", "serverip", "servertype"));
        String file = request.get("file");
        String path = request.get("path");
        if (file == null || path == null) {
            throw new IllegalArgumentException("cmd=downloads needs file=NAME (from cmd=dir) and path=DIR (a directory on the hosts), "
                    + "e.g. cmd=downloads,file=nginx.conf,path=/srv/deploy,serverip=10.0.0.1");
        }
        return new Run(DOWNLOADS_MODULE, targets(request.get("serverip"), request.get("servertype")), Map.of("file", file, "path", path));
    }

    private static void onlyKeys(IomsRequest request, Set<String> allowed)
    {
        for (String key : request.keys().keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("cmd=" + request.command() + " takes only " + new java.util.TreeSet<>(allowed) + ", not " + Printable.cut(key));
            }
        }
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
