package org.omserver.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.omserver.launcher.client.ApiError;
import org.omserver.launcher.client.ClientRequest;
import org.omserver.launcher.client.GatewayApi;
import org.omserver.launcher.client.HostOutcome;
import org.omserver.launcher.client.IomsRequest;
import org.omserver.launcher.client.JobFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code omserver client}: IOMClient for OMServer for Java. Runs a module through the gateway's JSON API, shows each
 * host's progress on stderr, prints {@code IP: output} per host and {@code All command run over.} on stdout.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Run a module on hosts through the gateway's API, IOMClient style.",
                "  omserver client 'cmd=module,id=1003,serverip=10.0.0.1;10.0.0.2'",
                "  omserver client --module 1001 --hosts 10.0.0.1,10.0.0.2 --param sys_param_1=50",
                "  omserver client --module 1003 --servertype web --batch 25% --failure-threshold 2",
                "  omserver client --follow 42",
                "The password comes from OMSERVER_PASSWORD or is asked for; or pass a token (--token, OMSERVER_TOKEN).",
                "Exit code: 0 every host succeeded, 1 a host failed, 2 the request was refused, 3 the gateway could not be used."})
final class ClientCommand
        implements Callable<Integer>
{
    static final int HOST_FAILED = 1;
    static final int REFUSED = 2;
    static final int UNAVAILABLE = 3;
    private static final String HELP = """
            Commands (IOMClient syntax, cmd=NAME,key=value,...):
              cmd=module,id=ID,serverip=IP;IP[,sys_param_1=V][,sys_param_2=V]   run a module on the listed hosts (exact IPs)
              cmd=module,id=ID,servertype=GROUP[,...]                          run it on every host of an application category
              cmd=showversion                                                  the gateway's version
              cmd=help                                                         this text
            The master's file store:
              cmd=dir                                                          its files: name size md5 sha256 who when
              cmd=uploads,localpath=PATH[,file=NAME]                           put a local file into the store (admin, author)
              cmd=remove,file=NAME                                             remove a file of the store (admin, author)
              cmd=genmd5[,file=NAME]                                           re-hash the store's files from disk (admin, author)
            On hosts with the native agent (targets serverip=IP;IP or servertype=GROUP):
              cmd=agentlist / cmd=version                                      each agent answers / its version
              cmd=command,command=PROGRAM ARGS                                 a command on the master's and the agent's allow-lists (no shell)
              cmd=cronlist                                                     the host's cron entries
              cmd=cronadd,cron=min;hour;day;month;weekday;abs-path;process-name  keep-alive entry (or schedule=,command=,process=)
              cmd=cronremove,cron=min;hour;day;month;weekday;abs-path;process-name  (or entry=ID from cronlist)
              cmd=password,account=NAME,password=SECRET                        change an OS account's password (agent as root)
              cmd=unzip,unzipfile=/path/a.zip,path=/dest                        extract under the agent's allow.unzip-roots
              cmd=updateself,package=NAME                                      update the agents from a signed package (module 2050)
              cmd=downloads,file=NAME,path=DIR                                 copy a stored file to the hosts, checksum verified (module 2010)""";

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "REQUEST", description = "IOMClient request, e.g. 'cmd=module,id=1003,serverip=10.0.0.1'.")
    String request;

    @Option(names = "--module", paramLabel = "ID", description = "Module to run (instead of REQUEST).")
    Integer module;

    @Option(names = "--hosts", paramLabel = "IP[,IP...]", description = "Target LAN IPs, comma separated, exact.")
    String hosts;

    @Option(names = "--servertype", paramLabel = "GROUP", description = "Target every server of this application category.")
    String serverType;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Module parameter (repeatable).")
    List<String> params = new ArrayList<>();

    @Option(names = "--batch", paramLabel = "N|P%", description = "Rolling run: hosts per batch, a number or a percentage of the targets; the next batch starts when one has finished.")
    String batch;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Rolling run: hosts running at the same time (1 to the master's run.max-parallel).")
    Integer maxInFlight;

    @Option(names = "--failure-threshold", paramLabel = "N|P%", description = "Rolling run: once more hosts than this failed, start no more; the rest are SKIPPED and the job STOPPED.")
    String failureThreshold;

    @Option(names = "--host-timeout", paramLabel = "SECONDS", description = "Per-host command timeout (1 to the module's timeout); connecting has its own.")
    Integer hostTimeout;

    @Option(names = "--follow", paramLabel = "JOBID", description = "Attach to a job (running or finished) and show it like a run.")
    Long follow;

    @Option(names = "--json", description = "Print the results as JSON on stdout instead of IOMS lines.")
    boolean json;

    @Option(names = "--gateway", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The gateway (default: ${DEFAULT-VALUE}).")
    URI gateway;

    @Option(names = "--user", paramLabel = "NAME", description = "User to log in as (default: OMSERVER_USER).")
    String user;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A token from POST /api/v1/tokens instead of logging in (default: OMSERVER_TOKEN).")
    String token;

    private final Map<String, String> environment;

    ClientCommand()
    {
        this(System.getenv());
    }

    /** With the environment to read OMSERVER_USER, OMSERVER_PASSWORD and OMSERVER_TOKEN from (tests pass their own). */
    ClientCommand(Map<String, String> environment)
    {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call()
            throws InterruptedException
    {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClientRequest what;
        try {
            what = request();
        }
        catch (IllegalArgumentException e) {
            err.println("omserver client: " + e.getMessage());
            return REFUSED;
        }
        if (what instanceof ClientRequest.Help) {
            out.println(HELP);
            return 0;
        }
        GatewayApi api = new GatewayApi(gateway);
        warnIfCleartext(err);
        try {
            if (what instanceof ClientRequest.ShowVersion) {
                out.println("omserver gateway " + api.version());
                return 0;
            }
            Session session = session(api);
            try {
                if (what instanceof ClientRequest.FileList || what instanceof ClientRequest.FileRemove || what instanceof ClientRequest.FileRehash
                        || what instanceof ClientRequest.FileUpload) {
                    return fileStore(api, session.token(), what, out);
                }
                long jobId = what instanceof ClientRequest.Follow followed ? attach(followed, err) : submit(api, session.token(), (ClientRequest.Run) what, err);
                return show(api, session.token(), jobId, out, err);
            }
            finally {
                if (session.ours()) {
                    revokeQuietly(api, session.token(), err);
                }
            }
        }
        catch (IllegalArgumentException e) {
            err.println("omserver client: " + e.getMessage());
            return REFUSED;
        }
        catch (ApiError e) {
            err.println("omserver client: " + e.code() + ": " + e.getMessage());
            return e.status() >= 500 ? UNAVAILABLE : REFUSED;
        }
        catch (IOException e) {
            err.println("omserver client: " + e.getMessage());
            return UNAVAILABLE;
        }
    }

    /** dir, remove, genmd5: one line per file, "name size md5 sha256 who when", like IOMClient's listing. */
    private static int fileStore(GatewayApi api, String bearer, ClientRequest what, PrintWriter out)
            throws IOException, InterruptedException, ApiError
    {
        switch (what) {
            case ClientRequest.FileList list -> {
                JsonNode files = api.files(bearer).get("files");
                files.forEach(file -> out.println(fileLine(file)));
                out.println(files.size() + " file(s) in the store.");
            }
            case ClientRequest.FileUpload upload -> {
                java.nio.file.Path local = java.nio.file.Path.of(upload.localPath());
                if (!java.nio.file.Files.isRegularFile(local)) {
                    throw new IllegalArgumentException("localpath " + shown(upload.localPath()) + " is not a readable file here");
                }
                String sha256 = sha256(local);
                JsonNode stored = api.uploadFile(bearer, upload.name(), local, sha256).get("file");
                out.println("uploaded " + fileLine(stored));
            }
            case ClientRequest.FileRemove remove -> out.println("removed " + fileLine(api.removeFile(bearer, remove.name()).get("removed")));
            case ClientRequest.FileRehash rehash -> {
                JsonNode reply = api.rehashFiles(bearer, rehash.name());
                reply.get("files").forEach(file -> out.println(fileLine(file)));
                reply.get("changed").forEach(line -> out.println("changed: " + shown(line.asText())));
                out.println(reply.get("files").size() + " file(s) re-hashed, " + reply.get("changed").size() + " changed.");
            }
            default -> throw new IllegalStateException("not a file store request: " + what);
        }
        return 0;
    }

    private static String sha256(java.nio.file.Path file)
            throws IOException
    {
        java.security.MessageDigest digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256");
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private static String fileLine(JsonNode file)
    {
        return shown(file.get("name").asText()) + " " + file.get("size").asLong() + " md5=" + file.get("md5").asText() + " sha256="
                + file.get("sha256").asText() + " by " + shown(file.get("uploadedBy").asText()) + " at " + file.get("uploadedAt").asText();
    }

    /** A value from the master in one line: control characters escaped. */
    private static String shown(String value)
    {
        StringBuilder out = new StringBuilder();
        value.codePoints().forEach(c -> out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.toString();
    }

    private static long attach(ClientRequest.Follow follow, PrintWriter err)
    {
        err.println("following job " + follow.jobId());
        return follow.jobId();
    }

    /** Starts the run; returns its job id. */
    private long submit(GatewayApi api, String bearer, ClientRequest.Run run, PrintWriter err)
            throws IOException, InterruptedException, ApiError
    {
        List<String> targets = switch (run.targets()) {
            case ClientRequest.Hosts listed -> listed.lanIps();
            case ClientRequest.Group group -> {
                List<String> members = api.serversOfAppCategory(bearer, group.appCategoryName());
                if (members.isEmpty()) {
                    throw new IllegalArgumentException("servertype " + group.appCategoryName() + " has no servers; add servers to it first");
                }
                yield members;
            }
        };
        JsonNode started = api.run(bearer, run.moduleId(), targets, run.params(), rolling());
        long jobId = started.get("jobId").asLong();
        err.printf("job %d: module %d (%s) on %d hosts%n", jobId, started.get("moduleId").asInt(), started.get("moduleName").asText(),
                started.get("hosts").size());
        return jobId;
    }

    /** Follows the job to its end with progress on stderr, then prints the results; the exit code says whether all succeeded. */
    private int show(GatewayApi api, String bearer, long jobId, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException, ApiError
    {
        err.flush();
        List<HostOutcome> outcomes = new JobFollower(api, bearer, err).follow(jobId);
        if (json) {
            out.println(json(jobId, outcomes));
        }
        else {
            outcomes.forEach(outcome -> out.println(outcome.iomsLine()));
            out.println("All command run over.");
        }
        JsonNode job = api.job(bearer, jobId);
        if (job.has("stopReason")) {
            err.println("job " + jobId + " ended " + job.path("status").asText() + " (" + shown(job.get("stopReason").asText()) + ")");
        }
        err.flush();
        out.flush();
        return outcomes.stream().allMatch(HostOutcome::succeeded) ? 0 : HOST_FAILED;
    }

    /** The request from REQUEST or from the flags, never both. */
    private ClientRequest request()
    {
        boolean flags = module != null || hosts != null || serverType != null || !params.isEmpty();
        if (request != null && (flags || follow != null)) {
            throw new IllegalArgumentException("give either an IOMClient REQUEST or the flags (--module, --hosts, --servertype, --param, --follow), not both");
        }
        if (follow != null) {
            if (flags) {
                throw new IllegalArgumentException("--follow attaches to a job that already runs; it takes no --module, --hosts, --servertype or --param");
            }
            if (!rolling().isEmpty()) {
                throw new IllegalArgumentException("--follow attaches to a job that already runs; its rolling options were set when it started");
            }
            if (follow < 1) {
                throw new IllegalArgumentException("--follow needs a job id such as 42");
            }
            return new ClientRequest.Follow(follow);
        }
        if (request != null) {
            return ClientRequest.fromIoms(IomsRequest.parse(request));
        }
        if (module == null) {
            throw new IllegalArgumentException("say what to run: an IOMClient REQUEST such as 'cmd=module,id=1003,serverip=10.0.0.1', "
                    + "or --module ID with --hosts or --servertype ('cmd=help' lists the commands)");
        }
        if (module < 1) {
            throw new IllegalArgumentException("--module must be a module number such as 1003");
        }
        ClientRequest.Targets targets = ClientRequest.targets(hosts == null ? null : hosts.replace(',', ';'), serverType);
        Map<String, String> values = new LinkedHashMap<>();
        for (String param : params) {
            int equals = param.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("--param must be NAME=VALUE, e.g. --param sys_param_1=50");
            }
            if (values.putIfAbsent(param.substring(0, equals), param.substring(equals + 1)) != null) {
                throw new IllegalArgumentException("--param " + param.substring(0, equals) + " is given more than once; give it once");
            }
        }
        return new ClientRequest.Run(module, targets, values);
    }

    /** The rolling options given (--batch, --max-in-flight, --failure-threshold, --host-timeout); the master checks them. */
    private Map<String, String> rolling()
    {
        Map<String, String> rolling = new LinkedHashMap<>();
        if (batch != null) {
            rolling.put("batchSize", batch.strip());
        }
        if (maxInFlight != null) {
            rolling.put("maxInFlight", maxInFlight.toString());
        }
        if (failureThreshold != null) {
            rolling.put("failureThreshold", failureThreshold.strip());
        }
        if (hostTimeout != null) {
            rolling.put("commandTimeoutSeconds", hostTimeout.toString());
        }
        return rolling;
    }

    private record Session(String token, boolean ours) {}

    /** The token to use: --token, OMSERVER_TOKEN, or a login (then revoked at the end). */
    private Session session(GatewayApi api)
            throws IOException, InterruptedException, ApiError
    {
        String given = token != null ? token : environment.get("OMSERVER_TOKEN");
        if (given != null && !given.isBlank()) {
            return new Session(given.strip(), false);
        }
        String username = user != null ? user : environment.get("OMSERVER_USER");
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("say who you are: --user NAME (or OMSERVER_USER), or give a token with --token (or OMSERVER_TOKEN)");
        }
        return new Session(api.login(username, password(username)), true);
    }

    private String password(String username)
    {
        String password = environment.get("OMSERVER_PASSWORD");
        if (password != null) {
            return password;
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no password for " + username + ": set OMSERVER_PASSWORD, run in a terminal to be asked, or use --token");
        }
        char[] typed = console.readPassword("Password for %s at %s: ", username, gateway);
        if (typed == null) {
            throw new IllegalArgumentException("no password given");
        }
        return new String(typed);
    }

    private void warnIfCleartext(PrintWriter err)
    {
        if (!"http".equalsIgnoreCase(gateway.getScheme()) || gateway.getHost() == null) {
            return;
        }
        try {
            if (!InetAddress.getByName(gateway.getHost()).isLoopbackAddress()) {
                err.println("omserver client: warning: " + gateway + " is plain HTTP; the password and token cross the network unencrypted");
            }
        }
        catch (IOException e) {
            // the request itself will report the unknown host
        }
    }

    private static void revokeQuietly(GatewayApi api, String bearer, PrintWriter err)
            throws InterruptedException
    {
        try {
            api.revoke(bearer);
        }
        catch (IOException | ApiError e) {
            err.println("omserver client: the login token could not be revoked (" + e.getMessage() + "); it expires on its own");
        }
    }

    private static String json(long jobId, List<HostOutcome> outcomes)
    {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("jobId", jobId);
        root.put("allSucceeded", outcomes.stream().allMatch(HostOutcome::succeeded));
        ArrayNode hosts = root.putArray("hosts");
        for (HostOutcome outcome : outcomes) {
            ObjectNode host = hosts.addObject();
            host.put("lanIp", outcome.lanIp());
            host.put("hostName", outcome.hostName());
            outcome.status().ifPresent(status -> host.put("status", status));
            outcome.exitCode().ifPresent(code -> host.put("exitCode", code));
            outcome.failureReason().ifPresent(reason -> host.put("failureReason", reason));
            outcome.failureMessage().ifPresent(message -> host.put("failureMessage", message));
            host.put("stdout", outcome.stdout());
            host.put("stderr", outcome.stderr());
        }
        try {
            return mapper.writeValueAsString(root);
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
