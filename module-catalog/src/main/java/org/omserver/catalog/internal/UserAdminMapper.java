package org.omserver.catalog.internal;

import java.time.LocalDateTime;
import java.util.List;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.omserver.catalog.internal.Rows.AuditRow;
import org.omserver.catalog.internal.Rows.UserRow;

/** The SQL of user management, grants (V14) and the audit viewer, apart from Mappers so this work stays in its own files. */
interface UserAdminMapper
{
    @Select("SELECT id, username, password_hash, role, enabled, created_at, last_login_at FROM oms_user ORDER BY username")
    List<UserRow> list();

    @Update("UPDATE oms_user SET enabled = #{enabled} WHERE id = #{id}")
    int setEnabled(@Param("id") long id, @Param("enabled") boolean enabled);

    @Update("UPDATE oms_user SET role = #{role} WHERE id = #{id}")
    int setRole(@Param("id") long id, @Param("role") String role);

    @Update("UPDATE oms_user SET last_login_at = #{at} WHERE id = #{id}")
    int setLastLogin(@Param("id") long id, @Param("at") LocalDateTime at);

    @Delete("DELETE FROM oms_user WHERE id = #{id}")
    int delete(long id);

    @Select("SELECT function_category_id FROM oms_user_grant WHERE user_id = #{userId} ORDER BY function_category_id")
    List<Integer> grants(long userId);

    @Select("SELECT user_id AS id, function_category_id AS category FROM oms_user_grant")
    List<GrantRow> allGrants();

    @Delete("DELETE FROM oms_user_grant WHERE user_id = #{userId}")
    int deleteGrants(long userId);

    @Insert("INSERT INTO oms_user_grant (user_id, function_category_id, granted_at, granted_by) VALUES (#{userId}, #{category}, #{at}, #{by})")
    void insertGrant(@Param("userId") long userId, @Param("category") int category, @Param("at") LocalDateTime at, @Param("by") String by);

    @Select("<script>SELECT id, at, actor, client_address, action, module_id, params, targets, outcome, detail FROM oms_audit<where>"
            + "<if test='beforeId != null'>id &lt; #{beforeId}</if>"
            + "<if test='afterId != null'> AND id &gt; #{afterId}</if>"
            + "<if test='actor != null'> AND actor = #{actor}</if>"
            + "<if test='action != null'> AND action = #{action}</if>"
            + "<if test='outcome != null and outcome == \"refused\"'> AND outcome &lt;&gt; 'accepted'</if>"
            + "<if test='outcome != null and outcome != \"refused\"'> AND outcome = #{outcome}</if>"
            + "<if test='since != null'> AND at &gt;= #{since}</if>"
            + "<if test='until != null'> AND at &lt; #{until}</if>"
            + "<if test='text != null'> AND (LOCATE(LOWER(#{text}), LOWER(params)) &gt; 0 OR LOCATE(LOWER(#{text}), LOWER(targets)) &gt; 0"
            + " OR LOCATE(LOWER(#{text}), LOWER(COALESCE(detail, ''))) &gt; 0)</if>"
            + "</where> ORDER BY id <if test='afterId != null'>ASC</if><if test='afterId == null'>DESC</if> LIMIT #{limit}</script>")
    List<AuditRow> audit(AuditQueryRow query);

    final class GrantRow
    {
        public long id;
        public int category;
    }

    final class AuditQueryRow
    {
        public Long beforeId;
        public Long afterId;
        public int limit;
        public String actor;
        public String action;
        public String outcome;
        public LocalDateTime since;
        public LocalDateTime until;
        public String text;
    }
}
