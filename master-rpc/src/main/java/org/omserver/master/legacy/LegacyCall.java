package org.omserver.master.legacy;

import org.omserver.catalog.job.HostResultRecord;
import org.omserver.executor.api.HostTarget;
import org.omserver.master.config.Durations;
import org.omserver.master.job.Job;
import org.omserver.master.pipeline.Call;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.master.pipeline.Stages;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.LegacyEnvelope;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.thrift.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The OMServer legacy call {@code runCommands(token)}: its own envelope handling and text reply around the
 * same stages as submit. It never throws to the client: every refusal becomes reply text starting with
 * {@code error: }, sealed in the version the request came in (v2 when the request could not be opened).
 */
public final class LegacyCall
{
    public static final String METHOD = "runCommands";
    public static final String REPLY_CONTEXT = METHOD + ".reply";
    private static final Set<EnvelopeException.Reason> TRY_V1 = Set.of(
            EnvelopeException.Reason.UNSUPPORTED_VERSION, EnvelopeException.Reason.BAD_MAC, EnvelopeException.Reason.MALFORMED);

    private final boolean enabled;
    private final boolean acceptV1;
    private final SealedEnvelope sealed;
    private final LegacyEnvelope legacy;
    private final Duration timeout;

    public LegacyCall(boolean enabled, boolean acceptV1, SealedEnvelope sealed, LegacyEnvelope legacy, Duration timeout)
    {
        this.enabled = enabled;
        this.acceptV1 = acceptV1;
        this.sealed = requireNonNull(sealed, "sealed is null");
        this.legacy = requireNonNull(legacy, "legacy is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Which envelope a request came in, so the reply goes back the same way. */
    public enum Version
    {
        V1,
        V2
    }

    /** Where the decode stage leaves the request's envelope version for the reply. */
    public static final class Exchange
    {
        private Version version = Version.V2;

        public Version version()
        {
            return version;
        }
    }

    /** Refuses at once when the legacy call is switched off. */
    public Stage checkEnabled()
    {
        return Stage.named("checkEnabled", call -> {
            if (!enabled) {
                throw new Refusal(ErrorCode.LEGACY_DISABLED, "the legacy runCommands call is disabled on this master (legacy.enabled=false)");
            }
        });
    }

    /** Opens the token (v2, else v1 when allowed) and parses OMServer's plaintext into module, hosts and parameters. */
    public Stage decode(String token, Exchange exchange)
    {
        return Stage.named("decodeLegacy", call -> {
            String plaintext = open(token == null ? "" : token, exchange);
            LegacyRequest request;
            try {
                request = LegacyRequest.parse(plaintext);
            }
            catch (IllegalArgumentException e) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, e.getMessage());
            }
            call.setRequest(request);
            call.setModuleId(request.moduleId());
            call.setRequestedTargets(request.hosts());
            call.setRawParams(request.params());
        });
    }

    private String open(String token, Exchange exchange)
            throws Refusal
    {
        try {
            byte[] plain = sealed.open(METHOD, token);
            String text = new String(plain, StandardCharsets.UTF_8);
            exchange.version = Version.V2;
            return text;
        }
        catch (EnvelopeException e) {
            if (!acceptV1 || !TRY_V1.contains(e.reason())) {
                throw Stages.envelopeRefusal(e);
            }
        }
        try {
            String text = legacy.decrypt(token);
            exchange.version = Version.V1;
            return text;
        }
        catch (EnvelopeException e) {
            throw Stages.envelopeRefusal(e);
        }
    }

    /** Waits for the hosts (up to run.legacy-timeout) and writes one text block per host, OMServer style. */
    public Stage awaitResults()
    {
        return Stage.named("awaitResults", call -> {
            Job job = call.requireJob();
            try {
                job.awaitCompletion(timeout);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refusal(ErrorCode.INTERNAL, "the master is shutting down; job " + job.id() + " was interrupted");
            }
            call.setReply(format(job));
        });
    }

    private String format(Job job)
    {
        Map<HostTarget, HostResultRecord> results = job.results();
        StringBuilder text = new StringBuilder();
        for (HostTarget target : job.targets()) {
            text.append('[').append(target.address()).append(' ').append(target.name()).append("] ");
            Optional<HostResultRecord> result = Optional.ofNullable(results.get(target));
            if (result.isEmpty()) {
                text.append("failure: TIMEOUT: still running after ").append(Durations.format(timeout))
                        .append("; job ").append(job.id()).append(" continues in the master\n");
                continue;
            }
            HostResultRecord r = result.get();
            if (r.success()) {
                text.append("success\n");
            }
            else {
                text.append("failure: ").append(r.failureReason().orElse("FAILED")).append(": ").append(r.message()).append('\n');
            }
            appendOutput(text, r.stdout());
            appendOutput(text, r.stderr());
            if (r.truncated()) {
                text.append("[output truncated]\n");
            }
        }
        return text.toString();
    }

    private static void appendOutput(StringBuilder text, String output)
    {
        if (!output.isEmpty()) {
            text.append(output);
            if (!output.endsWith("\n")) {
                text.append('\n');
            }
        }
    }

    /** The reply text sealed in the request's version; an error text when the call was refused. */
    public String encode(Call call, Exchange exchange, Optional<Refusal> refusal)
    {
        String text = refusal.map(r -> "error: " + r.getMessage()).orElseGet(() -> call.reply(String.class));
        return exchange.version() == Version.V1
                ? legacy.encrypt(text)
                : sealed.seal(REPLY_CONTEXT, text.getBytes(StandardCharsets.UTF_8));
    }
}
