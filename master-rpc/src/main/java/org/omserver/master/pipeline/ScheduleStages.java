package org.omserver.master.pipeline;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.schedule.ScheduleRecord;
import org.omserver.catalog.user.User;
import org.omserver.master.dispatch.PlannedHost;
import org.omserver.master.schedule.CronSchedule;
import org.omserver.protocol.thrift.ChangeScheduleRequest;
import org.omserver.protocol.thrift.CreateScheduleRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.OverlapPolicy;
import org.omserver.protocol.thrift.ScheduleInfo;
import org.omserver.protocol.thrift.ScheduleReply;
import org.omserver.protocol.thrift.SchedulesReply;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * The stages of the schedule methods (issue 5) and of a scheduled run. A schedule stores the raw form values; they
 * are validated when the schedule is created (through the submit stages) and again at every run.
 */
public final class ScheduleStages
{
    public static final int MAX_NAME = 128;
    /** How many due times after the next one a schedule's listing shows. */
    static final int LATER_RUNS = 4;

    private final Catalog catalog;
    private final Clock clock;

    public ScheduleStages(Catalog catalog, Clock clock)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Checks the schedule's name and cron expression (module, parameters, hosts and rolling settings follow as for a submit). */
    public Stage checkSchedule()
    {
        return Stage.named("checkSchedule", call -> {
            CreateScheduleRequest request = call.request(CreateScheduleRequest.class);
            String name = request.getName().trim();
            if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "the schedule name must be 1 to " + MAX_NAME + " characters without control characters");
            }
            try {
                CronSchedule.parse(request.getCron());
            }
            catch (IllegalArgumentException e) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, e.getMessage());
            }
        });
    }

    /** Stores the schedule with its first due time and replies with it. */
    public Stage storeSchedule()
    {
        return Stage.named("storeSchedule", call -> {
            CreateScheduleRequest request = call.request(CreateScheduleRequest.class);
            // a schedule keeps its form values: a secret would be stored in clear
            if (call.requireModule().params().stream().anyMatch(spec -> spec.type() == org.omserver.catalog.module.ParamType.SECRET)) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "module " + call.requireModule().id() + " has a secret parameter, which is never stored; it cannot be scheduled");
            }
            CronSchedule cron = CronSchedule.parse(request.getCron());
            OverlapPolicy overlap = request.isSetOverlap() ? request.getOverlap() : OverlapPolicy.SKIP;
            ScheduleRecord record = new ScheduleRecord(0, request.getName().trim(), call.requirePrincipal().username(), cron.expression(),
                    call.requireModule().id(), call.hosts().stream().map(PlannedHost::target).map(target -> target.address()).toList(),
                    call.rawParams(), call.rollingSettings(), overlap.name(), false, clock.instant(), cron.nextAfter(clock.instant()),
                    Optional.empty(), OptionalLong.empty(), Optional.empty(), false);
            long id = catalog.schedules().create(record);
            call.setDetail("schedule " + id);
            call.setReply(new ScheduleReply(info(catalog.schedules().find(id).orElseThrow())));
        });
    }

    /** Lists every schedule with its next run. */
    public Stage listSchedules()
    {
        return Stage.named("listSchedules", call -> call.setReply(new SchedulesReply(
                new ArrayList<>(catalog.schedules().list().stream().map(this::info).toList()))));
    }

    /** Pauses, resumes (next run from now) or deletes a schedule. */
    public Stage changeSchedule()
    {
        return Stage.named("changeSchedule", call -> {
            ChangeScheduleRequest request = call.request(ChangeScheduleRequest.class);
            ScheduleRecord schedule = catalog.schedules().find(request.getScheduleId()).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                    "schedule " + request.getScheduleId() + " does not exist; list the schedules to see their ids"));
            call.setModuleId(schedule.moduleId());
            switch (request.getAction()) {
                case PAUSE -> catalog.schedules().setPaused(schedule.id(), true, Optional.empty());
                case RESUME -> catalog.schedules().setPaused(schedule.id(), false, nextAfterNow(schedule));
                case DELETE -> catalog.schedules().delete(schedule.id());
            }
            call.setDetail("schedule " + schedule.id() + " " + request.getAction().name().toLowerCase());
            ScheduleRecord after = request.getAction() == org.omserver.protocol.thrift.ScheduleAction.DELETE ? schedule
                    : catalog.schedules().find(schedule.id()).orElseThrow();
            call.setReply(new ScheduleReply(info(after)));
        });
    }

    private Optional<java.time.Instant> nextAfterNow(ScheduleRecord schedule)
            throws Refusal
    {
        try {
            return CronSchedule.parse(schedule.cron()).nextAfter(clock.instant());
        }
        catch (IllegalArgumentException e) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "schedule " + schedule.id() + " cannot resume: " + e.getMessage());
        }
    }

    /** The due times after {@code next}, {@link #LATER_RUNS} at most (fewer when the expression stops firing). */
    private static java.util.List<Long> laterRuns(String cron, java.time.Instant next)
    {
        java.util.List<Long> later = new ArrayList<>();
        try {
            CronSchedule schedule = CronSchedule.parse(cron);
            Optional<java.time.Instant> at = schedule.nextAfter(next);
            while (at.isPresent() && later.size() < LATER_RUNS) {
                later.add(at.get().toEpochMilli());
                at = schedule.nextAfter(at.get());
            }
        }
        catch (IllegalArgumentException e) {
            // a stored expression this version no longer parses: the next run is still shown, its refusal comes at that run
        }
        return later;
    }

    /** A scheduled run acts as the schedule's owner, who must still exist, be enabled and be allowed to run modules. */
    public Stage scheduleOwner(ScheduleRecord schedule)
    {
        return Stage.named("scheduleOwner", call -> {
            call.setModuleId(schedule.moduleId());
            call.setRequestedTargets(schedule.targets());
            call.setRawParams(schedule.params());
            call.setRollingSettings(schedule.rolling());
            call.setScheduleId(schedule.id());
            call.setDetail("schedule " + schedule.id());
            User owner = catalog.users().find(schedule.owner()).filter(User::enabled).orElseThrow(() -> new Refusal(ErrorCode.UNAUTHENTICATED,
                    "the schedule's owner " + schedule.owner() + " no longer exists or is disabled; delete the schedule and create it again"));
            call.setPrincipal(new Principal(owner.username(), owner.role()));
        });
    }

    ScheduleInfo info(ScheduleRecord schedule)
    {
        String moduleName = catalog.modules().find(schedule.moduleId()).map(ModuleDefinition::name).orElse("");
        ScheduleInfo info = new ScheduleInfo(schedule.id(), schedule.name(), schedule.owner(), schedule.cron(), schedule.moduleId(), moduleName,
                new ArrayList<>(schedule.targets()), new LinkedHashMap<>(schedule.params()), OverlapPolicy.valueOf(schedule.overlap()), schedule.paused());
        if (!schedule.rolling().isEmpty()) {
            info.setRolling(JobStages.rollingOptions(schedule.rolling()));
        }
        schedule.nextRunAt().ifPresent(at -> {
            info.setNextRunMillis(at.toEpochMilli());
            if (!schedule.paused()) {
                info.setLaterRunsMillis(laterRuns(schedule.cron(), at));
            }
        });
        schedule.lastRunAt().ifPresent(at -> info.setLastRunMillis(at.toEpochMilli()));
        schedule.lastJobId().ifPresent(info::setLastJobId);
        schedule.lastOutcome().ifPresent(info::setLastOutcome);
        return info;
    }
}
