package org.omserver.catalog.internal;

import java.time.LocalDateTime;

/**
 * What the mappers read and write: one mutable class per table, fields named after the columns in camel case.
 * MyBatis fills them; the repositories turn them into the public records.
 */
public final class Rows
{
    private Rows() {}

    public static final class ModuleRow
    {
        public int id;
        public String moduleName;
        public String moduleCaption;
        public String moduleExtend;
        public String backend;
        public String paramSchema;
        public String commandTemplate;
        public int timeoutSeconds;
        public boolean needsRoot;
        public boolean enabled;
        public boolean shellMode;
        public Integer maxParallel;
        public int version;
    }

    public static final class ModuleVersionRow
    {
        public long id;
        public int moduleId;
        public int version;
        public LocalDateTime changedAt;
        public String actor;
        public String action;
        public String summary;
        public String definition;
        public String previousDefinition;
    }

    public static final class CategoryRow
    {
        public int id;
        public int parentId;
        public String name;
    }

    public static final class ServerRow
    {
        public String serverLip;
        public String serverName;
        public String serverWip;
        public String serverOp;
        public Integer serverAppId;
        public String backend;
        public int sshPort;
        public String sshUser;
    }

    public static final class UserRow
    {
        public long id;
        public String username;
        public String passwordHash;
        public String role;
        public boolean enabled;
        public LocalDateTime createdAt;
        public LocalDateTime lastLoginAt;
    }

    public static final class JobRow
    {
        public long id;
        public LocalDateTime createdAt;
        public String username;
        public int moduleId;
        public String params;
        public String targets;
        public String status;
        public LocalDateTime finishedAt;
        public int hostsTotal;
        public int hostsSucceeded;
        public int hostsFailed;
        public int hostsSkipped;
        public Long parentJobId;
        public Long scheduleId;
        public String rolling;
        public String stopReason;
        /** Joined from module_list; NULL when the module is gone. */
        public String moduleName;
    }

    /** The filters of a history page; NULL = not filtered. */
    public static final class JobQueryRow
    {
        public Long beforeId;
        public int limit;
        public String username;
        public Integer moduleId;
        public String status;
        public LocalDateTime since;
        public LocalDateTime until;
    }

    public static final class ScheduleRow
    {
        public long id;
        public String name;
        public String owner;
        public String cron;
        public int moduleId;
        public String targets;
        public String params;
        public String rolling;
        public String overlap;
        public boolean paused;
        public LocalDateTime createdAt;
        public LocalDateTime nextRunAt;
        public LocalDateTime lastRunAt;
        public Long lastJobId;
        public String lastOutcome;
        public boolean runPending;
    }

    public static final class HostRow
    {
        public long jobId;
        public String lanIp;
        public String hostName;
        public boolean success;
        public Integer exitCode;
        public String failureReason;
        public String message;
        public long durationMs;
        public String stdout;
        public String stderr;
        public boolean truncated;
        public String outputHash;
        public int stdoutChars;
        public int stderrChars;
    }

    public static final class AuditRow
    {
        public long id;
        public LocalDateTime at;
        public String actor;
        public String clientAddress;
        public String action;
        public Integer moduleId;
        public String params;
        public String targets;
        public String outcome;
        public String detail;
    }
}
