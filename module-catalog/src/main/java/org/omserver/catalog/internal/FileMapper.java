package org.omserver.catalog.internal;

import java.time.LocalDateTime;
import java.util.List;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** The SQL of the file store (V9__file_store.sql), in its own file so the feature stays in its own files. */
interface FileMapper
{
    String COLUMNS = "SELECT name, size_bytes, md5, sha256, uploaded_by, uploaded_at, hashed_at FROM oms_file";

    @Insert("INSERT INTO oms_file (name, size_bytes, md5, sha256, uploaded_by, uploaded_at, hashed_at) "
            + "VALUES (#{name}, #{sizeBytes}, #{md5}, #{sha256}, #{uploadedBy}, #{uploadedAt}, #{hashedAt})")
    void insert(FileRow row);

    @Update("UPDATE oms_file SET size_bytes = #{sizeBytes}, md5 = #{md5}, sha256 = #{sha256}, uploaded_by = #{uploadedBy}, "
            + "uploaded_at = #{uploadedAt}, hashed_at = #{hashedAt} WHERE name = #{name}")
    int update(FileRow row);

    @Select(COLUMNS + " WHERE name = #{name}")
    FileRow find(String name);

    @Select(COLUMNS + " ORDER BY name")
    List<FileRow> list();

    @Delete("DELETE FROM oms_file WHERE name = #{name}")
    int delete(String name);

    final class FileRow
    {
        public String name;
        public long sizeBytes;
        public String md5;
        public String sha256;
        public String uploadedBy;
        public LocalDateTime uploadedAt;
        public LocalDateTime hashedAt;
    }
}
