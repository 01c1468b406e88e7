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
import org.omserver.catalog.internal.Rows.JobRow;
import org.omserver.catalog.internal.Rows.ModuleRow;
import org.omserver.catalog.internal.Rows.ModuleVersionRow;
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
        @Select("SELECT id, username, password_hash, role, enabled, created_at FROM oms_user WHERE username = #{username}")
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
        @Insert("INSERT INTO oms_job (created_at, username, module_id, params, targets, status) "
                + "VALUES (#{createdAt}, #{username}, #{moduleId}, #{params}, #{targets}, #{status})")
        @Options(useGeneratedKeys = true, keyProperty = "id")
        void insert(JobRow row);

        @Insert("INSERT INTO oms_job_host (job_id, lan_ip, host_name, success, exit_code, failure_reason, message, duration_ms, stdout, stderr, truncated) "
                + "VALUES (#{jobId}, #{lanIp}, #{hostName}, #{success}, #{exitCode}, #{failureReason}, #{message}, #{durationMs}, #{stdout}, #{stderr}, #{truncated})")
        void insertHost(HostRow row);

        @Update("UPDATE oms_job SET status = #{status}, finished_at = #{finishedAt} WHERE id = #{id}")
        int setStatus(@Param("id") long id, @Param("status") String status, @Param("finishedAt") LocalDateTime finishedAt);

        @Select("SELECT id, created_at, username, module_id, params, targets, status, finished_at FROM oms_job WHERE id = #{id}")
        JobRow find(long id);

        @Select("SELECT job_id, lan_ip, host_name, success, exit_code, failure_reason, message, duration_ms, stdout, stderr, truncated "
                + "FROM oms_job_host WHERE job_id = #{jobId} ORDER BY lan_ip")
        List<HostRow> hosts(long jobId);

        @Update("UPDATE oms_job SET status = 'INTERRUPTED', finished_at = #{finishedAt} WHERE status = 'RUNNING'")
        int interruptRunning(@Param("finishedAt") LocalDateTime finishedAt);
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
