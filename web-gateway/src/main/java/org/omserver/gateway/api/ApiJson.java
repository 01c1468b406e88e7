package org.omserver.gateway.api;

import org.omserver.gateway.web.EventStreams;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostOutputReply;
import org.omserver.protocol.thrift.HostSummary;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobProgress;
import org.omserver.protocol.thrift.JobSummary;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.OutputGroup;
import org.omserver.protocol.thrift.ParamSpec;
import org.omserver.protocol.thrift.RollingOptions;
import org.omserver.protocol.thrift.ServerInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/** The master's structs as the API's JSON objects (field names as in the OpenAPI document; absent values left out). */
public final class ApiJson
{
    private ApiJson() {}

    static Map<String, Object> module(ModuleInfo module)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", module.getId());
        json.put("name", module.getName());
        json.put("caption", module.getCaption());
        json.put("runnable", module.isRunnable());
        json.put("params", module.getParams().stream().map(ApiJson::param).toList());
        return json;
    }

    private static Map<String, Object> param(ParamSpec spec)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", spec.getName());
        json.put("label", spec.getLabel());
        json.put("type", spec.getType().name());
        json.put("required", spec.isMandatory());
        if (spec.isSetDefaultValue()) {
            json.put("default", spec.getDefaultValue());
        }
        if (spec.isSetMin()) {
            json.put("min", spec.getMin());
        }
        if (spec.isSetMax()) {
            json.put("max", spec.getMax());
        }
        if (spec.isSetChoices()) {
            json.put("choices", spec.getChoices());
        }
        if (spec.isSetPattern()) {
            json.put("pattern", spec.getPattern());
        }
        if (spec.isSetMaxLength()) {
            json.put("maxLength", spec.getMaxLength());
        }
        if (spec.isSetHelp()) {
            json.put("help", spec.getHelp());
        }
        return json;
    }

    static Map<String, Object> server(ServerInfo server)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("lanIp", server.getLanIp());
        json.put("name", server.getName());
        if (server.isSetWanIp()) {
            json.put("wanIp", server.getWanIp());
        }
        if (server.isSetOs()) {
            json.put("os", server.getOs());
        }
        json.put("appCategoryId", server.getAppCategoryId());
        json.put("backend", server.getBackend());
        if (server.isSetPreferredBackend()) {
            json.put("preferredBackend", server.getPreferredBackend());
        }
        if (server.isSetSshPort()) {
            json.put("sshPort", server.getSshPort());
        }
        if (server.isSetSshUser()) {
            json.put("sshUser", server.getSshUser());
        }
        if (server.isSetTags()) {
            json.put("tags", server.getTags());
        }
        if (server.isSetGroups()) {
            json.put("groups", server.getGroups());
        }
        if (server.isSetAgentOnline()) {
            json.put("agentOnline", server.isAgentOnline());
        }
        return json;
    }

    /** The same JSON as the live stream's {@code host} events, so API clients and the browser read one format. */
    static Map<String, Object> event(HostEvent event)
    {
        return EventStreams.json(event);
    }

    static Map<String, Object> jobSummary(JobSummary job)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jobId", job.getJobId());
        json.put("createdAtMillis", job.getCreatedAtMillis());
        if (job.isSetFinishedAtMillis()) {
            json.put("finishedAtMillis", job.getFinishedAtMillis());
        }
        json.put("username", job.getUsername());
        json.put("moduleId", job.getModuleId());
        json.put("moduleName", job.getModuleName());
        json.put("status", job.getStatus().name());
        JobProgress progress = job.getProgress();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("total", progress.getTotal());
        counts.put("succeeded", progress.getSucceeded());
        counts.put("failed", progress.getFailed());
        counts.put("skipped", progress.getSkipped());
        counts.put("running", progress.getRunning());
        counts.put("queued", progress.getQueued());
        json.put("progress", counts);
        if (job.isSetParentJobId()) {
            json.put("parentJobId", job.getParentJobId());
        }
        if (job.isSetScheduleId()) {
            json.put("scheduleId", job.getScheduleId());
        }
        return json;
    }

    public static Map<String, Object> jobDetail(JobDetailReply detail)
    {
        Map<String, Object> json = jobSummary(detail.getSummary());
        json.put("params", detail.getParams());
        json.put("targets", detail.getTargets().stream().map(host -> Map.of("lanIp", host.getLanIp(), "name", host.getName())).toList());
        if (detail.isSetRolling()) {
            json.put("rolling", rolling(detail.getRolling()));
        }
        if (detail.isSetStopReason()) {
            json.put("stopReason", detail.getStopReason());
        }
        json.put("childJobIds", detail.getChildJobIds());
        json.put("matchingHosts", detail.getMatchingHosts());
        json.put("hosts", detail.getHosts().stream().map(ApiJson::hostSummary).toList());
        if (detail.isSetGroups()) {
            json.put("groups", detail.getGroups().stream().map(ApiJson::outputGroup).toList());
        }
        json.put("outputCapBytes", detail.getOutputCapBytes());
        return json;
    }

    public static Map<String, Object> hostOutput(HostOutputReply output)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("host", hostSummary(output.getHost()));
        json.put("stdout", output.getStdout());
        json.put("stderr", output.getStderr());
        json.put("nextStdoutOffset", output.getNextStdoutOffset());
        json.put("nextStderrOffset", output.getNextStderrOffset());
        json.put("stdoutEnd", output.isStdoutEnd());
        json.put("stderrEnd", output.isStderrEnd());
        json.put("outputCapBytes", output.getOutputCapBytes());
        return json;
    }

    private static Map<String, Object> hostSummary(HostSummary host)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("lanIp", host.getLanIp());
        json.put("hostName", host.getHostName());
        json.put("state", host.getState().name());
        if (host.isSetExitCode()) {
            json.put("exitCode", host.getExitCode());
        }
        if (host.isSetFailureReason()) {
            json.put("failureReason", host.getFailureReason());
        }
        if (host.isSetMessage()) {
            json.put("message", host.getMessage());
        }
        if (host.isSetDurationMillis()) {
            json.put("durationMillis", host.getDurationMillis());
        }
        json.put("stdoutChars", host.getStdoutChars());
        json.put("stderrChars", host.getStderrChars());
        json.put("truncated", host.isTruncated());
        json.put("outputGroup", host.getOutputGroup());
        return json;
    }

    private static Map<String, Object> outputGroup(OutputGroup group)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("outputGroup", group.getOutputGroup());
        json.put("hostCount", group.getHostCount());
        json.put("lanIps", group.getLanIps());
        if (group.isSetExitCode()) {
            json.put("exitCode", group.getExitCode());
        }
        json.put("stdoutHead", group.getStdoutHead());
        json.put("stderrHead", group.getStderrHead());
        json.put("headTruncated", group.isHeadTruncated());
        return json;
    }

    private static Map<String, Object> rolling(RollingOptions rolling)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        if (rolling.isSetBatchSize()) {
            json.put("batchSize", rolling.getBatchSize());
        }
        if (rolling.isSetMaxInFlight()) {
            json.put("maxInFlight", rolling.getMaxInFlight());
        }
        if (rolling.isSetFailureThreshold()) {
            json.put("failureThreshold", rolling.getFailureThreshold());
        }
        if (rolling.isSetCommandTimeoutSeconds()) {
            json.put("commandTimeoutSeconds", rolling.getCommandTimeoutSeconds());
        }
        return json;
    }
}
