package org.omserver.master.pipeline;

import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.audit.AuditRepository;
import org.omserver.catalog.module.ParamSpec;
import org.omserver.catalog.module.ParamType;
import org.omserver.catalog.module.ParamValidator;
import org.omserver.master.dispatch.PlannedHost;
import org.omserver.protocol.thrift.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Runs a request's stages in order and audits the outcome, accepted or refused. An unexpected exception in a stage
 * becomes an INTERNAL refusal carrying an incident id; its stack trace is logged once, with that id, and never
 * sent to the client.
 */
public final class Pipeline
{
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    private static final int MAX_SHOWN_VALUE = 64;
    private static final int MAX_PARAMS_TEXT = 4000;
    private static final int MAX_TARGETS_TEXT = 200_000;
    private static final int MAX_DETAIL_TEXT = 4000;
    private static final int MAX_ADDRESS = 128;

    private final AuditRepository audit;
    private final SecureRandom random = new SecureRandom();

    public Pipeline(AuditRepository audit)
    {
        this.audit = requireNonNull(audit, "audit is null");
    }

    /** Applies each stage to {@code call}; returns it when every stage accepted, else throws the (audited) refusal. */
    public Call run(Call call, List<Stage> stages)
            throws Refusal
    {
        Stage current = null;
        try {
            for (Stage stage : stages) {
                current = stage;
                stage.apply(call);
            }
        }
        catch (Refusal refusal) {
            log.info("{} refused at {}: {} {} (actor {}, from {})", call.method(), current, refusal.code(), refusal.getMessage(),
                    actor(call), call.auditAddress());
            record(call, refusal.code().name(), Optional.of(refusal.getMessage()));
            throw refusal;
        }
        catch (RuntimeException | Error e) {
            String incident = HexFormat.of().formatHex(randomBytes());
            log.error("incident {}: {} failed in stage {} (actor {}, from {})", incident, call.method(), current, actor(call), call.auditAddress(), e);
            record(call, ErrorCode.INTERNAL.name(), Optional.of("incident " + incident + " in stage " + current));
            throw new Refusal(ErrorCode.INTERNAL, "internal error, incident " + incident + "; see the master log");
        }
        if (call.auditWhenAccepted()) {
            record(call, "accepted", call.detail());
        }
        return call;
    }

    private byte[] randomBytes()
    {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        return bytes;
    }

    private void record(Call call, String outcome, Optional<String> detail)
    {
        try {
            audit.record(new AuditEntry(call.receivedAt(), cut(actor(call), MAX_ADDRESS), cut(call.auditAddress(), MAX_ADDRESS), call.method(),
                    call.moduleId(), cut(params(call), MAX_PARAMS_TEXT), cut(targets(call), MAX_TARGETS_TEXT), outcome,
                    detail.map(text -> cut(text, MAX_DETAIL_TEXT))));
        }
        catch (RuntimeException e) {
            // the request's outcome stands; a missing audit row is an operations problem to see in the log
            log.error("cannot write the audit record of {} ({} by {})", call.method(), outcome, actor(call), e);
        }
    }

    private static String actor(Call call)
    {
        return call.principal().map(Principal::username).or(call::claimedUser).orElse("-");
    }

    /**
     * Validated parameters as shown (secrets masked by the catalog), else the raw values cut short, with the values
     * of the module's SECRET parameters masked even when validation refused them.
     */
    private static String params(Call call)
    {
        Set<String> secrets = call.module().map(module -> module.params().stream().filter(spec -> spec.type() == ParamType.SECRET)
                .map(ParamSpec::name).collect(Collectors.toSet())).orElse(Set.of());
        Map<String, String> shown = call.params().map(p -> (Map<String, String>) new TreeMap<>(p.shown()))
                .orElseGet(() -> new TreeMap<>(call.rawParams().entrySet().stream().collect(Collectors.toMap(
                        Map.Entry::getKey, entry -> secrets.contains(entry.getKey()) ? ParamValidator.MASK
                                : cut(String.valueOf(entry.getValue()), MAX_SHOWN_VALUE)))));
        return shown.entrySet().stream().map(entry -> cut(entry.getKey(), MAX_SHOWN_VALUE) + "=" + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String targets(Call call)
    {
        if (!call.hosts().isEmpty()) {
            return call.hosts().stream().map(PlannedHost::target).map(target -> target.address()).collect(Collectors.joining(","));
        }
        return call.requestedTargets().stream().map(target -> cut(target, MAX_SHOWN_VALUE)).collect(Collectors.joining(","));
    }

    static String cut(String text, int max)
    {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
