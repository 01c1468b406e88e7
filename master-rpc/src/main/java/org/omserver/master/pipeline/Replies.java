package org.omserver.master.pipeline;

import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.user.Role;
import org.omserver.executor.api.HostResult;
import org.omserver.master.job.JobEvent;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.ParamType;

import java.util.ArrayList;
import java.util.List;

/** Catalog and job values turned into the Thrift structs of the replies. */
public final class Replies
{
    static final String SKIPPED = org.omserver.executor.api.FailureReason.SKIPPED.name();

    private Replies() {}

    static org.omserver.protocol.thrift.Role role(Role role)
    {
        return org.omserver.protocol.thrift.Role.valueOf(role.name());
    }

    public static ModuleInfo module(ModuleDefinition module)
    {
        List<ParamSpec> params = module.params().stream().map(Replies::param).toList();
        ModuleInfo info = new ModuleInfo(module.id(), module.name(), module.caption(), new ArrayList<>(params), module.runnable());
        module.legacyForm().ifPresent(info::setLegacyForm);
        info.setShell(module.shell());
        info.setBackend(module.backend());
        info.setTimeoutSeconds((int) module.timeout().toSeconds());
        module.maxParallel().ifPresent(info::setMaxParallel);
        info.setNeedsRoot(module.needsRoot());
        info.setEnabled(module.enabled());
        info.setVersion(module.version());
        return info;
    }

    static ParamSpec param(org.omserver.catalog.module.ParamSpec spec)
    {
        ParamSpec out = new ParamSpec(spec.name(), spec.label(), ParamType.valueOf(spec.type().name()), spec.required());
        spec.defaultValue().ifPresent(out::setDefaultValue);
        spec.min().ifPresent(out::setMin);
        spec.max().ifPresent(out::setMax);
        if (!spec.choices().isEmpty()) {
            // the user picks the shown choice; the master maps it to the value for the command
            out.setChoices(new ArrayList<>(spec.choices().keySet()));
        }
        spec.pattern().ifPresent(out::setPattern);
        if (spec.type() == org.omserver.catalog.module.ParamType.STRING || spec.type() == org.omserver.catalog.module.ParamType.SECRET) {
            out.setMaxLength(spec.maxLength());
        }
        if (!spec.help().isEmpty()) {
            out.setHelp(spec.help());
        }
        return out;
    }

    static HostEvent event(JobEvent event)
    {
        HostEvent out = new HostEvent(event.seq(), EventKind.valueOf(event.kind().name()), event.host().address(), event.host().name());
        event.text().ifPresent(out::setText);
        event.result().ifPresent(result -> finished(out, result));
        return out;
    }

    private static void finished(HostEvent out, HostResult result)
    {
        out.setStatus(result.succeeded() ? HostStatus.SUCCESS
                : result.failure().orElseThrow() == org.omserver.executor.api.FailureReason.SKIPPED ? HostStatus.SKIPPED : HostStatus.FAILED);
        result.exitCode().ifPresent(out::setExitCode);
        result.failure().ifPresent(reason -> out.setFailureReason(reason.name()));
        if (!result.message().isEmpty()) {
            out.setFailureMessage(result.message());
        }
        out.setDurationMillis(result.duration().toMillis());
    }

    /** A stored host result as a FINISHED event (for jobs that are only in the database). */
    static HostEvent finished(long seq, HostResultRecord record)
    {
        HostEvent out = new HostEvent(seq, EventKind.FINISHED, record.lanIp(), record.hostName());
        out.setStatus(record.success() ? HostStatus.SUCCESS
                : record.failureReason().filter(SKIPPED::equals).isPresent() ? HostStatus.SKIPPED : HostStatus.FAILED);
        record.exitCode().ifPresent(out::setExitCode);
        record.failureReason().ifPresent(out::setFailureReason);
        if (!record.message().isEmpty()) {
            out.setFailureMessage(record.message());
        }
        out.setDurationMillis(record.duration().toMillis());
        return out;
    }
}
