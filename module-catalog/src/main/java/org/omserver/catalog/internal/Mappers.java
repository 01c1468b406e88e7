package org.omserver.catalog.internal;

import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.omserver.catalog.internal.Rows.AuditRow;
import org.omserver.catalog.internal.Rows.CategoryRow;
import org.omserver.catalog.internal.Rows.HostRow;
import org.omserver.catalog.internal.Rows.JobQueryRow;
import org.omserver.catalog.internal.Rows.JobRow;
import org.omserver.catalog.internal.Rows.ModuleRow;
import org.omserver.catalog.internal.Rows.ModuleVersionRow;
import org.omserver.catalog.internal.Rows.ScheduleRow;
import org.omserver.catalog.internal.Rows.ServerRow;
import org.omserver.catalog.internal.Rows.UserRow;

/** The SQL, all of it. Plain SQL that MySQL/MariaDB and H2 in MySQL mode both accept. */
final class Mappers
{
    private Mappers() {}

    interface ModuleMapper
    {
        String COLUMNS = "SELECT ID, module_name, module_caption, module_extend, backend, param_schema, command_template, "
                + "timeout_seconds, needs_root, enabled, shell_mode, max_parallel, version FROM module_list";

        @Select(COLUMNS + " WHERE ID = #{id}")
        ModuleRow find(int id);

        @Select(COLUMNS + " ORDER BY ID")
        List<ModuleRow> list();

        /** The next id for a new module: above the built-ins and every id used before (deleted ones included). */
        @Select("SELECT GREATEST(1007, COALESCE((SELECT MAX(ID) FROM module_list), 0), COALESCE((SELECT MAX(module_id) FROM module_version), 0)) + 1")
        int nextId();

        @Insert("INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, "
                + "timeout_seconds, needs_root, enabled, shell_mode, max_parallel, version) VALUES (#{id}, #{moduleName}, #{moduleCaption}, "
                + "#{moduleExtend}, #{backend}, #{paramSchema}, #{commandTemplate}, #{timeoutSeconds}, #{needsRoot}, #{enabled}, #{shellMode}, "
                + "#{maxParallel}, #{version})")
        void insert(ModuleRow row);

        /** Updates only when the row is still at {@code expected}: 0 rows means someone changed it first. */
        @Update("UPDATE module_list SET module_name = #{row.moduleName}, module_caption = #{row.moduleCaption}, module_extend = #{row.moduleExtend}, "
                + "backend = #{row.backend}, param_schema = #{row.paramSchema}, command_template = #{row.commandTemplate}, "
                + "timeout_seconds = #{row.timeoutSeconds}, needs_root = #{row.needsRoot}, enabled = #{row.enabled}, shell_mode = #{row.shellMode}, "
                + "max_parallel = #{row.maxParallel}, version = #{row.version} WHERE ID = #{row.id} AND version = #{expected}")
        int update(@Param("row") ModuleRow row, @Param("expected") int expected);

        @Delete("DELETE FROM module_list WHERE ID = #{id} AND version = #{expected}")
        int delete(@Param("id") int id, @Param("expected") int expected);

        @Select("SELECT COALESCE(MAX(version), 0) FROM module_version WHERE module_id = #{id}")
        int lastVersion(int id);

        @Insert("INSERT INTO module_version (module_id, version, changed_at, actor, action, summary, definition, previous_definition) "
                + "VALUES (#{moduleId}, #{version}, #{changedAt}, #{actor}, #{action}, #{summary}, #{definition}, #{previousDefinition})")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insertVersion(ModuleVersionRow row);

        @Select("SELECT id, module_id, version, changed_at, actor, action, summary, definition, previous_definition "
                + "FROM module_version WHERE module_id = #{id} ORDER BY version DESC")
        List<ModuleVersionRow> versions(int id);
    }

    interface InventoryMapper
    {
        String SERVER_COLUMNS = "SELECT server_lip, server_name, server_wip, server_op, server_app_id, backend, ssh_port, ssh_user FROM server_list";

        @Select("SELECT ID AS id, 0 AS parentId, server_categ_name AS name FROM server_fun_categ ORDER BY ID")
        List<CategoryRow> functionCategories();

        @Select("SELECT ID AS id, server_categ_id AS parentId, app_categ_name AS name FROM server_app_categ ORDER BY ID")
        List<CategoryRow> appCategories();

        @Select(SERVER_COLUMNS + " ORDER BY server_lip")
        List<ServerRow> servers();

        @Select("<script>" + SERVER_COLUMNS + " WHERE server_lip IN "
                + "<foreach item='ip' collection='ips' open='(' separator=',' close=')'>#{ip}</foreach></script>")
        List<ServerRow> findByLanIps(@Param("ips") Collection<String> lanIps);

        @Insert("INSERT INTO server_fun_categ (server_categ_name) VALUES (#{name})")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insertFunctionCategory(CategoryRow row);

        @Insert("INSERT INTO server_app_categ (server_categ_id, app_categ_name) VALUES (#{parentId}, #{name})")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insertAppCategory(CategoryRow row);

        @Insert("INSERT INTO server_list (server_lip, server_name, server_wip, server_op, server_app_id, backend, ssh_port, ssh_user) "
                + "VALUES (#{serverLip}, #{serverName}, #{serverWip}, #{serverOp}, #{serverAppId}, #{backend}, #{sshPort}, #{sshUser}) "
                + "ON DUPLICATE KEY UPDATE server_name = VALUES(server_name), server_wip = VALUES(server_wip), server_op = VALUES(server_op), "
                + "server_app_id = VALUES(server_app_id), backend = VALUES(backend), ssh_port = VALUES(ssh_port), ssh_user = VALUES(ssh_user)")
        void putServer(ServerRow row);
    }

    interface UserMapper
    {
        @Select("SELECT id, username, password_hash, role, enabled, created_at, last_login_at FROM oms_user WHERE username = #{username}")
        List<UserRow> find(String username);

        @Select("SELECT COUNT(*) FROM oms_user WHERE LOWER(username) = LOWER(#{username})")
        int countIgnoringCase(String username);

        @Insert("INSERT INTO oms_user (username, password_hash, role, enabled, created_at) "
                + "VALUES (#{username}, #{passwordHash}, #{role}, #{enabled}, #{createdAt})")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insert(UserRow row);

        @Update("UPDATE oms_user SET password_hash = #{hash} WHERE id = #{id}")
        int setPasswordHash(@Param("id") long id, @Param("hash") String hash);
    }

    interface JobMapper
    {
        String JOB_COLUMNS = "j.id, j.created_at, j.username, j.module_id, j.params, j.targets, j.status, j.finished_at, j.hosts_total, "
                + "j.hosts_succeeded, j.hosts_failed, j.hosts_skipped, j.parent_job_id, j.schedule_id, j.rolling, j.stop_reason, m.module_name";
        String SUMMARY_COLUMNS = "j.id, j.created_at, j.username, j.module_id, j.status, j.finished_at, j.hosts_total, "
                + "j.hosts_succeeded, j.hosts_failed, j.hosts_skipped, j.parent_job_id, j.schedule_id, m.module_name";
        String FROM = " FROM oms_job j LEFT JOIN module_list m ON m.ID = j.module_id";
        String HOST_SUMMARY = "SELECT job_id, lan_ip, host_name, success, exit_code, failure_reason, message, duration_ms, truncated, "
                + "output_hash, stdout_chars, stderr_chars FROM oms_job_host";

        @Insert("INSERT INTO oms_job (created_at, username, module_id, params, targets, status, hosts_total, parent_job_id, schedule_id, rolling) "
                + "VALUES (#{createdAt}, #{username}, #{moduleId}, #{params}, #{targets}, #{status}, #{hostsTotal}, #{parentJobId}, #{scheduleId}, #{rolling})")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insert(JobRow row);

        @Insert("INSERT INTO oms_job_host (job_id, lan_ip, host_name, success, exit_code, failure_reason, message, duration_ms, stdout, stderr, truncated, "
                + "output_hash, stdout_chars, stderr_chars) "
                + "VALUES (#{jobId}, #{lanIp}, #{hostName}, #{success}, #{exitCode}, #{failureReason}, #{message}, #{durationMs}, #{stdout}, #{stderr}, #{truncated}, "
                + "#{outputHash}, #{stdoutChars}, #{stderrChars})")
        void insertHost(HostRow row);

        @Update("UPDATE oms_job SET status = #{status}, finished_at = #{finishedAt} WHERE id = #{id}")
        int setStatus(@Param("id") long id, @Param("status") String status, @Param("finishedAt") LocalDateTime finishedAt);

        @Update("UPDATE oms_job SET status = #{status}, finished_at = #{finishedAt}, hosts_total = #{total}, hosts_succeeded = #{succeeded}, "
                + "hosts_failed = #{failed}, hosts_skipped = #{skipped}, stop_reason = #{stopReason} WHERE id = #{id}")
        int finish(@Param("id") long id, @Param("status") String status, @Param("finishedAt") LocalDateTime finishedAt, @Param("total") int total,
                @Param("succeeded") int succeeded, @Param("failed") int failed, @Param("skipped") int skipped, @Param("stopReason") String stopReason);

        @Select("SELECT " + JOB_COLUMNS + FROM + " WHERE j.id = #{id}")
        JobRow find(long id);

        @Select("SELECT " + SUMMARY_COLUMNS + FROM + " WHERE j.id = #{id}")
        JobRow summary(long id);

        @Select("<script>SELECT " + SUMMARY_COLUMNS + FROM + "<where>"
                + "<if test='beforeId != null'>j.id &lt; #{beforeId}</if>"
                + "<if test='username != null'> AND j.username = #{username}</if>"
                + "<if test='moduleId != null'> AND j.module_id = #{moduleId}</if>"
                + "<if test='status != null'> AND j.status = #{status}</if>"
                + "<if test='since != null'> AND j.created_at &gt;= #{since}</if>"
                + "<if test='until != null'> AND j.created_at &lt; #{until}</if>"
                + "</where> ORDER BY j.id DESC LIMIT #{limit}</script>")
        List<JobRow> page(JobQueryRow query);

        @Select("SELECT id FROM oms_job WHERE parent_job_id = #{id} ORDER BY id")
        List<Long> children(long id);

        @Select("SELECT job_id, lan_ip, host_name, success, exit_code, failure_reason, message, duration_ms, stdout, stderr, truncated, "
                + "output_hash, stdout_chars, stderr_chars FROM oms_job_host WHERE job_id = #{jobId} ORDER BY lan_ip")
        List<HostRow> hosts(long jobId);

        @Select("SELECT job_id, lan_ip, host_name, success, exit_code, failure_reason, message, duration_ms, stdout, stderr, truncated, "
                + "output_hash, stdout_chars, stderr_chars FROM oms_job_host WHERE job_id = #{jobId} AND lan_ip = #{lanIp}")
        HostRow host(@Param("jobId") long jobId, @Param("lanIp") String lanIp);

        @Select("<script>" + HOST_SUMMARY + " WHERE job_id = #{jobId}"
                + "<if test='contains != null'> AND (LOCATE(LOWER(#{contains}), LOWER(stdout)) &gt; 0 OR LOCATE(LOWER(#{contains}), LOWER(stderr)) &gt; 0)</if>"
                + " ORDER BY lan_ip</script>")
        List<HostRow> hostSummaries(@Param("jobId") long jobId, @Param("contains") String contains);

        @Update("UPDATE oms_job SET status = 'INTERRUPTED', finished_at = #{finishedAt}, "
                + "hosts_succeeded = (SELECT COUNT(*) FROM oms_job_host h WHERE h.job_id = oms_job.id AND h.success = TRUE), "
                + "hosts_skipped = (SELECT COUNT(*) FROM oms_job_host h WHERE h.job_id = oms_job.id AND h.failure_reason = 'SKIPPED'), "
                + "hosts_failed = (SELECT COUNT(*) FROM oms_job_host h WHERE h.job_id = oms_job.id AND h.success = FALSE "
                + "AND (h.failure_reason IS NULL OR h.failure_reason <> 'SKIPPED')) "
                + "WHERE status = 'RUNNING'")
        int interruptRunning(@Param("finishedAt") LocalDateTime finishedAt);

        @Select("SELECT id FROM oms_job WHERE created_at < #{cutoff} AND status <> 'RUNNING' ORDER BY id LIMIT #{batch}")
        List<Long> endedCreatedBefore(@Param("cutoff") LocalDateTime cutoff, @Param("batch") int batch);

        /** The newest job beyond the {@code keep} newest; NULL when there are not that many. */
        @Select("SELECT id FROM oms_job ORDER BY id DESC LIMIT 1 OFFSET #{keep}")
        Long newestBeyond(int keep);

        @Select("SELECT id FROM oms_job WHERE id <= #{maxId} AND status <> 'RUNNING' ORDER BY id LIMIT #{batch}")
        List<Long> endedUpTo(@Param("maxId") long maxId, @Param("batch") int batch);

        @Delete("<script>DELETE FROM oms_job_host WHERE job_id IN "
                + "<foreach item='id' collection='ids' open='(' separator=',' close=')'>#{id}</foreach></script>")
        int deleteHosts(@Param("ids") Collection<Long> ids);

        @Delete("<script>DELETE FROM oms_job WHERE id IN "
                + "<foreach item='id' collection='ids' open='(' separator=',' close=')'>#{id}</foreach></script>")
        int deleteJobs(@Param("ids") Collection<Long> ids);
    }

    interface ScheduleMapper
    {
        String COLUMNS = "SELECT id, name, owner, cron, module_id, targets, params, rolling, overlap, paused, created_at, next_run_at, "
                + "last_run_at, last_job_id, last_outcome, run_pending FROM oms_schedule";

        @Insert("INSERT INTO oms_schedule (name, owner, cron, module_id, targets, params, rolling, overlap, paused, created_at, next_run_at, run_pending) "
                + "VALUES (#{name}, #{owner}, #{cron}, #{moduleId}, #{targets}, #{params}, #{rolling}, #{overlap}, #{paused}, #{createdAt}, #{nextRunAt}, FALSE)")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insert(ScheduleRow row);

        @Select(COLUMNS + " ORDER BY id")
        List<ScheduleRow> list();

        @Select(COLUMNS + " WHERE id = #{id}")
        ScheduleRow find(long id);

        @Select(COLUMNS + " WHERE paused = FALSE AND (next_run_at <= #{now} OR run_pending = TRUE) ORDER BY id")
        List<ScheduleRow> due(@Param("now") LocalDateTime now);

        @Update("UPDATE oms_schedule SET paused = #{paused}, next_run_at = #{nextRunAt}, run_pending = FALSE WHERE id = #{id}")
        int setPaused(@Param("id") long id, @Param("paused") boolean paused, @Param("nextRunAt") LocalDateTime nextRunAt);

        @Update("UPDATE oms_schedule SET next_run_at = #{nextRunAt}, last_run_at = #{lastRunAt}, last_job_id = #{lastJobId}, "
                + "last_outcome = #{lastOutcome}, run_pending = #{runPending} WHERE id = #{id}")
        int recordRun(ScheduleRow row);

        @Delete("DELETE FROM oms_schedule WHERE id = #{id}")
        int delete(long id);
    }

    interface AuditMapper
    {
        @Insert("INSERT INTO oms_audit (at, actor, client_address, action, module_id, params, targets, outcome, detail) "
                + "VALUES (#{at}, #{actor}, #{clientAddress}, #{action}, #{moduleId}, #{params}, #{targets}, #{outcome}, #{detail})")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insert(AuditRow row);

        @Select("SELECT id, at, actor, client_address, action, module_id, params, targets, outcome, detail "
                + "FROM oms_audit ORDER BY at DESC, id DESC LIMIT #{limit}")
        List<AuditRow> latest(int limit);
    }
}
