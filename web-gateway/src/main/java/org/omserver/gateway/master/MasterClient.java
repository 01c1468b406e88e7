package org.omserver.gateway.master;

import org.apache.thrift.TBase;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.protocol.SealedMessages;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.envelope.SharedSecret;
import org.omserver.protocol.thrift.AgentMetricsReply;
import org.omserver.protocol.thrift.AgentMetricsRequest;
import org.omserver.protocol.thrift.AgentsReply;
import org.omserver.protocol.thrift.AgentsRequest;
import org.omserver.protocol.thrift.CreateAgentTokenReply;
import org.omserver.protocol.thrift.CreateAgentTokenRequest;
import org.omserver.protocol.thrift.RevokeAgentReply;
import org.omserver.protocol.thrift.RevokeAgentRequest;
import org.omserver.protocol.thrift.CancelReply;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.CatalogRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.HostOutputReply;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.InventoryReply;
import org.omserver.protocol.thrift.InventoryRequest;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobsReply;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.LogoutReply;
import org.omserver.protocol.thrift.LogoutRequest;
import org.omserver.protocol.thrift.Master;
import org.omserver.protocol.thrift.ModuleChangeReply;
import org.omserver.protocol.thrift.ModuleDeleteRequest;
import org.omserver.protocol.thrift.ModuleEnableRequest;
import org.omserver.protocol.thrift.ModuleGetReply;
import org.omserver.protocol.thrift.ModuleGetRequest;
import org.omserver.protocol.thrift.ModulePreviewReply;
import org.omserver.protocol.thrift.ModulePreviewRequest;
import org.omserver.protocol.thrift.ModuleRollbackRequest;
import org.omserver.protocol.thrift.ModuleSaveRequest;
import org.omserver.protocol.thrift.ModuleVersionsReply;
import org.omserver.protocol.thrift.ModuleVersionsRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.RetryReply;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The gateway's Thrift client of the master: one typed method per RPC, each request sealed in a v2 envelope and
 * each reply opened and checked. Connections come from a small pool bounded by {@code master.max-connections};
 * a connection that failed at the transport level is thrown away, and the call is tried once more on a fresh one.
 * The retry resends the very same sealed token, so if the first attempt did reach the master the retry is refused
 * as a replay instead of running twice.
 */
public final class MasterClient
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(MasterClient.class);
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final GatewayConfig config;
    private final SealedMessages messages;
    private final TConfiguration limits;
    private final Semaphore permits;
    private final BlockingQueue<Connection> idle;
    private volatile boolean closed;

    public MasterClient(GatewayConfig config, SharedSecret secret)
    {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(secret, "secret is null");
        this.messages = new SealedMessages(SealedEnvelope.withDefaults(secret.bytes()), MAX_MESSAGE_BYTES);
        this.limits = TConfiguration.custom().setMaxMessageSize(MAX_MESSAGE_BYTES).setMaxFrameSize(MAX_MESSAGE_BYTES).build();
        this.permits = new Semaphore(config.masterMaxConnections(), true);
        this.idle = new ArrayBlockingQueue<>(config.masterMaxConnections());
    }

    public LoginReply login(String username, String password, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        LoginRequest request = new LoginRequest(username, password);
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("login", request, new LoginReply(), Master.Client::login);
    }

    public LogoutReply logout(String session, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        LogoutRequest request = new LogoutRequest(session);
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("logout", request, new LogoutReply(), Master.Client::logout);
    }

    public CatalogReply catalog(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("catalog", new CatalogRequest(session), new CatalogReply(), Master.Client::catalog);
    }

    public InventoryReply inventory(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("inventory", new InventoryRequest(session), new InventoryReply(), Master.Client::inventory);
    }

    public SubmitReply submit(String session, int moduleId, List<String> targets, Map<String, String> params, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        SubmitRequest request = new SubmitRequest(session, moduleId, new ArrayList<>(targets), Map.copyOf(params));
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("submit", request, new SubmitReply(), Master.Client::submit);
    }

    /** Long-poll: waits up to {@code maxWaitMillis} (capped by the master) for events after {@code cursor}. */
    public EventsReply events(String session, long jobId, long cursor, int maxWaitMillis, int maxEvents)
            throws MasterException, MasterUnavailableException
    {
        EventsRequest request = new EventsRequest(session, jobId, cursor, maxWaitMillis);
        request.setMaxEvents(maxEvents);
        return call("events", request, new EventsReply(), Master.Client::events);
    }

    // ---- module authoring (issue 4) ----

    public ModuleGetReply moduleGet(String session, int moduleId)
            throws MasterException, MasterUnavailableException
    {
        return call("moduleGet", new ModuleGetRequest(session, moduleId), new ModuleGetReply(), Master.Client::moduleGet);
    }

    /** {@code definition} is module-file JSON; id 0 or absent takes the next free id. */
    public ModuleChangeReply moduleCreate(String session, String definition, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        ModuleSaveRequest request = new ModuleSaveRequest(session, definition);
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("moduleCreate", request, new ModuleChangeReply(), Master.Client::moduleCreate);
    }

    public ModuleChangeReply moduleUpdate(String session, String definition, int expectedVersion, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        ModuleSaveRequest request = new ModuleSaveRequest(session, definition).setExpectedVersion(expectedVersion);
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("moduleUpdate", request, new ModuleChangeReply(), Master.Client::moduleUpdate);
    }

    public ModuleChangeReply moduleSetEnabled(String session, int moduleId, boolean enabled, int expectedVersion, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        ModuleEnableRequest request = new ModuleEnableRequest(session, moduleId, enabled, expectedVersion);
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("moduleSetEnabled", request, new ModuleChangeReply(), Master.Client::moduleSetEnabled);
    }

    public ModuleChangeReply moduleDelete(String session, int moduleId, int expectedVersion, int confirmModuleId, boolean confirmBuiltin,
            String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        ModuleDeleteRequest request = new ModuleDeleteRequest(session, moduleId, expectedVersion, confirmModuleId).setConfirmBuiltin(confirmBuiltin);
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("moduleDelete", request, new ModuleChangeReply(), Master.Client::moduleDelete);
    }

    public ModuleVersionsReply moduleVersions(String session, int moduleId)
            throws MasterException, MasterUnavailableException
    {
        return call("moduleVersions", new ModuleVersionsRequest(session, moduleId), new ModuleVersionsReply(), Master.Client::moduleVersions);
    }

    public ModuleChangeReply moduleRollback(String session, int moduleId, int toVersion, int expectedVersion, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        ModuleRollbackRequest request = new ModuleRollbackRequest(session, moduleId, toVersion, expectedVersion);
        if (clientAddress != null) {
            request.setClientAddress(clientAddress);
        }
        return call("moduleRollback", request, new ModuleChangeReply(), Master.Client::moduleRollback);
    }

    public ModulePreviewReply modulePreview(String session, String definition, Map<String, String> sampleValues)
            throws MasterException, MasterUnavailableException
    {
        return call("modulePreview", new ModulePreviewRequest(session, definition, new java.util.HashMap<>(sampleValues)), new ModulePreviewReply(),
                Master.Client::modulePreview);
    }

    // ---- file store (issue 3) ------------------------------------------------------------------

    public org.omserver.protocol.thrift.FileListReply fileList(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("fileList", new org.omserver.protocol.thrift.FileListRequest(session), new org.omserver.protocol.thrift.FileListReply(),
                Master.Client::fileList);
    }

    public org.omserver.protocol.thrift.FileRemoveReply fileRemove(String session, String name, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        org.omserver.protocol.thrift.FileRemoveRequest request = new org.omserver.protocol.thrift.FileRemoveRequest(session, name);
        request.setClientAddress(clientAddress);
        return call("fileRemove", request, new org.omserver.protocol.thrift.FileRemoveReply(), Master.Client::fileRemove);
    }

    public org.omserver.protocol.thrift.FileUploadBeginReply fileUploadBegin(String session, String name, long size, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        org.omserver.protocol.thrift.FileUploadBeginRequest request = new org.omserver.protocol.thrift.FileUploadBeginRequest(session, name, size);
        request.setClientAddress(clientAddress);
        return call("fileUploadBegin", request, new org.omserver.protocol.thrift.FileUploadBeginReply(), Master.Client::fileUploadBegin);
    }

    public long fileUploadChunk(String session, String uploadId, long offset, java.nio.ByteBuffer data)
            throws MasterException, MasterUnavailableException
    {
        return call("fileUploadChunk", new org.omserver.protocol.thrift.FileUploadChunkRequest(session, uploadId, offset, data),
                new org.omserver.protocol.thrift.FileUploadChunkReply(), Master.Client::fileUploadChunk).getReceived();
    }

    public org.omserver.protocol.thrift.FileUploadCommitReply fileUploadCommit(String session, String uploadId, String sha256, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        org.omserver.protocol.thrift.FileUploadCommitRequest request = new org.omserver.protocol.thrift.FileUploadCommitRequest(session, uploadId, sha256);
        request.setClientAddress(clientAddress);
        return call("fileUploadCommit", request, new org.omserver.protocol.thrift.FileUploadCommitReply(), Master.Client::fileUploadCommit);
    }

    /** @param name one file, or null for every file */
    public org.omserver.protocol.thrift.FileRehashReply fileRehash(String session, String name, String clientAddress)
            throws MasterException, MasterUnavailableException
    {
        org.omserver.protocol.thrift.FileRehashRequest request = new org.omserver.protocol.thrift.FileRehashRequest(session);
        request.setName(name);
        request.setClientAddress(clientAddress);
        return call("fileRehash", request, new org.omserver.protocol.thrift.FileRehashReply(), Master.Client::fileRehash);
    }

    // ---- issue 5, for the JSON API: history, job detail, output paging, cancel, retry ----------

    /** A submit with every field of the request (rolling settings included). */
    public SubmitReply submit(SubmitRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("submit", request, new SubmitReply(), Master.Client::submit);
    }

    public JobsReply jobs(JobsRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("jobs", request, new JobsReply(), Master.Client::jobs);
    }

    public JobDetailReply jobDetail(JobDetailRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("jobDetail", request, new JobDetailReply(), Master.Client::jobDetail);
    }

    public HostOutputReply hostOutput(HostOutputRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("hostOutput", request, new HostOutputReply(), Master.Client::hostOutput);
    }

    public CancelReply cancel(CancelRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("cancel", request, new CancelReply(), Master.Client::cancel);
    }

    public RetryReply retryJob(RetryRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("retryJob", request, new RetryReply(), Master.Client::retryJob);
    }

    // ---- issue 5: schedules ----

    public org.omserver.protocol.thrift.ScheduleReply createSchedule(org.omserver.protocol.thrift.CreateScheduleRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("createSchedule", request, new org.omserver.protocol.thrift.ScheduleReply(), Master.Client::createSchedule);
    }

    public org.omserver.protocol.thrift.SchedulesReply schedules(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("schedules", new org.omserver.protocol.thrift.SchedulesRequest(session), new org.omserver.protocol.thrift.SchedulesReply(),
                Master.Client::schedules);
    }

    public org.omserver.protocol.thrift.ScheduleReply changeSchedule(org.omserver.protocol.thrift.ChangeScheduleRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("changeSchedule", request, new org.omserver.protocol.thrift.ScheduleReply(), Master.Client::changeSchedule);
    }

    // ---- users, grants, audit (issue 4) ----

    public org.omserver.protocol.thrift.UsersReply users(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("users", new org.omserver.protocol.thrift.UsersRequest(session), new org.omserver.protocol.thrift.UsersReply(), Master.Client::users);
    }

    public org.omserver.protocol.thrift.UserChangeReply userChange(org.omserver.protocol.thrift.UserChangeRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("userChange", request, new org.omserver.protocol.thrift.UserChangeReply(), Master.Client::userChange);
    }

    public org.omserver.protocol.thrift.ChangePasswordReply changePassword(org.omserver.protocol.thrift.ChangePasswordRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("changePassword", request, new org.omserver.protocol.thrift.ChangePasswordReply(), Master.Client::changePassword);
    }

    public org.omserver.protocol.thrift.LogoutEverywhereReply logoutEverywhere(org.omserver.protocol.thrift.LogoutEverywhereRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("logoutEverywhere", request, new org.omserver.protocol.thrift.LogoutEverywhereReply(), Master.Client::logoutEverywhere);
    }

    public org.omserver.protocol.thrift.AuditQueryReply auditLog(org.omserver.protocol.thrift.AuditQueryRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("auditLog", request, new org.omserver.protocol.thrift.AuditQueryReply(), Master.Client::auditLog);
    }

    // ---- agents web (issue 3) ----

    public AgentsReply agents(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("agents", new AgentsRequest(session), new AgentsReply(), Master.Client::agents);
    }

    public AgentMetricsReply agentMetrics(AgentMetricsRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("agentMetrics", request, new AgentMetricsReply(), Master.Client::agentMetrics);
    }

    public RevokeAgentReply agentRevoke(RevokeAgentRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("agentRevoke", request, new RevokeAgentReply(), Master.Client::agentRevoke);
    }

    public org.omserver.protocol.thrift.AgentRequestsReply agentRequests(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("agentRequests", new org.omserver.protocol.thrift.AgentRequestsRequest(session), new org.omserver.protocol.thrift.AgentRequestsReply(),
                Master.Client::agentRequests);
    }

    public org.omserver.protocol.thrift.AgentRequestDecideReply agentRequestDecide(org.omserver.protocol.thrift.AgentRequestDecideRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("agentRequestDecide", request, new org.omserver.protocol.thrift.AgentRequestDecideReply(), Master.Client::agentRequestDecide);
    }

    public org.omserver.protocol.thrift.CommandAllowListReply commandAllowList(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("commandAllowList", new org.omserver.protocol.thrift.CommandAllowListRequest(session), new org.omserver.protocol.thrift.CommandAllowListReply(),
                Master.Client::commandAllowList);
    }

    public org.omserver.protocol.thrift.CommandAllowChangeReply commandAllowChange(org.omserver.protocol.thrift.CommandAllowChangeRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("commandAllowChange", request, new org.omserver.protocol.thrift.CommandAllowChangeReply(), Master.Client::commandAllowChange);
    }

    public CreateAgentTokenReply agentTokenCreate(CreateAgentTokenRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("agentTokenCreate", request, new CreateAgentTokenReply(), Master.Client::agentTokenCreate);
    }

    // ---- inventory management (issue 4) ----

    public org.omserver.protocol.thrift.ServerSearchReply serverSearch(org.omserver.protocol.thrift.ServerSearchRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("serverSearch", request, new org.omserver.protocol.thrift.ServerSearchReply(), Master.Client::serverSearch);
    }

    public org.omserver.protocol.thrift.CategoryChangeReply categoryChange(org.omserver.protocol.thrift.CategoryChangeRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("categoryChange", request, new org.omserver.protocol.thrift.CategoryChangeReply(), Master.Client::categoryChange);
    }

    public org.omserver.protocol.thrift.ServerChangeReply serverChange(org.omserver.protocol.thrift.ServerChangeRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("serverChange", request, new org.omserver.protocol.thrift.ServerChangeReply(), Master.Client::serverChange);
    }

    public org.omserver.protocol.thrift.GroupChangeReply groupChange(org.omserver.protocol.thrift.GroupChangeRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("groupChange", request, new org.omserver.protocol.thrift.GroupChangeReply(), Master.Client::groupChange);
    }

    public org.omserver.protocol.thrift.InventoryImportReply inventoryImport(org.omserver.protocol.thrift.InventoryImportRequest request)
            throws MasterException, MasterUnavailableException
    {
        return call("inventoryImport", request, new org.omserver.protocol.thrift.InventoryImportReply(), Master.Client::inventoryImport);
    }

    public org.omserver.protocol.thrift.GroupsReply groups(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("groups", new org.omserver.protocol.thrift.GroupsRequest(session), new org.omserver.protocol.thrift.GroupsReply(), Master.Client::groups);
    }

    public org.omserver.protocol.thrift.InventoryExportReply inventoryExport(String session)
            throws MasterException, MasterUnavailableException
    {
        return call("inventoryExport", new org.omserver.protocol.thrift.InventoryExportRequest(session), new org.omserver.protocol.thrift.InventoryExportReply(),
                Master.Client::inventoryExport);
    }

    @Override
    public void close()
    {
        closed = true;
        Connection connection;
        while ((connection = idle.poll()) != null) {
            connection.close();
        }
    }

    @FunctionalInterface
    private interface Rpc
    {
        String invoke(Master.Client client, String sealed)
                throws TException;
    }

    private <T extends TBase<?, ?>> T call(String method, TBase<?, ?> request, T into, Rpc rpc)
            throws MasterException, MasterUnavailableException
    {
        String sealed = messages.sealRequest(method, request);
        String reply = invoke(method, sealed, rpc);
        try {
            return messages.openReply(method, reply, into);
        }
        catch (EnvelopeException e) {
            log.warn("reply of master {} to {} did not open: {}", config.masterAddress(), method, e.getMessage());
            throw new MasterException(ErrorCode.BAD_ENVELOPE, "The master's reply could not be opened (" + e.getMessage()
                    + "). Check that the gateway and the master use the same shared secret.");
        }
    }

    private String invoke(String method, String sealed, Rpc rpc)
            throws MasterException, MasterUnavailableException
    {
        acquirePermit(method);
        try {
            TException lastFailure = null;
            for (int attempt = 1; attempt <= 2; attempt++) {
                Connection connection;
                try {
                    connection = attempt == 1 ? borrow() : open();
                }
                catch (TTransportException e) {
                    throw new MasterUnavailableException(config.masterAddress(), method, e);
                }
                try {
                    String reply = rpc.invoke(connection.client, sealed);
                    giveBack(connection);
                    return reply;
                }
                catch (OmsError e) {
                    giveBack(connection);
                    if (attempt == 2 && e.getCode() == ErrorCode.STALE_OR_REPLAYED) {
                        throw new MasterException(e.getCode(), "The connection to the master broke while it was answering; "
                                + "the request may have been carried out. Check before trying again.");
                    }
                    throw new MasterException(e.getCode() == null ? ErrorCode.INTERNAL : e.getCode(), e.getMessage());
                }
                catch (TException e) {
                    // transport broke or the reply was garbled: this connection's state is unknown, drop it
                    connection.close();
                    lastFailure = e;
                    log.debug("call {} to master {} failed on attempt {}: {}", method, config.masterAddress(), attempt, e.toString());
                }
            }
            throw new MasterUnavailableException(config.masterAddress(), method, lastFailure);
        }
        finally {
            permits.release();
        }
    }

    private void acquirePermit(String method)
            throws MasterUnavailableException
    {
        try {
            // a full pool for this long means the master is too slow to answer anyone: fail, do not queue forever
            if (!permits.tryAcquire(config.masterReadTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new MasterUnavailableException(config.masterAddress(), method, null);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MasterUnavailableException(config.masterAddress(), method, e);
        }
    }

    private Connection borrow()
            throws TTransportException
    {
        Connection connection = idle.poll();
        return connection != null ? connection : open();
    }

    private void giveBack(Connection connection)
    {
        if (closed || !idle.offer(connection)) {
            connection.close();
        }
    }

    private Connection open()
            throws TTransportException
    {
        TSocket socket = new TSocket(limits, config.masterHost(), config.masterPort(),
                Math.toIntExact(config.masterReadTimeout().toMillis()), Math.toIntExact(config.masterConnectTimeout().toMillis()));
        TTransport transport = new TFramedTransport(socket, MAX_MESSAGE_BYTES);
        transport.open();
        return new Connection(transport, new Master.Client(new TBinaryProtocol(transport)));
    }

    private record Connection(TTransport transport, Master.Client client)
    {
        void close()
        {
            transport.close();
        }
    }
}
