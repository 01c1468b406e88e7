package org.omserver.catalog.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.omserver.catalog.CatalogException;
import org.omserver.catalog.command.CommandAllowRepository;

/** {@code oms_command_allow} over plain JDBC (three statements; times as UTC text, as everywhere in oms_*). */
public final class JdbcCommandAllowRepository
        implements CommandAllowRepository
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final DataSource dataSource;

    public JdbcCommandAllowRepository(DataSource dataSource)
    {
        this.dataSource = dataSource;
    }

    @Override
    public List<Entry> list()
    {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT id, program, args, note, created_by, created_at FROM oms_command_allow ORDER BY id");
                ResultSet rows = statement.executeQuery()) {
            List<Entry> entries = new ArrayList<>();
            while (rows.next()) {
                entries.add(new Entry(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
                        LocalDateTime.parse(rows.getString(6).replace(' ', 'T')).toInstant(ZoneOffset.UTC)));
            }
            return entries;
        }
        catch (SQLException e) {
            throw new CatalogException("cannot read the command allow-list: " + e.getMessage(), e);
        }
    }

    @Override
    public int add(String program, String args, String note, String createdBy, Instant at)
    {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO oms_command_allow (program, args, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            statement.setString(1, program);
            statement.setString(2, args);
            statement.setString(3, note);
            statement.setString(4, createdBy);
            statement.setString(5, TIME.format(at.atOffset(ZoneOffset.UTC)));
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getInt(1);
            }
        }
        catch (SQLException e) {
            throw new CatalogException("cannot add to the command allow-list: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean remove(int id)
    {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("DELETE FROM oms_command_allow WHERE id = ?")) {
            statement.setInt(1, id);
            return statement.executeUpdate() == 1;
        }
        catch (SQLException e) {
            throw new CatalogException("cannot remove from the command allow-list: " + e.getMessage(), e);
        }
    }
}
