package org.omserver.master.pipeline;

import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ValidatedParams;
import org.omserver.master.dispatch.PlannedHost;
import org.omserver.master.dispatch.Rolling;
import org.omserver.master.job.Job;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * The state of one request as it moves through its stages, and what the audit record is made of.
 * Confined to the thread that handles the request.
 */
public final class Call
{
    private final String method;
    private final Instant receivedAt;
    private final String peer;
    private final boolean auditWhenAccepted;

    // filled by decode
    private Object request;
    private Optional<String> clientAddress = Optional.empty();
    private Optional<String> sessionToken = Optional.empty();
    private Optional<String> claimedUser = Optional.empty();
    private OptionalInt moduleId = OptionalInt.empty();
    private List<String> requestedTargets = List.of();
    private String serverType;
    private Map<String, String> rawParams = Map.of();
    // filled by the later stages
    private Optional<Principal> principal = Optional.empty();
    private Optional<ModuleDefinition> module = Optional.empty();
    private Optional<ValidatedParams> params = Optional.empty();
    private List<PlannedHost> hosts = List.of();
    private Optional<Job> job = Optional.empty();
    private Object reply;
    private Optional<String> detail = Optional.empty();
    // issue 5: rolling settings as given, their resolution, and where a run comes from
    private Map<String, String> rollingSettings = Map.of();
    private Optional<Rolling> rolling = Optional.empty();
    private OptionalLong parentJobId = OptionalLong.empty();
    private OptionalLong scheduleId = OptionalLong.empty();

    /**
     * @param peer the network address the RPC came from, as the master saw it
     * @param auditWhenAccepted false for frequent read-only calls (event polls): only refusals are audited
     */
    public Call(String method, Instant receivedAt, String peer, boolean auditWhenAccepted)
    {
        this.method = requireNonNull(method, "method is null");
        this.receivedAt = requireNonNull(receivedAt, "receivedAt is null");
        this.peer = requireNonNull(peer, "peer is null");
        this.auditWhenAccepted = auditWhenAccepted;
    }

    public String method()
    {
        return method;
    }

    public Instant receivedAt()
    {
        return receivedAt;
    }

    public String peer()
    {
        return peer;
    }

    public boolean auditWhenAccepted()
    {
        return auditWhenAccepted;
    }

    /** The decoded request; {@code type} names what the calling stage expects. */
    public <T> T request(Class<T> type)
    {
        if (!type.isInstance(request)) {
            throw new IllegalStateException(method + ": expected a decoded " + type.getSimpleName() + ", have " + request);
        }
        return type.cast(request);
    }

    public void setRequest(Object request)
    {
        this.request = requireNonNull(request, "request is null");
    }

    public Optional<String> clientAddress()
    {
        return clientAddress;
    }

    public void setClientAddress(String clientAddress)
    {
        this.clientAddress = Optional.ofNullable(clientAddress).filter(text -> !text.isBlank());
    }

    /** For the audit record: the address the client reported and the peer that relayed it. */
    public String auditAddress()
    {
        return clientAddress.map(address -> address + " via " + peer).orElse(peer);
    }

    public Optional<String> sessionToken()
    {
        return sessionToken;
    }

    public void setSessionToken(String sessionToken)
    {
        this.sessionToken = Optional.ofNullable(sessionToken);
    }

    /** The user name a login attempt named (audited even when the login fails). */
    public Optional<String> claimedUser()
    {
        return claimedUser;
    }

    public void setClaimedUser(String claimedUser)
    {
        this.claimedUser = Optional.ofNullable(claimedUser);
    }

    public OptionalInt moduleId()
    {
        return moduleId;
    }

    public void setModuleId(int moduleId)
    {
        this.moduleId = OptionalInt.of(moduleId);
    }

    public List<String> requestedTargets()
    {
        return requestedTargets;
    }

    public void setRequestedTargets(List<String> targets)
    {
        this.requestedTargets = List.copyOf(targets);
    }

    /** IOMS servertype=NAME, for the master to resolve (issue 4). */
    public Optional<String> serverType()
    {
        return Optional.ofNullable(serverType);
    }

    public void setServerType(String serverType)
    {
        this.serverType = serverType;
    }

    public Map<String, String> rawParams()
    {
        return rawParams;
    }

    public void setRawParams(Map<String, String> rawParams)
    {
        this.rawParams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rawParams));
    }

    public Optional<Principal> principal()
    {
        return principal;
    }

    public Principal requirePrincipal()
    {
        return principal.orElseThrow(() -> new IllegalStateException(method + ": no principal; is authenticate before this stage?"));
    }

    public void setPrincipal(Principal principal)
    {
        this.principal = Optional.of(principal);
    }

    public Optional<ModuleDefinition> module()
    {
        return module;
    }

    public ModuleDefinition requireModule()
    {
        return module.orElseThrow(() -> new IllegalStateException(method + ": no module; is resolveModule before this stage?"));
    }

    public void setModule(ModuleDefinition module)
    {
        this.module = Optional.of(module);
    }

    public Optional<ValidatedParams> params()
    {
        return params;
    }

    public ValidatedParams requireParams()
    {
        return params.orElseThrow(() -> new IllegalStateException(method + ": no parameters; is validateParams before this stage?"));
    }

    public void setParams(ValidatedParams params)
    {
        this.params = Optional.of(params);
    }

    public List<PlannedHost> hosts()
    {
        return hosts;
    }

    public void setHosts(List<PlannedHost> hosts)
    {
        this.hosts = List.copyOf(hosts);
    }

    public Optional<Job> job()
    {
        return job;
    }

    public Job requireJob()
    {
        return job.orElseThrow(() -> new IllegalStateException(method + ": no job; is dispatch before this stage?"));
    }

    public void setJob(Job job)
    {
        this.job = Optional.of(job);
    }

    public <T> T reply(Class<T> type)
    {
        if (!type.isInstance(reply)) {
            throw new IllegalStateException(method + ": expected a reply of type " + type.getSimpleName() + ", have " + reply);
        }
        return type.cast(reply);
    }

    public void setReply(Object reply)
    {
        this.reply = requireNonNull(reply, "reply is null");
    }

    public Optional<String> detail()
    {
        return detail;
    }

    /** A note for the audit record of an accepted request (e.g. the job id). */
    public void setDetail(String detail)
    {
        this.detail = Optional.ofNullable(detail);
    }

    /** Rolling settings by name as the client gave them (see {@code RollingSpec}); empty for none. */
    public Map<String, String> rollingSettings()
    {
        return rollingSettings;
    }

    public void setRollingSettings(Map<String, String> rollingSettings)
    {
        this.rollingSettings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rollingSettings));
    }

    public Optional<Rolling> rolling()
    {
        return rolling;
    }

    public void setRolling(Rolling rolling)
    {
        this.rolling = Optional.of(rolling);
    }

    /** The job a retry retries. */
    public OptionalLong parentJobId()
    {
        return parentJobId;
    }

    public void setParentJobId(long parentJobId)
    {
        this.parentJobId = OptionalLong.of(parentJobId);
    }

    /** The schedule that starts this run. */
    public OptionalLong scheduleId()
    {
        return scheduleId;
    }

    public void setScheduleId(long scheduleId)
    {
        this.scheduleId = OptionalLong.of(scheduleId);
    }
}
