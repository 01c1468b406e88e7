package org.omserver.catalog.internal;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * Writes DATETIME(3) values as text. Connector/J sees MariaDB as "MySQL 5.5", which had no fractional seconds,
 * and silently drops the milliseconds of a bound LocalDateTime; a literal keeps them on MariaDB, MySQL and H2.
 */
final class UtcDateTimeHandler
        extends BaseTypeHandler<LocalDateTime>
{
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @Override
    public void setNonNullParameter(PreparedStatement statement, int index, LocalDateTime value, JdbcType jdbcType)
            throws SQLException
    {
        statement.setString(index, FORMAT.format(value));
    }

    @Override
    public LocalDateTime getNullableResult(ResultSet resultSet, String column)
            throws SQLException
    {
        return resultSet.getObject(column, LocalDateTime.class);
    }

    @Override
    public LocalDateTime getNullableResult(ResultSet resultSet, int index)
            throws SQLException
    {
        return resultSet.getObject(index, LocalDateTime.class);
    }

    @Override
    public LocalDateTime getNullableResult(CallableStatement statement, int index)
            throws SQLException
    {
        return statement.getObject(index, LocalDateTime.class);
    }
}
