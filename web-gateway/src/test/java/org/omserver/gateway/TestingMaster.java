package org.omserver.gateway;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TThreadedSelectorServer;
import org.apache.thrift.transport.TNonblockingServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.protocol.SealedMessages;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.envelope.SharedSecret;
import org.omserver.protocol.thrift.AppCategory;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.CatalogRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.FunctionCategory;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.InventoryRequest;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobProgress;
import org.omserver.protocol.thrift.JobStatus;
import org.omserver.protocol.thrift.JobSummary;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.LogoutReply;
import org.omserver.protocol.thrift.LogoutRequest;
import org.omserver.protocol.thrift.Master;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.ParamType;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;
import org.omserver.protocol.thrift.TargetHost;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in master for the gateway's own tests: a real {@link TThreadedSelectorServer} on 127.0.0.1 with framed
 * binary transport, speaking sealed v2 envelopes through the real {@link SealedMessages}. In-memory users, catalog
 * and inventory; each submitted job gets a scripted list of events ({@link #jobEvents}) which {@code events}
 * returns by cursor, at most {@link #EVENTS_PER_POLL} per call so that streams take several polls.
 */
public final class TestingMaster
        implements Master.Iface, AutoCloseable
{
    public static final String EVIL = "<script>alert(1)</script>";
    public static final int EVENTS_PER_POLL = 2;

    private final SealedMessages messages;
    private final TNonblockingServerSocket socket;
    private final TServer server;
    private final Thread thread;
    private final Map<String, LoginReply> sessions = new ConcurrentHashMap<>();
    private final Map<Long, List<HostEvent>> jobs = new ConcurrentHashMap<>();
    private final Map<Long, java.util.concurrent.CountDownLatch> gates = new ConcurrentHashMap<>();
    private final AtomicLong nextJob = new AtomicLong(41);
    /** How long this master lets a long-poll wait at most (a real master caps the gateway's 20 s too). */
    public static final int LONG_POLL_CAP_MILLIS = 300;
    public final List<SubmitRequest> submits = new CopyOnWriteArrayList<>();
    public final List<String> logouts = new CopyOnWriteArrayList<>();

    public TestingMaster(SharedSecret secret)
            throws TTransportException
    {
        messages = new SealedMessages(SealedEnvelope.withDefaults(secret.bytes()), 16 * 1024 * 1024);
        socket = new TNonblockingServerSocket(new InetSocketAddress("127.0.0.1", 0));
        TConfiguration limits = TConfiguration.custom().setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024).build();
        server = new TThreadedSelectorServer(new TThreadedSelectorServer.Args(socket)
                .processor(new Master.Processor<>(this))
                .transportFactory(new TFramedTransport.Factory(16 * 1024 * 1024))
                .protocolFactory(new TBinaryProtocol.Factory())
                .selectorThreads(1)
                .workerThreads(8));
        thread = new Thread(server::serve, "testing-master");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!server.isServing() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    public int port()
    {
        return socket.getPort();
    }

    @Override
    public void close()
    {
        server.stop();
        try {
            thread.join(5000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }

    /** The events a job submitted with these targets produces: per host STARTED, STDOUT, STDERR, FINISHED. */
    static List<HostEvent> jobEvents(List<TargetHost> hosts)
    {
        List<HostEvent> events = new ArrayList<>();
        long seq = 1;
        for (TargetHost host : hosts) {
            events.add(event(seq++, EventKind.STARTED, host));
            events.add(event(seq++, EventKind.STDOUT, host).setText("hello from " + host.getName() + "\n"));
            events.add(event(seq++, EventKind.STDERR, host).setText("warning " + EVIL + "\n"));
            boolean ok = !host.getName().startsWith("db");
            HostEvent finished = event(seq++, EventKind.FINISHED, host).setStatus(ok ? HostStatus.SUCCESS : HostStatus.FAILED)
                    .setExitCode(ok ? 0 : 2).setDurationMillis(1234);
            if (!ok) {
                finished.setFailureReason("NON_ZERO_EXIT").setFailureMessage("exit status 2");
            }
            events.add(finished);
        }
        return events;
    }

    private static HostEvent event(long seq, EventKind kind, TargetHost host)
    {
        return new HostEvent(seq, kind, host.getLanIp(), host.getName());
    }

    // ---- data ----

    static InventoryReply inventory()
    {
        return new InventoryReply(
                List.of(new FunctionCategory(1, "Linux.Web"), new FunctionCategory(2, "Linux.Mysql")),
                List.of(new AppCategory(10, 1, "www.domain.com"), new AppCategory(20, 2, "db.domain.com")),
                List.of(new ServerInfo("192.168.1.10", "web1", 10, "ssh"),
                        new ServerInfo("192.168.1.11", "web2" + EVIL, 10, "ssh"),
                        new ServerInfo("192.168.1.20", "db1", 20, "agent")));
    }

    static CatalogReply catalog()
    {
        ParamSpec lines = new ParamSpec("sys_param_1", "Lines", ParamType.INT, true).setMin(1).setMax(999).setDefaultValue("50")
                .setHelp("How many lines of the log to show");
        ParamSpec service = new ParamSpec("sys_param_1", "Service", ParamType.ENUM, true).setChoices(List.of("nginx", "mysql"));
        return new CatalogReply(List.of(
                new ModuleInfo(1001, "view system log", "Shows the end of /var/log/messages " + EVIL, List.of(lines), true),
                new ModuleInfo(1003, "view OS version", "head -n 1 /etc/issue", List.of(), true),
                new ModuleInfo(1007, "restart a service", "Restarts a service", List.of(service), true)));
    }

    // ---- Master.Iface ----

    @Override
    public String runCommands(String token)
    {
        return "";
    }

    @Override
    public String login(String sealed)
            throws OmsError
    {
        LoginRequest request = open("login", sealed, new LoginRequest());
        if (request.getUsername().equals("slow")) {
            throw new OmsError(ErrorCode.THROTTLED, "Too many failed logins; wait a minute.");
        }
        if (!request.getUsername().equals("admin") || !request.getPassword().equals("s3cret")) {
            throw new OmsError(ErrorCode.UNAUTHENTICATED, "Wrong user name or password.");
        }
        LoginReply reply = new LoginReply(UUID.randomUUID().toString(), "admin", Role.ADMIN, System.currentTimeMillis() + 3_600_000);
        sessions.put(reply.getSession(), reply);
        return messages.sealReply("login", reply);
    }

    @Override
    public String logout(String sealed)
            throws OmsError
    {
        LogoutRequest request = open("logout", sealed, new LogoutRequest());
        logouts.add(request.getSession());
        return messages.sealReply("logout", new LogoutReply(sessions.remove(request.getSession()) != null));
    }

    @Override
    public String catalog(String sealed)
            throws OmsError
    {
        check(open("catalog", sealed, new CatalogRequest()).getSession());
        return messages.sealReply("catalog", catalog());
    }

    @Override
    public String inventory(String sealed)
            throws OmsError
    {
        check(open("inventory", sealed, new InventoryRequest()).getSession());
        return messages.sealReply("inventory", inventory());
    }

    @Override
    public String submit(String sealed)
            throws OmsError
    {
        SubmitRequest request = open("submit", sealed, new SubmitRequest());
        check(request.getSession());
        submits.add(request);
        String lines = request.getParams().get("sys_param_1");
        if ("666".equals(lines)) {
            throw new OmsError(ErrorCode.INVALID_REQUEST, "sys_param_1 must be at most 500 " + EVIL);
        }
        List<TargetHost> hosts = new ArrayList<>();
        for (String target : request.getTargets()) {
            ServerInfo server = inventory().getServers().stream().filter(s -> s.getLanIp().equals(target)).findFirst()
                    .orElseThrow(() -> new OmsError(ErrorCode.INVALID_REQUEST, "unknown target " + target));
            hosts.add(new TargetHost(server.getLanIp(), server.getName()));
        }
        long jobId = nextJob.incrementAndGet();
        jobs.put(jobId, jobEvents(hosts));
        return messages.sealReply("submit", new SubmitReply(jobId, request.getModuleId(), "view system log", hosts));
    }

    // ---- module authoring (issue 4): its pages are tested against the real master (launcher's TestModulePages) ----

    @Override
    public String moduleGet(String sealed)
            throws OmsError
    {
        throw notServed("moduleGet");
    }

    @Override
    public String agents(String sealed)
            throws OmsError
    {
        throw notServed("agents");
    }

    @Override
    public String agentMetrics(String sealed)
            throws OmsError
    {
        throw notServed("agentMetrics");
    }

    @Override
    public String agentRevoke(String sealed)
            throws OmsError
    {
        throw notServed("agentRevoke");
    }

    @Override
    public String serverSearch(String sealed)
            throws OmsError
    {
        throw notServed("serverSearch");
    }

    @Override
    public String categoryChange(String sealed)
            throws OmsError
    {
        throw notServed("categoryChange");
    }

    @Override
    public String serverChange(String sealed)
            throws OmsError
    {
        throw notServed("serverChange");
    }

    @Override
    public String groups(String sealed)
            throws OmsError
    {
        throw notServed("groups");
    }

    @Override
    public String groupChange(String sealed)
            throws OmsError
    {
        throw notServed("groupChange");
    }

    @Override
    public String inventoryExport(String sealed)
            throws OmsError
    {
        throw notServed("inventoryExport");
    }

    @Override
    public String inventoryImport(String sealed)
            throws OmsError
    {
        throw notServed("inventoryImport");
    }

    @Override
    public String agentTokenCreate(String sealed)
            throws OmsError
    {
        throw notServed("agentTokenCreate");
    }

    @Override
    public String agentRequests(String sealed)
            throws OmsError
    {
        throw notServed("agentRequests");
    }

    @Override
    public String agentRequestDecide(String sealed)
            throws OmsError
    {
        throw notServed("agentRequestDecide");
    }

    @Override
    public String commandAllowList(String sealed)
            throws OmsError
    {
        throw notServed("commandAllowList");
    }

    @Override
    public String commandAllowChange(String sealed)
            throws OmsError
    {
        throw notServed("commandAllowChange");
    }

    @Override
    public String moduleCreate(String sealed)
            throws OmsError
    {
        throw notServed("moduleCreate");
    }

    @Override
    public String moduleUpdate(String sealed)
            throws OmsError
    {
        throw notServed("moduleUpdate");
    }

    @Override
    public String moduleSetEnabled(String sealed)
            throws OmsError
    {
        throw notServed("moduleSetEnabled");
    }

    @Override
    public String moduleDelete(String sealed)
            throws OmsError
    {
        throw notServed("moduleDelete");
    }

    @Override
    public String moduleVersions(String sealed)
            throws OmsError
    {
        throw notServed("moduleVersions");
    }

    @Override
    public String moduleRollback(String sealed)
            throws OmsError
    {
        throw notServed("moduleRollback");
    }

    @Override
    public String modulePreview(String sealed)
            throws OmsError
    {
        throw notServed("modulePreview");
    }

    private static OmsError notServed(String method)
    {
        return new OmsError(ErrorCode.INTERNAL, method + " is not served by the gateway's TestingMaster");
    }

    /** Makes a job known without going through submit, for stream tests. */
    public long addJob(List<TargetHost> hosts)
    {
        long jobId = nextJob.incrementAndGet();
        jobs.put(jobId, jobEvents(hosts));
        return jobId;
    }

    /** A job whose events stay invisible until {@link #release}; until then each poll waits and returns nothing. */
    public long addPendingJob(List<TargetHost> hosts)
    {
        long jobId = nextJob.incrementAndGet();
        gates.put(jobId, new java.util.concurrent.CountDownLatch(1));
        jobs.put(jobId, jobEvents(hosts));
        return jobId;
    }

    public void release(long jobId)
    {
        gates.get(jobId).countDown();
    }

    @Override
    public String events(String sealed)
            throws OmsError
    {
        EventsRequest request = open("events", sealed, new EventsRequest());
        check(request.getSession());
        List<HostEvent> all = jobs.get(request.getJobId());
        if (all == null) {
            throw new OmsError(ErrorCode.NOT_FOUND, "no job " + request.getJobId());
        }
        java.util.concurrent.CountDownLatch gate = gates.get(request.getJobId());
        if (gate != null) {
            try {
                if (!gate.await(Math.min(LONG_POLL_CAP_MILLIS, request.getMaxWaitMillis()), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return messages.sealReply("events", new EventsReply(List.of(), request.getCursor(), false, 1, 0));
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OmsError(ErrorCode.INTERNAL, "interrupted");
            }
        }
        int limit = Math.min(EVENTS_PER_POLL, request.isSetMaxEvents() ? request.getMaxEvents() : EVENTS_PER_POLL);
        List<HostEvent> batch = all.stream().filter(e -> e.getSeq() > request.getCursor()).limit(limit).toList();
        long next = batch.isEmpty() ? request.getCursor() : batch.getLast().getSeq();
        int total = (int) all.stream().map(HostEvent::getLanIp).distinct().count();
        int done = (int) all.stream().filter(e -> e.getKind() == EventKind.FINISHED && e.getSeq() <= next).count();
        return messages.sealReply("events", new EventsReply(batch, next, next >= all.size(), total, done));
    }

    /**
     * The job page's header: module, host count and status from the scripted events (RUNNING while a pending job's
     * gate is closed). No host page: the results page reads hosts from the event stream. The rest of the issue 5
     * methods are tested against the real master (launcher's TestJobPages) and refused here plainly.
     */
    @Override
    public String jobDetail(String sealed)
            throws OmsError
    {
        JobDetailRequest request = open("jobDetail", sealed, new JobDetailRequest());
        check(request.getSession());
        List<HostEvent> all = jobs.get(request.getJobId());
        if (all == null) {
            throw new OmsError(ErrorCode.NOT_FOUND, "no job " + request.getJobId());
        }
        List<TargetHost> targets = all.stream().map(e -> new TargetHost(e.getLanIp(), e.getHostName())).distinct().toList();
        java.util.concurrent.CountDownLatch gate = gates.get(request.getJobId());
        boolean running = gate != null && gate.getCount() > 0;
        int total = targets.size();
        JobSummary summary = new JobSummary(request.getJobId(), 0, "admin", 1001, "view system log",
                running ? JobStatus.RUNNING : JobStatus.FINISHED, new JobProgress(total, running ? 0 : total, 0, 0, running ? total : 0, 0));
        return messages.sealReply("jobDetail", new JobDetailReply(summary, Map.of(), targets, List.of(), total, List.of(), 1 << 20));
    }

    @Override
    public String jobs(String sealed)
            throws OmsError
    {
        throw notServed("jobs");
    }

    @Override
    public String hostOutput(String sealed)
            throws OmsError
    {
        throw notServed("hostOutput");
    }

    @Override
    public String cancel(String sealed)
            throws OmsError
    {
        throw notServed("cancel");
    }

    @Override
    public String retryJob(String sealed)
            throws OmsError
    {
        throw notServed("retryJob");
    }

    @Override
    public String createSchedule(String sealed)
            throws OmsError
    {
        throw notServed("createSchedule");
    }

    @Override
    public String schedules(String sealed)
            throws OmsError
    {
        throw notServed("schedules");
    }

    @Override
    public String changeSchedule(String sealed)
            throws OmsError
    {
        throw notServed("changeSchedule");
    }

    @Override
    public String fileList(String sealed)
            throws OmsError
    {
        throw notServed("fileList");
    }

    @Override
    public String fileUploadBegin(String sealed)
            throws OmsError
    {
        throw notServed("fileUploadBegin");
    }

    @Override
    public String fileUploadChunk(String sealed)
            throws OmsError
    {
        throw notServed("fileUploadChunk");
    }

    @Override
    public String fileUploadCommit(String sealed)
            throws OmsError
    {
        throw notServed("fileUploadCommit");
    }

    @Override
    public String fileRemove(String sealed)
            throws OmsError
    {
        throw notServed("fileRemove");
    }

    @Override
    public String fileRehash(String sealed)
            throws OmsError
    {
        throw notServed("fileRehash");
    }

    @Override
    public String users(String sealed)
            throws OmsError
    {
        throw notServed("users");
    }

    @Override
    public String userChange(String sealed)
            throws OmsError
    {
        throw notServed("userChange");
    }

    @Override
    public String changePassword(String sealed)
            throws OmsError
    {
        throw notServed("changePassword");
    }

    @Override
    public String logoutEverywhere(String sealed)
            throws OmsError
    {
        throw notServed("logoutEverywhere");
    }

    @Override
    public String auditLog(String sealed)
            throws OmsError
    {
        throw notServed("auditLog");
    }

    private void check(String session)
            throws OmsError
    {
        if (!sessions.containsKey(session)) {
            throw new OmsError(ErrorCode.UNAUTHENTICATED, "Session expired; log in again.");
        }
    }

    private <T extends org.apache.thrift.TBase<?, ?>> T open(String method, String sealed, T into)
            throws OmsError
    {
        try {
            return messages.openRequest(method, sealed, into);
        }
        catch (EnvelopeException e) {
            throw new OmsError(ErrorCode.BAD_ENVELOPE, e.getMessage());
        }
    }
}
