package org.omserver.master.pipeline;

import org.apache.thrift.TBase;
import org.omserver.catalog.Catalog;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobStatus;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ParamSpec;
import org.omserver.catalog.module.ParamType;
import org.omserver.catalog.module.ParameterException;
import org.omserver.catalog.user.Passwords;
import org.omserver.catalog.user.Role;
import org.omserver.catalog.user.User;
import org.omserver.executor.api.HostTarget;
import org.omserver.master.dispatch.Backends;
import org.omserver.master.dispatch.JobRunner;
import org.omserver.master.dispatch.PlannedHost;
import org.omserver.master.dispatch.Rolling;
import org.omserver.master.dispatch.RollingSpec;
import org.omserver.master.job.EventPage;
import org.omserver.master.job.Job;
import org.omserver.master.job.JobRegistry;
import org.omserver.master.session.LoginThrottle;
import org.omserver.master.session.Session;
import org.omserver.master.session.SessionStore;
import org.omserver.protocol.SealedMessages;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.LogoutReply;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.TargetHost;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The stages requests are built from. Each factory method returns one small stage; the RPC handler lists them
 * per method, in order, in one place ({@code MasterHandler}).
 */
public final class Stages
{
    /** Most targets one request may name. */
    public static final int MAX_TARGETS = 10_000;
    /** Longest an event poll waits, whatever the client asks: below common proxy and client read timeouts. */
    public static final Duration MAX_POLL_WAIT = Duration.ofSeconds(25);
    public static final int DEFAULT_EVENTS = 500;
    public static final int MAX_EVENTS = 5000;
    private static final int LISTED_UNKNOWN_HOSTS = 20;

    private final Catalog catalog;
    private final SealedMessages messages;
    private final SessionStore sessions;
    private final LoginThrottle throttle;
    private final Backends backends;
    private final JobRunner runner;
    private final JobRegistry jobs;
    private final Clock clock;
    private volatile String dummyHash;

    public Stages(Catalog catalog, SealedMessages messages, SessionStore sessions, LoginThrottle throttle, Backends backends,
            JobRunner runner, JobRegistry jobs, Clock clock)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.messages = requireNonNull(messages, "messages is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
        this.backends = requireNonNull(backends, "backends is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    // ---- envelopes ------------------------------------------------------------------------------

    /** Opens the v2 envelope as the method's request struct and copies what later stages and the audit need. */
    public <T extends TBase<?, ?>> Stage decode(String sealed, Supplier<T> empty, BiConsumer<T, Call> unpack)
    {
        return Stage.named("decode", call -> {
            T request;
            try {
                request = messages.openRequest(call.method(), requireNonNull(sealed, "sealed is null"), empty.get());
            }
            catch (EnvelopeException e) {
                throw envelopeRefusal(e);
            }
            call.setRequest(request);
            unpack.accept(request, call);
        });
    }

    /** Seals the reply struct in a v2 envelope for the method's reply context. */
    public Stage encode()
    {
        return Stage.named("encode", call -> call.setReply(messages.sealReply(call.method(), call.reply(TBase.class))));
    }

    /** Maps an envelope failure to its stable code; the message stays the envelope's own (it leaks nothing). */
    public static Refusal envelopeRefusal(EnvelopeException e)
    {
        ErrorCode code = switch (e.reason()) {
            case STALE, REPLAYED -> ErrorCode.STALE_OR_REPLAYED;
            case BAD_MAC, MALFORMED, TOO_LARGE, UNSUPPORTED_VERSION -> ErrorCode.BAD_ENVELOPE;
        };
        return new Refusal(code, e.getMessage());
    }

    // ---- who is asking ---------------------------------------------------------------------------

    /** Refuses while this user and address have too many recent failed logins. */
    public Stage loginThrottle()
    {
        return Stage.named("loginThrottle", call -> {
            LoginRequest request = call.request(LoginRequest.class);
            if (throttle.blocked(request.getUsername(), throttleAddress(call))) {
                throw new Refusal(ErrorCode.THROTTLED, "too many failed logins for " + request.getUsername()
                        + " from this address; wait up to " + throttle.period().toMinutes() + " minutes, or ask an admin to reset the password");
            }
        });
    }

    /** Checks the user name and password; the same message for every failure so it tells an attacker nothing. */
    public Stage verifyPassword()
    {
        return Stage.named("verifyPassword", call -> {
            LoginRequest request = call.request(LoginRequest.class);
            char[] password = request.getPassword().toCharArray();
            Optional<User> user = catalog.users().find(request.getUsername());
            // verify against a dummy hash for unknown users, so timing does not tell which names exist
            boolean matches = Passwords.verify(password, user.map(User::passwordHash).orElseGet(this::dummyHash));
            java.util.Arrays.fill(password, '\0');
            if (user.isEmpty() || !user.get().enabled() || !matches) {
                throttle.failed(request.getUsername(), throttleAddress(call));
                throw new Refusal(ErrorCode.UNAUTHENTICATED, "wrong user name or password, or the account is disabled");
            }
            throttle.succeeded(request.getUsername(), throttleAddress(call));
            call.setPrincipal(new Principal(user.get().username(), user.get().role()));
        });
    }

    /** Opens a session for the verified user and replies with its token. */
    public Stage createSession()
    {
        return Stage.named("createSession", call -> {
            Principal principal = call.requirePrincipal();
            Session session = sessions.create(principal.username(), principal.role());
            catalog.users().recordLogin(principal.username());
            call.setReply(new LoginReply(session.token(), session.username(), Replies.role(session.role()), session.expiresAt().toEpochMilli()));
        });
    }

    /** Ends the session named in the request (logging out twice is not an error). */
    public Stage endSession()
    {
        return Stage.named("endSession", call -> {
            String token = call.sessionToken().orElseThrow();
            sessions.touch(token).ifPresent(session -> call.setPrincipal(new Principal(session.username(), session.role())));
            call.setReply(new LogoutReply(sessions.remove(token)));
        });
    }

    /** Finds the live session for the request's token; its expiry slides forward. */
    public Stage authenticate()
    {
        return Stage.named("authenticate", call -> {
            Session session = call.sessionToken().flatMap(sessions::touch).orElseThrow(() -> new Refusal(ErrorCode.UNAUTHENTICATED,
                    "no such session, or it expired; log in again"));
            // the account as it is now: disabling or removing a user ends their sessions, a changed role applies at once
            User user = catalog.users().find(session.username()).filter(User::enabled).orElse(null);
            if (user == null) {
                sessions.remove(session.token());
                throw new Refusal(ErrorCode.UNAUTHENTICATED, "the account " + session.username() + " was disabled or removed; ask an admin");
            }
            call.setPrincipal(new Principal(user.username(), user.role()));
        });
    }

    /** Runs the request as the legacy caller: the OMServer call carries no user, only the shared secret. */
    public Stage legacyPrincipal()
    {
        return Stage.named("legacyPrincipal", call -> call.setPrincipal(new Principal("legacy", Role.ADMIN)));
    }

    /** Checks that the principal's role may perform the action; the one place where permissions are decided. */
    public Stage authorize(Permission permission)
    {
        return Stage.named("authorize(" + permission + ")", call -> {
            Role role = call.requirePrincipal().role();
            if (!permission.allows(role)) {
                throw new Refusal(ErrorCode.FORBIDDEN, "your role " + role.name().toLowerCase() + " may not " + permission.description()
                        + "; ask an admin for one of: " + permission.roles().stream().map(r -> r.name().toLowerCase()).collect(Collectors.joining(", ")));
            }
        });
    }

    // ---- what is asked --------------------------------------------------------------------------

    /** Looks the module id up in module_list; it must exist and be runnable. */
    public Stage resolveModule()
    {
        return Stage.named("resolveModule", call -> {
            int id = call.moduleId().orElseThrow(() -> new IllegalStateException("decode did not set a module id"));
            ModuleDefinition module = catalog.modules().find(id).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                    "module " + id + " does not exist; pick a module from the catalog"));
            call.setModule(module);
            if (!module.runnable()) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "module " + id + " (" + module.name() + ") cannot run: " + module.caption());
            }
        });
    }

    /** Checks the raw form values against the module's parameter schema. */
    public Stage validateParams()
    {
        return Stage.named("validateParams", call -> {
            ModuleDefinition module = call.requireModule();
            try {
                call.setParams(module.validate(call.rawParams()));
            }
            catch (ParameterException e) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "invalid parameters for module " + module.id() + " (" + module.name() + "): "
                        + String.join("; ", e.problems()));
            }
            // a FILE parameter names a file that is in the store now: refused here once, not on every host later
            for (ParamSpec spec : module.params()) {
                String name = call.requireParams().values().get(spec.name());
                if (spec.type() == ParamType.FILE && name != null && !name.isEmpty() && catalog.files().find(name).isEmpty()) {
                    throw new Refusal(ErrorCode.INVALID_REQUEST, "invalid parameters for module " + module.id() + " (" + module.name() + "): "
                            + spec.name() + ": there is no file '" + name + "' in the master's file store; upload it first "
                            + "(the Files page, or omserver client 'cmd=uploads,localpath=PATH'), or pick one the Files page lists");
                }
            }
            // free commands (omserver:command, omserver:cronadd) must also pass the master's allow-list
            Optional<String> notAllowed = new org.omserver.master.agents.AgentCommandPolicy(catalog.commandAllowList())
                    .refusal(module.render(call.requireParams()));
            if (notAllowed.isPresent()) {
                throw new Refusal(notAllowed.get().startsWith("Command not executive") ? ErrorCode.FORBIDDEN : ErrorCode.INVALID_REQUEST, notAllowed.get());
            }
        });
    }

    /** Resolves every target LAN IP exactly in server_list and picks each host's backend; unknown hosts refuse the whole request. */
    public Stage resolveTargets()
    {
        return Stage.named("resolveTargets", call -> {
            Set<String> wanted = new LinkedHashSet<>();
            for (String target : call.requestedTargets()) {
                wanted.add(target.trim());
            }
            if (wanted.isEmpty() || wanted.contains("")) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, wanted.isEmpty() ? "no hosts found: choose at least one server"
                        : "an empty host address was sent; choose servers from the inventory");
            }
            if (wanted.size() > MAX_TARGETS) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, wanted.size() + " hosts in one request, more than the " + MAX_TARGETS
                        + " allowed; split the run");
            }
            Map<String, Server> found = new LinkedHashMap<>();
            for (Server server : catalog.inventory().findByLanIps(wanted)) {
                found.put(server.lanIp(), server);
            }
            List<String> unknown = wanted.stream().filter(ip -> !found.containsKey(ip)).toList();
            if (!unknown.isEmpty()) {
                String listed = unknown.stream().limit(LISTED_UNKNOWN_HOSTS).map(ip -> Pipeline.cut(ip, 64)).collect(Collectors.joining(", "));
                if (unknown.size() > LISTED_UNKNOWN_HOSTS) {
                    listed += " and " + (unknown.size() - LISTED_UNKNOWN_HOSTS) + " more";
                }
                throw new Refusal(ErrorCode.INVALID_REQUEST, "unknown hosts: " + listed + "; add them to the inventory first");
            }
            List<Server> servers = wanted.stream().map(found::get).toList();
            checkGrants(call.requirePrincipal(), servers);
            call.setHosts(plan(call.requireModule(), servers));
        });
    }

    /**
     * Operators run modules only on hosts of the function categories granted to them; one host outside the grants
     * refuses the whole request. Admins (and the legacy caller) run anywhere; other roles never reach this far.
     */
    private void checkGrants(Principal principal, List<Server> servers)
            throws Refusal
    {
        if (principal.role() != Role.OPERATOR) {
            return;
        }
        Set<Integer> granted = catalog.users().grants(principal.username());
        Map<Integer, Integer> functionOf = new LinkedHashMap<>();
        for (var app : catalog.inventory().appCategories()) {
            functionOf.put(app.id(), app.functionCategoryId());
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (var function : catalog.inventory().functionCategories()) {
            names.put(String.valueOf(function.id()), function.name());
        }
        Map<String, List<String>> outside = new LinkedHashMap<>();
        for (Server server : servers) {
            Integer function = functionOf.get(server.appCategoryId());
            if (function == null || !granted.contains(function)) {
                String category = function == null ? "no function category" : names.getOrDefault(String.valueOf(function), "category " + function);
                outside.computeIfAbsent(category, name -> new ArrayList<>()).add(server.lanIp());
            }
        }
        if (!outside.isEmpty()) {
            throw new Refusal(ErrorCode.FORBIDDEN, "operator " + principal.username() + " is not granted the function categories of these hosts: "
                    + describe(outside) + "; nothing was run. Pick hosts of granted categories, or ask an admin to grant "
                    + String.join(", ", outside.keySet()));
        }
    }

    private List<PlannedHost> plan(ModuleDefinition module, List<Server> servers)
            throws Refusal
    {
        List<PlannedHost> hosts = new ArrayList<>();
        Map<String, List<String>> unloaded = new LinkedHashMap<>();
        Map<String, List<String>> mismatched = new LinkedHashMap<>();
        for (Server server : servers) {
            String backend = server.backend().orElse(backends.defaultName());
            if (backends.find(backend).isEmpty()) {
                unloaded.computeIfAbsent(backend, name -> new ArrayList<>()).add(server.lanIp());
            }
            else if (!module.backend().equals("any") && !module.backend().equals(backend)) {
                mismatched.computeIfAbsent(backend, name -> new ArrayList<>()).add(server.lanIp());
            }
            hosts.add(new PlannedHost(new HostTarget(server.lanIp(), server.name(), server.sshPort(), server.sshUser()), backend));
        }
        if (!mismatched.isEmpty()) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "module " + module.id() + " (" + module.name() + ") runs only with the "
                    + module.backend() + " backend; these hosts use another: " + describe(mismatched) + "; pick other hosts");
        }
        if (!unloaded.isEmpty()) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "these hosts use a backend this master has not loaded: " + describe(unloaded)
                    + "; loaded: " + String.join(", ", backends.names()) + " (configure executor.<name>.* or change the hosts' backend)");
        }
        return hosts;
    }

    private static String describe(Map<String, List<String>> hostsByBackend)
    {
        return hostsByBackend.entrySet().stream()
                .map(entry -> String.join(", ", entry.getValue().stream().limit(LISTED_UNKNOWN_HOSTS).toList()) + " (" + entry.getKey() + ")")
                .collect(Collectors.joining("; "));
    }

    // ---- doing it -------------------------------------------------------------------------------

    /** The agent built-in that updates the agent (module 2050): always rolled out canary first, stopping at the first failure. */
    private static final String UPDATESELF = "omserver:updateself";

    /** Records the job (parameters as shown) and starts it; the hosts run in the background. */
    public Stage dispatch()
    {
        return Stage.named("dispatch", call -> {
            ModuleDefinition module = call.requireModule();
            List<PlannedHost> hosts = call.hosts();
            List<String> argv = module.render(call.requireParams());
            long jobId = catalog.jobs().create(new JobRecord(0, call.receivedAt(), call.requirePrincipal().username(), module.id(),
                    call.requireParams().shown(), hosts.stream().map(host -> host.target().address()).toList(), JobStatus.RUNNING,
                    call.parentJobId(), call.scheduleId(), call.rollingSettings(), Optional.empty()));
            Rolling rolling = call.rolling().orElseGet(() -> Rolling.allAtOnce(hosts.size(), runner.maxParallel()))
                    .limitedTo(module.maxParallel());
            if (!argv.isEmpty() && argv.get(0).equals(UPDATESELF)) {
                rolling = rolling.asUpdateRollout();
            }
            call.setJob(runner.start(jobId, module.id(), module.name(), argv, module.timeout(), module.needsRoot(), hosts, rolling));
            // an earlier stage's note (a servertype's skipped hosts) stays after the job id
            call.setDetail("job " + jobId + call.detail().map(note -> "; " + note).orElse(""));
        });
    }

    /** Checks the rolling settings against the job's hosts, this master's parallelism and the module's timeout. */
    public Stage planRolling()
    {
        return Stage.named("planRolling", call -> {
            if (call.rollingSettings().isEmpty()) {
                return;
            }
            try {
                call.setRolling(RollingSpec.resolve(call.rollingSettings(), call.hosts().size(), runner.maxParallel(), call.requireModule().timeout()));
            }
            catch (IllegalArgumentException e) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "invalid rolling settings: " + e.getMessage());
            }
        });
    }

    /** Replies with the job id and the hosts as resolved. */
    public Stage submitReply()
    {
        return Stage.named("submitReply", call -> {
            Job job = call.requireJob();
            List<TargetHost> hosts = job.targets().stream().map(target -> new TargetHost(target.address(), target.name())).toList();
            call.setReply(new SubmitReply(job.id(), job.moduleId(), job.moduleName(), new ArrayList<>(hosts)));
        });
    }

    /** Lists every module with its parameters and whether it can run. */
    public Stage listModules()
    {
        return Stage.named("listModules", call -> call.setReply(new CatalogReply(
                new ArrayList<>(catalog.modules().list().stream().map(Replies::module).toList()))));
    }

    /** Lists the categories and servers, each server with the backend that would run it. */
    public Stage listInventory()
    {
        return Stage.named("listInventory", call -> call.setReply(new InventoryReply(
                new ArrayList<>(catalog.inventory().functionCategories().stream()
                        .map(c -> new org.omserver.protocol.thrift.FunctionCategory(c.id(), c.name())).toList()),
                new ArrayList<>(catalog.inventory().appCategories().stream()
                        .map(c -> new org.omserver.protocol.thrift.AppCategory(c.id(), c.functionCategoryId(), c.name())).toList()),
                new ArrayList<>(catalog.inventory().servers().stream()
                        .map(s -> org.omserver.master.inventory.InventoryStages.info(s, backends.defaultName())).toList()))));
    }

    /** Returns the job's events after the cursor, waiting a while for new ones; jobs no longer in memory come from the database. */
    public Stage readEvents()
    {
        return Stage.named("readEvents", call -> {
            EventsRequest request = call.request(EventsRequest.class);
            if (request.getCursor() < 0) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "cursor must be 0 or more, was " + request.getCursor());
            }
            int maxEvents = !request.isSetMaxEvents() || request.getMaxEvents() <= 0 ? DEFAULT_EVENTS : Math.min(request.getMaxEvents(), MAX_EVENTS);
            Duration wait = Duration.ofMillis(Math.clamp(request.getMaxWaitMillis(), 0, MAX_POLL_WAIT.toMillis()));
            Optional<Job> live = jobs.find(request.getJobId());
            if (live.isPresent()) {
                EventPage page;
                try {
                    page = live.get().read(request.getCursor(), maxEvents, wait);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Refusal(ErrorCode.INTERNAL, "the master is shutting down; retry in a moment");
                }
                call.setReply(new EventsReply(new ArrayList<>(page.events().stream().map(Replies::event).toList()),
                        page.nextCursor(), page.complete(), page.hostsTotal(), page.hostsDone()));
                return;
            }
            JobRecord stored = catalog.jobs().find(request.getJobId()).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                    "job " + request.getJobId() + " does not exist"));
            call.setReply(storedEvents(stored, catalog.jobs().hostResults(stored.id()), request.getCursor(), maxEvents));
        });
    }

    /**
     * A job known only to the database (finished long ago, or from before a restart): each stored host result
     * becomes its output events and a FINISHED event; hosts without a result finished INTERRUPTED.
     */
    static EventsReply storedEvents(JobRecord job, List<HostResultRecord> results, long cursor, int maxEvents)
    {
        List<HostEvent> all = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (HostResultRecord result : results) {
            seen.add(result.lanIp());
            if (!result.stdout().isEmpty()) {
                all.add(new HostEvent(all.size() + 1, EventKind.STDOUT, result.lanIp(), result.hostName()).setText(result.stdout()));
            }
            if (!result.stderr().isEmpty()) {
                all.add(new HostEvent(all.size() + 1, EventKind.STDERR, result.lanIp(), result.hostName()).setText(result.stderr()));
            }
            all.add(Replies.finished(all.size() + 1, result));
        }
        for (String target : job.targets()) {
            if (seen.add(target)) {
                all.add(new HostEvent(all.size() + 1, EventKind.FINISHED, target, target)
                        .setStatus(org.omserver.protocol.thrift.HostStatus.FAILED)
                        .setFailureReason("INTERRUPTED")
                        .setFailureMessage("the master stopped before this host finished")
                        .setDurationMillis(0));
            }
        }
        int from = (int) Math.min(cursor, all.size());
        int to = (int) Math.min((long) from + maxEvents, all.size());
        return new EventsReply(new ArrayList<>(all.subList(from, to)), to, to == all.size(), job.targets().size(), job.targets().size());
    }

    private String dummyHash()
    {
        String hash = dummyHash;
        if (hash == null) {
            hash = Passwords.hash("not a password of anyone".toCharArray());
            dummyHash = hash;
        }
        return hash;
    }

    private static String throttleAddress(Call call)
    {
        return call.clientAddress().orElse(call.peer());
    }

    /** What a role may do. Grows with the role model; {@link #authorize} is its only user. */
    public enum Permission
    {
        READ_CATALOG("read the catalog, the inventory and job results", Set.of(Role.ADMIN, Role.AUTHOR, Role.OPERATOR, Role.VIEWER)),
        RUN_MODULES("run modules", Set.of(Role.ADMIN, Role.OPERATOR)),
        READ_HISTORY("read the job history", Set.of(Role.ADMIN, Role.AUTHOR, Role.OPERATOR, Role.VIEWER)),
        CONTROL_JOBS("cancel or retry jobs", Set.of(Role.ADMIN, Role.OPERATOR)),
        SCHEDULE_RUNS("create or change scheduled runs", Set.of(Role.ADMIN, Role.OPERATOR)),
        /** Module authoring (issue 4): create, edit, enable/disable, delete, roll back and preview modules. */
        EDIT_CATALOG("change the module catalog", Set.of(Role.ADMIN, Role.AUTHOR)),
        /** Users and roles (issue 4): list, create, disable, enable, delete users, change roles and grants, reset passwords, log others out. */
        MANAGE_USERS("manage users, roles and grants", Set.of(Role.ADMIN)),
        /** The audit viewer (issue 4). */
        READ_AUDIT("read the audit log", Set.of(Role.ADMIN)),
        /** One's own account: change one's password, end one's own sessions everywhere. */
        OWN_ACCOUNT("change your own account", Set.of(Role.ADMIN, Role.AUTHOR, Role.OPERATOR, Role.VIEWER)),
        /** Agents web (issue 3): revoke agents, create enrollment tokens, approve or reject enrollment requests, change the command allow-list. */
        MANAGE_AGENTS("manage agents (revoke, enrollment, the command allow-list)", Set.of(Role.ADMIN)),
        /**
         * Inventory management (issue 4): categories, servers, groups, CSV import. Admin only: where commands run and
         * with which SSH user is the operations side's decision, not a module author's.
         */
        EDIT_INVENTORY("change the inventory", Set.of(Role.ADMIN));

        private final String description;
        private final Set<Role> roles;

        Permission(String description, Set<Role> roles)
        {
            this.description = description;
            this.roles = roles;
        }

        public boolean allows(Role role)
        {
            return roles.contains(role);
        }

        public String description()
        {
            return description;
        }

        public List<Role> roles()
        {
            return roles.stream().sorted().toList();
        }
    }
}
