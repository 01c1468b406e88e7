package org.omserver.master.pipeline;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.job.HostCounts;
import org.omserver.catalog.job.HostResultRecord;
import org.omserver.catalog.job.HostSummaryRecord;
import org.omserver.catalog.job.JobQuery;
import org.omserver.catalog.job.JobRecord;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.job.JobSummaryRecord;
import org.omserver.executor.api.FailureReason;
import org.omserver.executor.api.HostResult;
import org.omserver.executor.api.HostTarget;
import org.omserver.master.dispatch.JobRunner;
import org.omserver.master.dispatch.RollingSpec;
import org.omserver.master.job.Job;
import org.omserver.master.job.JobRegistry;
import org.omserver.protocol.thrift.CancelReply;
import org.omserver.protocol.thrift.CancelRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.HostOutputReply;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.HostState;
import org.omserver.protocol.thrift.HostSummary;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;
import org.omserver.protocol.thrift.JobProgress;
import org.omserver.protocol.thrift.JobSummary;
import org.omserver.protocol.thrift.JobsReply;
import org.omserver.protocol.thrift.JobsRequest;
import org.omserver.protocol.thrift.OutputGroup;
import org.omserver.protocol.thrift.RetryReply;
import org.omserver.protocol.thrift.RetryRequest;
import org.omserver.protocol.thrift.RetryScope;
import org.omserver.protocol.thrift.RollingOptions;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.TargetHost;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The stages of the history and run-control methods (issue 5): job history, job detail, host output, cancel and
 * retry. A job still in the master's memory is read from there (live counts and output); any other from the
 * database. Hosts of an ended job that have no stored result are shown FAILED / INTERRUPTED, as the event
 * stream shows them.
 */
public final class JobStages
{
    public static final int DEFAULT_JOBS = 50;
    public static final int DEFAULT_HOSTS = 200;
    public static final int MAX_HOSTS = 1000;
    public static final int DEFAULT_OUTPUT_CHARS = 64 * 1024;
    public static final int MAX_OUTPUT_CHARS = 1024 * 1024;
    public static final int MAX_GROUPS = 100;
    public static final int MAX_GROUP_HOSTS = 1000;
    public static final int GROUP_HEAD_CHARS = 4096;
    public static final int MAX_CONTAINS = 256;
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern REASON = Pattern.compile("[A-Z_]{1,32}");
    private static final String NO_RESULT = "the master stopped before this host finished";

    private final Catalog catalog;
    private final JobRegistry jobs;
    private final JobRunner runner;

    public JobStages(Catalog catalog, JobRegistry jobs, JobRunner runner)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.runner = requireNonNull(runner, "runner is null");
    }

    // ---- history ---------------------------------------------------------------------------------

    /** A page of the history, newest first; running jobs carry their live counts. */
    public Stage listJobs()
    {
        return Stage.named("listJobs", call -> {
            JobsRequest request = call.request(JobsRequest.class);
            JobQuery query = query(request);
            List<JobSummaryRecord> rows = catalog.jobs().page(query);
            JobsReply reply = new JobsReply(new ArrayList<>(rows.stream().map(this::summary).toList()));
            if (rows.size() == query.limit()) {
                reply.setNextBeforeJobId(rows.getLast().id());
            }
            call.setReply(reply);
        });
    }

    private static JobQuery query(JobsRequest request)
            throws Refusal
    {
        int limit = request.isSetLimit() ? request.getLimit() : DEFAULT_JOBS;
        if (limit < 1 || limit > JobQuery.MAX_LIMIT) {
            throw invalid("limit must be 1 to " + JobQuery.MAX_LIMIT + ", was " + limit);
        }
        if (request.isSetBeforeJobId() && request.getBeforeJobId() < 0) {
            throw invalid("beforeJobId must be 0 (newest) or a job id, was " + request.getBeforeJobId());
        }
        if (request.isSetUsername() && !USER_NAME.matcher(request.getUsername()).matches()) {
            throw invalid("username filter must be a user name (letters, digits, . _ -, at most 64), was '" + Pipeline.cut(request.getUsername(), 40) + "'");
        }
        if (request.isSetSinceMillis() && request.isSetUntilMillis() && request.getSinceMillis() >= request.getUntilMillis()) {
            throw invalid("since must be before until");
        }
        return new JobQuery(request.isSetBeforeJobId() && request.getBeforeJobId() > 0 ? OptionalLong.of(request.getBeforeJobId()) : OptionalLong.empty(),
                limit, Optional.ofNullable(request.getUsername()), request.isSetModuleId() ? OptionalInt.of(request.getModuleId()) : OptionalInt.empty(),
                Optional.ofNullable(request.getStatus()).map(status -> org.omserver.catalog.job.JobStatus.valueOf(status.name())),
                request.isSetSinceMillis() ? Optional.of(instant(request.getSinceMillis())) : Optional.empty(),
                request.isSetUntilMillis() ? Optional.of(instant(request.getUntilMillis())) : Optional.empty());
    }

    private static Instant instant(long millis)
            throws Refusal
    {
        // DATETIME holds years 1000-9999
        if (millis < -30_610_224_000_000L || millis > 253_402_300_799_000L) {
            throw invalid("times must be between the years 1000 and 9999, was " + millis + " ms");
        }
        return Instant.ofEpochMilli(millis);
    }

    private JobSummary summary(JobSummaryRecord row)
    {
        Optional<Job> live = jobs.find(row.id()).filter(job -> row.status() == org.omserver.catalog.job.JobStatus.RUNNING);
        JobProgress progress = live.map(job -> progress(job.progress())).orElseGet(() -> progress(row.status(), row.counts()));
        JobSummary out = new JobSummary(row.id(), row.createdAt().toEpochMilli(), row.username(), row.moduleId(), row.moduleName(),
                org.omserver.protocol.thrift.JobStatus.valueOf(row.status().name()), progress);
        row.finishedAt().ifPresent(at -> out.setFinishedAtMillis(at.toEpochMilli()));
        row.parentJobId().ifPresent(out::setParentJobId);
        row.scheduleId().ifPresent(out::setScheduleId);
        return out;
    }

    private static JobProgress progress(Job.Progress p)
    {
        return new JobProgress(p.total(), p.succeeded(), p.failed(), p.skipped(), p.running(), p.queued());
    }

    /** Counts of a job known only to the database: once it ended, hosts without a result were interrupted (failed). */
    private static JobProgress progress(org.omserver.catalog.job.JobStatus status, HostCounts counts)
    {
        int unaccounted = counts.total() - counts.succeeded() - counts.failed() - counts.skipped();
        boolean ended = status != org.omserver.catalog.job.JobStatus.RUNNING;
        return new JobProgress(counts.total(), counts.succeeded(), counts.failed() + (ended ? unaccounted : 0), counts.skipped(), 0,
                ended ? 0 : unaccounted);
    }

    // ---- one job ---------------------------------------------------------------------------------

    /** The job's header, a page of its hosts (filtered) and, if asked, the output groups of the filtered hosts. */
    public Stage jobDetail()
    {
        return Stage.named("jobDetail", call -> {
            JobDetailRequest request = call.request(JobDetailRequest.class);
            int offset = request.isSetHostOffset() ? request.getHostOffset() : 0;
            int limit = request.isSetHostLimit() ? request.getHostLimit() : DEFAULT_HOSTS;
            if (offset < 0) {
                throw invalid("hostOffset must be 0 or more, was " + offset);
            }
            if (limit < 1 || limit > MAX_HOSTS) {
                throw invalid("hostLimit must be 1 to " + MAX_HOSTS + ", was " + limit);
            }
            Optional<String> contains = Optional.ofNullable(request.getOutputContains()).filter(text -> !text.isEmpty());
            if (contains.isPresent() && contains.get().length() > MAX_CONTAINS) {
                throw invalid("outputContains must be at most " + MAX_CONTAINS + " characters, was " + contains.get().length());
            }
            Optional<String> reason = Optional.ofNullable(request.getFailureReason()).filter(text -> !text.isEmpty());
            if (reason.isPresent() && !REASON.matcher(reason.get()).matches()) {
                throw invalid("failureReason must be a reason name such as UNREACHABLE or NON_ZERO_EXIT, was '" + Pipeline.cut(reason.get(), 40) + "'");
            }
            Set<HostState> states = request.isSetStates() && !request.getStates().isEmpty() ? EnumSet.copyOf(request.getStates()) : EnumSet.allOf(HostState.class);

            JobRecord record = findJob(request.getJobId());
            JobSummaryRecord row = catalog.jobs().summary(record.id()).orElseThrow(() -> notFound(record.id()));
            Optional<Job> live = jobs.find(record.id());
            List<Host> all = live.map(this::hosts).orElseGet(() -> hosts(record));
            Set<String> containing = contains.map(text -> live.map(job -> matching(job, text)).orElseGet(() -> matching(record.id(), text))).orElse(null);
            Predicate<Host> filter = host -> states.contains(host.summary.getState())
                    && reason.map(r -> r.equals(host.summary.getFailureReason())).orElse(true)
                    && (containing == null || containing.contains(host.summary.getLanIp()));
            List<Host> matching = all.stream().filter(filter).toList();

            JobDetailReply reply = new JobDetailReply(summary(row), new LinkedHashMap<>(record.params()),
                    new ArrayList<>(all.stream().map(host -> new TargetHost(host.summary.getLanIp(), host.summary.getHostName())).toList()),
                    new ArrayList<>(catalog.jobs().children(record.id())), matching.size(),
                    new ArrayList<>(matching.subList(Math.min(offset, matching.size()), (int) Math.min((long) offset + limit, matching.size()))
                            .stream().map(Host::summary).toList()),
                    JobRepository.OUTPUT_CAP_BYTES);
            if (!record.rolling().isEmpty()) {
                reply.setRolling(rollingOptions(record.rolling()));
            }
            live.flatMap(Job::stopReason).or(record::stopReason).ifPresent(reply::setStopReason);
            if (request.isWithGroups()) {
                reply.setGroups(groups(record.id(), live, matching));
            }
            call.setReply(reply);
        });
    }

    /** One host line of a job (its output group is in the summary once the host finished). */
    private record Host(HostSummary summary) {}

    private List<Host> hosts(Job job)
    {
        return job.hosts().stream().map(view -> {
            HostSummary out = new HostSummary(view.target().address(), view.target().name(), HostState.QUEUED, view.stdoutChars(),
                    view.stderrChars(), view.truncated(), view.outputHash());
            if (view.result().isPresent()) {
                HostResult result = view.result().get();
                out.setState(result.succeeded() ? HostState.SUCCESS : result.failure().orElseThrow() == FailureReason.SKIPPED ? HostState.SKIPPED : HostState.FAILED);
                result.exitCode().ifPresent(out::setExitCode);
                result.failure().ifPresent(failure -> out.setFailureReason(failure.name()));
                if (!result.message().isEmpty()) {
                    out.setMessage(result.message());
                }
                out.setDurationMillis(result.duration().toMillis());
            }
            else if (view.launched()) {
                out.setState(HostState.RUNNING);
            }
            return new Host(out);
        }).toList();
    }

    private List<Host> hosts(JobRecord record)
    {
        Map<String, HostSummaryRecord> stored = new LinkedHashMap<>();
        for (HostSummaryRecord host : catalog.jobs().hostSummaries(record.id(), Optional.empty())) {
            stored.put(host.lanIp(), host);
        }
        boolean ended = record.status() != org.omserver.catalog.job.JobStatus.RUNNING;
        return record.targets().stream().map(ip -> {
            HostSummaryRecord host = stored.get(ip);
            if (host == null) {
                HostSummary out = new HostSummary(ip, ip, ended ? HostState.FAILED : HostState.QUEUED, 0, 0, false, "");
                if (ended) {
                    out.setFailureReason(FailureReason.INTERRUPTED.name()).setMessage(NO_RESULT);
                }
                return new Host(out);
            }
            return new Host(summary(host));
        }).toList();
    }

    private static HostSummary summary(HostSummaryRecord host)
    {
        HostSummary out = new HostSummary(host.lanIp(), host.hostName(), state(host.success(), host.failureReason()), host.stdoutChars(),
                host.stderrChars(), host.truncated(), host.outputHash());
        host.exitCode().ifPresent(out::setExitCode);
        host.failureReason().ifPresent(out::setFailureReason);
        if (!host.message().isEmpty()) {
            out.setMessage(host.message());
        }
        out.setDurationMillis(host.duration().toMillis());
        return out;
    }

    private static HostState state(boolean success, Optional<String> failureReason)
    {
        return success ? HostState.SUCCESS : failureReason.filter(Replies.SKIPPED::equals).isPresent() ? HostState.SKIPPED : HostState.FAILED;
    }

    private static Set<String> matching(Job job, String text)
    {
        Set<String> found = new java.util.HashSet<>();
        for (HostTarget target : job.targets()) {
            if (job.outputContains(target, text)) {
                found.add(target.address());
            }
        }
        return found;
    }

    private Set<String> matching(long jobId, String text)
    {
        Set<String> found = new java.util.HashSet<>();
        catalog.jobs().hostSummaries(jobId, Optional.of(text)).forEach(host -> found.add(host.lanIp()));
        return found;
    }

    /** Finished hosts with identical output merged, largest group first (ties: first host in target order). */
    private List<OutputGroup> groups(long jobId, Optional<Job> live, List<Host> hosts)
    {
        Map<String, List<HostSummary>> byHash = new LinkedHashMap<>();
        for (Host host : hosts) {
            if (!host.summary.getOutputGroup().isEmpty()) {
                byHash.computeIfAbsent(host.summary.getOutputGroup(), hash -> new ArrayList<>()).add(host.summary);
            }
        }
        return new ArrayList<>(byHash.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()))
                .limit(MAX_GROUPS)
                .map(entry -> {
                    HostSummary first = entry.getValue().getFirst();
                    String[] head = head(jobId, live, first.getLanIp());
                    OutputGroup group = new OutputGroup(entry.getKey(), entry.getValue().size(),
                            new ArrayList<>(entry.getValue().stream().limit(MAX_GROUP_HOSTS).map(HostSummary::getLanIp).toList()),
                            head[0], head[1], first.getStdoutChars() > GROUP_HEAD_CHARS || first.getStderrChars() > GROUP_HEAD_CHARS);
                    if (first.isSetExitCode()) {
                        group.setExitCode(first.getExitCode());
                    }
                    return group;
                })
                .toList());
    }

    private String[] head(long jobId, Optional<Job> live, String lanIp)
    {
        if (live.isPresent()) {
            Job.OutputPage page = live.get().output(lanIp, 0, 0, GROUP_HEAD_CHARS);
            return new String[] {page.stdout(), page.stderr()};
        }
        return catalog.jobs().hostResult(jobId, lanIp)
                .map(result -> new String[] {cut(result.stdout(), GROUP_HEAD_CHARS), cut(result.stderr(), GROUP_HEAD_CHARS)})
                .orElse(new String[] {"", ""});
    }

    private static String cut(String text, int max)
    {
        return text.length() <= max ? text : text.substring(0, max);
    }

    static RollingOptions rollingOptions(Map<String, String> settings)
    {
        RollingOptions out = new RollingOptions();
        Optional.ofNullable(settings.get(RollingSpec.BATCH_SIZE)).ifPresent(out::setBatchSize);
        Optional.ofNullable(settings.get(RollingSpec.MAX_IN_FLIGHT)).map(Integer::parseInt).ifPresent(out::setMaxInFlight);
        Optional.ofNullable(settings.get(RollingSpec.FAILURE_THRESHOLD)).ifPresent(out::setFailureThreshold);
        Optional.ofNullable(settings.get(RollingSpec.COMMAND_TIMEOUT_SECONDS)).map(Integer::parseInt).ifPresent(out::setCommandTimeoutSeconds);
        return out;
    }

    /** Rolling options of a request in their stored form (see {@link RollingSpec}). */
    public static Map<String, String> rollingSettings(RollingOptions options)
    {
        if (options == null) {
            return Map.of();
        }
        return RollingSpec.of(Optional.ofNullable(options.getBatchSize()),
                options.isSetMaxInFlight() ? OptionalInt.of(options.getMaxInFlight()) : OptionalInt.empty(),
                Optional.ofNullable(options.getFailureThreshold()),
                options.isSetCommandTimeoutSeconds() ? OptionalInt.of(options.getCommandTimeoutSeconds()) : OptionalInt.empty());
    }

    // ---- one host's output -----------------------------------------------------------------------

    /** A page of one host's stdout and stderr: from memory while the job is there, else from the database. */
    public Stage hostOutput()
    {
        return Stage.named("hostOutput", call -> {
            HostOutputRequest request = call.request(HostOutputRequest.class);
            int stdoutOffset = request.isSetStdoutOffset() ? request.getStdoutOffset() : 0;
            int stderrOffset = request.isSetStderrOffset() ? request.getStderrOffset() : 0;
            int limit = request.isSetLimit() ? request.getLimit() : DEFAULT_OUTPUT_CHARS;
            if (stdoutOffset < 0 || stderrOffset < 0) {
                throw invalid("offsets must be 0 or more, were " + stdoutOffset + " and " + stderrOffset);
            }
            if (limit < 1 || limit > MAX_OUTPUT_CHARS) {
                throw invalid("limit must be 1 to " + MAX_OUTPUT_CHARS + " characters, was " + limit);
            }
            JobRecord record = findJob(request.getJobId());
            String lanIp = requireNonNull(request.getLanIp(), "lanIp");
            if (!record.targets().contains(lanIp)) {
                throw new Refusal(ErrorCode.NOT_FOUND, "host " + Pipeline.cut(lanIp, 64) + " is not part of job " + record.id());
            }
            Optional<Job> live = jobs.find(record.id());
            HostSummary host;
            String stdout;
            String stderr;
            int stdoutChars;
            int stderrChars;
            if (live.isPresent()) {
                host = hosts(live.get()).stream().map(Host::summary).filter(h -> h.getLanIp().equals(lanIp)).findFirst().orElseThrow();
                Job.OutputPage page = live.get().output(lanIp, stdoutOffset, stderrOffset, limit);
                stdout = page.stdout();
                stderr = page.stderr();
                stdoutChars = page.stdoutChars();
                stderrChars = page.stderrChars();
            }
            else {
                Optional<HostResultRecord> stored = catalog.jobs().hostResult(record.id(), lanIp);
                host = hosts(record).stream().map(Host::summary).filter(h -> h.getLanIp().equals(lanIp)).findFirst().orElseThrow();
                String all = stored.map(HostResultRecord::stdout).orElse("");
                String allErr = stored.map(HostResultRecord::stderr).orElse("");
                stdout = slice(all, stdoutOffset, limit);
                stderr = slice(allErr, stderrOffset, limit);
                stdoutChars = all.length();
                stderrChars = allErr.length();
            }
            int nextOut = Math.min(stdoutOffset, stdoutChars) + stdout.length();
            int nextErr = Math.min(stderrOffset, stderrChars) + stderr.length();
            call.setReply(new HostOutputReply(host, stdout, stderr, nextOut, nextErr, nextOut >= stdoutChars, nextErr >= stderrChars,
                    JobRepository.OUTPUT_CAP_BYTES));
        });
    }

    private static String slice(String text, int offset, int limit)
    {
        int from = Math.min(offset, text.length());
        return text.substring(from, (int) Math.min((long) from + limit, text.length()));
    }

    // ---- control ---------------------------------------------------------------------------------

    /** Cancels the job if it still runs (idempotent: an ended job is answered with its status). */
    public Stage cancel()
    {
        return Stage.named("cancel", call -> {
            CancelRequest request = call.request(CancelRequest.class);
            JobRecord record = findJob(request.getJobId());
            Optional<Job> live = jobs.find(record.id()).filter(job -> !job.complete());
            boolean cancelled = live.isPresent() && runner.cancel(live.get(), call.requirePrincipal().username());
            org.omserver.protocol.thrift.JobStatus status = live.isPresent() && live.get().cancelled()
                    ? org.omserver.protocol.thrift.JobStatus.CANCELLED
                    : org.omserver.protocol.thrift.JobStatus.valueOf(catalog.jobs().find(record.id()).orElseThrow().status().name());
            call.setDetail("job " + record.id() + (cancelled ? " cancelled" : " not running any more (" + status + ")"));
            call.setReply(new CancelReply(record.id(), status, cancelled));
        });
    }

    /**
     * Turns a retry into a submit of the old job's module and parameters to the hosts chosen by the scope; the
     * submit stages that follow check everything again (module, parameters, hosts, rolling settings).
     */
    public Stage prepareRetry()
    {
        return Stage.named("prepareRetry", call -> {
            RetryRequest request = call.request(RetryRequest.class);
            JobRecord record = findJob(request.getJobId());
            call.setModuleId(record.moduleId());
            // the history keeps secrets masked: a retry would send the mask as the value
            if (catalog.modules().find(record.moduleId()).filter(module -> module.params().stream()
                    .anyMatch(spec -> spec.type() == org.omserver.catalog.module.ParamType.SECRET)).isPresent()) {
                throw invalid("job " + record.id() + " has a secret parameter, which is never stored; run the module again and give the secret");
            }
            if (jobs.find(record.id()).filter(job -> !job.complete()).isPresent() || record.status() == org.omserver.catalog.job.JobStatus.RUNNING) {
                throw invalid("job " + record.id() + " is still running; wait for it to end, or cancel it, before retrying it");
            }
            RetryScope scope = request.isSetScope() ? request.getScope() : RetryScope.FAILED_AND_UNREACHABLE;
            Map<String, HostResultRecord> results = new LinkedHashMap<>();
            catalog.jobs().hostResults(record.id()).forEach(result -> results.put(result.lanIp(), result));
            List<String> chosen = record.targets().stream().filter(ip -> {
                HostResultRecord result = results.get(ip);
                Optional<String> reason = result == null ? Optional.of(FailureReason.INTERRUPTED.name())
                        : result.success() ? Optional.empty() : result.failureReason().or(() -> Optional.of(FailureReason.INTERNAL.name()));
                if (reason.isEmpty()) {
                    return false;
                }
                if (reason.get().equals(Replies.SKIPPED)) {
                    return request.isIncludeSkipped();
                }
                boolean unreachable = reason.get().equals(FailureReason.UNREACHABLE.name());
                return switch (scope) {
                    case FAILED_AND_UNREACHABLE -> true;
                    case FAILED_ONLY -> !unreachable;
                    case UNREACHABLE_ONLY -> unreachable;
                };
            }).toList();
            if (chosen.isEmpty()) {
                throw invalid("job " + record.id() + " has no hosts to retry for " + scope.name().toLowerCase().replace('_', ' ')
                        + (request.isIncludeSkipped() ? " or skipped" : ""));
            }
            call.setRequestedTargets(chosen);
            call.setRawParams(record.params());
            call.setParentJobId(record.id());
            call.setRollingSettings(request.isSetRolling() ? rollingSettings(request.getRolling()) : record.rolling());
        });
    }

    /** Replies with the new job, linked to the one it retried. */
    public Stage retryReply()
    {
        return Stage.named("retryReply", call -> {
            Job job = call.requireJob();
            List<TargetHost> hosts = job.targets().stream().map(target -> new TargetHost(target.address(), target.name())).toList();
            call.setDetail("job " + job.id() + " retries job " + call.parentJobId().orElseThrow());
            call.setReply(new RetryReply(new SubmitReply(job.id(), job.moduleId(), job.moduleName(), new ArrayList<>(hosts)),
                    call.parentJobId().orElseThrow()));
        });
    }

    private JobRecord findJob(long jobId)
            throws Refusal
    {
        return catalog.jobs().find(jobId).orElseThrow(() -> notFound(jobId));
    }

    private static Refusal notFound(long jobId)
    {
        return new Refusal(ErrorCode.NOT_FOUND, "job " + jobId + " does not exist (or was removed by the history retention)");
    }

    private static Refusal invalid(String message)
    {
        return new Refusal(ErrorCode.INVALID_REQUEST, message);
    }
}
