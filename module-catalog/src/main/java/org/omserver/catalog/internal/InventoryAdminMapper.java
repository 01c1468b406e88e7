package org.omserver.catalog.internal;

import java.time.LocalDateTime;
import java.util.List;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.omserver.catalog.internal.Rows.CategoryRow;
import org.omserver.catalog.internal.Rows.GroupRow;
import org.omserver.catalog.internal.Rows.MemberRow;
import org.omserver.catalog.internal.Rows.ServerRow;

/** The SQL of inventory management (V20): category changes, admin server changes, search, groups and the CSV import. */
interface InventoryAdminMapper
{
    String SERVERS = Mappers.InventoryMapper.SERVER_COLUMNS;
    String SEARCH_WHERE = "<where>"
            + "<if test='like != null'>(LOWER(server_name) LIKE #{like} OR server_lip LIKE #{like} OR server_wip LIKE #{like})</if>"
            + "<if test='tag != null'> AND CONCAT(',', tags, ',') LIKE #{tag}</if>"
            + "<if test='app != null'> AND server_app_id = #{app}</if>"
            + "<if test='group != null'> AND server_lip IN (SELECT m.server_lip FROM oms_server_group_member m JOIN oms_server_group g "
            + "ON g.ID = m.group_id WHERE g.group_name = #{group})</if>"
            + "</where>";

    @Select("SELECT ID AS id, 0 AS parentId, server_categ_name AS name FROM server_fun_categ ORDER BY ID")
    List<CategoryRow> functionCategories();

    @Select("SELECT ID AS id, server_categ_id AS parentId, app_categ_name AS name FROM server_app_categ ORDER BY ID")
    List<CategoryRow> appCategories();

    @Insert("INSERT INTO server_fun_categ (server_categ_name) VALUES (#{name})")
    @Options(useGeneratedKeys = true, keyProperty = "id")
    void insertFunctionCategory(CategoryRow row);

    @Insert("INSERT INTO server_app_categ (server_categ_id, app_categ_name) VALUES (#{parentId}, #{name})")
    @Options(useGeneratedKeys = true, keyProperty = "id")
    void insertAppCategory(CategoryRow row);

    @Update("UPDATE server_fun_categ SET server_categ_name = #{name} WHERE ID = #{id}")
    int renameFunctionCategory(@Param("id") int id, @Param("name") String name);

    @Update("UPDATE server_app_categ SET app_categ_name = #{name} WHERE ID = #{id}")
    int renameAppCategory(@Param("id") int id, @Param("name") String name);

    /** Locks the function category's row (and its children's range) until the transaction ends. */
    @Select("SELECT COUNT(*) FROM server_fun_categ WHERE ID = #{id} FOR UPDATE")
    int lockFunctionCategory(int id);

    @Select("SELECT app_categ_name FROM server_app_categ WHERE server_categ_id = #{id} ORDER BY ID FOR UPDATE")
    List<String> appCategoriesOf(int id);

    @Select("SELECT COUNT(*) FROM server_app_categ WHERE ID = #{id} FOR UPDATE")
    int lockAppCategory(int id);

    @Select("SELECT server_lip FROM server_list WHERE server_app_id = #{id} ORDER BY server_lip FOR UPDATE")
    List<String> serversIn(int id);

    @Delete("DELETE FROM oms_user_grant WHERE function_category_id = #{id}")
    int deleteGrantsOf(int id);

    @Delete("DELETE FROM server_fun_categ WHERE ID = #{id}")
    int deleteFunctionCategory(int id);

    @Delete("DELETE FROM server_app_categ WHERE ID = #{id}")
    int deleteAppCategory(int id);

    @Select(SERVERS + " WHERE server_lip = #{lip} FOR UPDATE")
    List<ServerRow> lockServer(String lip);

    @Insert("INSERT INTO server_list (server_lip, server_name, server_wip, server_op, server_app_id, backend, ssh_port, ssh_user, tags, admin_edited) "
            + "VALUES (#{serverLip}, #{serverName}, #{serverWip}, #{serverOp}, #{serverAppId}, #{backend}, #{sshPort}, #{sshUser}, #{tags}, TRUE)")
    void insertServer(ServerRow row);

    @Update("UPDATE server_list SET server_name = #{serverName}, server_wip = #{serverWip}, server_app_id = #{serverAppId}, backend = #{backend}, "
            + "ssh_port = #{sshPort}, ssh_user = #{sshUser}, tags = #{tags}, admin_edited = TRUE WHERE server_lip = #{serverLip}")
    int updateServer(ServerRow row);

    @Update("UPDATE server_list SET server_app_id = #{app}, admin_edited = TRUE WHERE server_lip = #{lip}")
    int moveServer(@Param("lip") String lip, @Param("app") int appCategoryId);

    @Delete("DELETE FROM server_list WHERE server_lip = #{lip}")
    int deleteServer(String lip);

    @Delete("DELETE FROM oms_server_group_member WHERE server_lip = #{lip}")
    int deleteMembershipsOf(String lip);

    /** A host an agent announced for the first time (a concurrent announce of the same host inserts nothing twice). */
    @Insert("INSERT IGNORE INTO server_list (server_lip, server_name, server_wip, server_op, server_app_id, backend, ssh_port, ssh_user, tags, admin_edited) "
            + "VALUES (#{serverLip}, #{serverName}, #{serverWip}, #{serverOp}, #{serverAppId}, 'agent', 22, NULL, NULL, FALSE)")
    int insertAgentHost(ServerRow row);

    /** An agent's facts on a known host: the OS always; name and WAN IP only while no admin has edited the row. */
    @Update("UPDATE server_list SET server_op = #{serverOp}, server_name = CASE WHEN admin_edited THEN server_name ELSE #{serverName} END, "
            + "server_wip = CASE WHEN admin_edited THEN server_wip ELSE #{serverWip} END WHERE server_lip = #{serverLip}")
    int updateAgentHost(ServerRow row);

    @Select("<script>" + SERVERS + " " + SEARCH_WHERE + " ORDER BY server_lip LIMIT #{limit} OFFSET #{offset}</script>")
    List<ServerRow> search(@Param("like") String like, @Param("tag") String tag, @Param("app") Integer app, @Param("group") String group,
            @Param("offset") int offset, @Param("limit") int limit);

    @Select("<script>SELECT COUNT(*) FROM server_list " + SEARCH_WHERE + "</script>")
    int count(@Param("like") String like, @Param("tag") String tag, @Param("app") Integer app, @Param("group") String group);

    @Select("SELECT ID AS id, group_name FROM oms_server_group ORDER BY group_name, ID")
    List<GroupRow> groups();

    @Select("SELECT group_id, server_lip FROM oms_server_group_member ORDER BY server_lip")
    List<MemberRow> members();

    @Select("SELECT ID AS id, group_name FROM oms_server_group WHERE group_name = #{name}")
    List<GroupRow> groupsNamed(String name);

    @Select("SELECT server_lip FROM oms_server_group_member WHERE group_id = #{id} ORDER BY server_lip")
    List<String> membersOf(int id);

    @Insert("INSERT INTO oms_server_group (group_name, created_at, created_by) VALUES (#{row.groupName}, #{at}, #{by})")
    @Options(useGeneratedKeys = true, keyProperty = "row.id")
    void insertGroup(@Param("row") GroupRow row, @Param("at") LocalDateTime at, @Param("by") String by);

    @Update("UPDATE oms_server_group SET group_name = #{name} WHERE ID = #{id}")
    int renameGroup(@Param("id") int id, @Param("name") String name);

    @Delete("DELETE FROM oms_server_group WHERE ID = #{id}")
    int deleteGroup(int id);

    @Insert("INSERT IGNORE INTO oms_server_group_member (group_id, server_lip) VALUES (#{id}, #{lip})")
    int addMember(@Param("id") int id, @Param("lip") String lip);

    @Delete("DELETE FROM oms_server_group_member WHERE group_id = #{id} AND server_lip = #{lip}")
    int removeMember(@Param("id") int id, @Param("lip") String lip);
}
