package org.omserver.catalog.internal;

import java.time.Clock;
import java.time.LocalDateTime;

import javax.sql.DataSource;

import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.apache.ibatis.type.JdbcType;
import org.omserver.catalog.agent.AgentRepository;
import org.omserver.catalog.audit.AuditRepository;
import org.omserver.catalog.file.FileRepository;
import org.omserver.catalog.inventory.InventoryRepository;
import org.omserver.catalog.job.JobRepository;
import org.omserver.catalog.module.ModuleRepository;
import org.omserver.catalog.schedule.ScheduleRepository;
import org.omserver.catalog.user.UserRepository;

import static java.util.Objects.requireNonNull;

/** The MyBatis set-up and the repositories over it. */
public record Repositories(ModuleRepository modules, InventoryRepository inventory, UserRepository users,
        JobRepository jobs, AuditRepository audit, ScheduleRepository schedules, AgentRepository agents,
        FileRepository files)
{
    public static Repositories create(DataSource dataSource, Clock clock)
    {
        requireNonNull(dataSource, "dataSource is null");
        requireNonNull(clock, "clock is null");
        Configuration configuration = new Configuration(new Environment("omserver", new JdbcTransactionFactory(), dataSource));
        configuration.setMapUnderscoreToCamelCase(true);
        configuration.setJdbcTypeForNull(JdbcType.NULL);
        configuration.getTypeHandlerRegistry().register(LocalDateTime.class, new UtcDateTimeHandler());
        configuration.addMapper(Mappers.ModuleMapper.class);
        configuration.addMapper(Mappers.InventoryMapper.class);
        configuration.addMapper(Mappers.UserMapper.class);
        configuration.addMapper(Mappers.JobMapper.class);
        configuration.addMapper(Mappers.AuditMapper.class);
        configuration.addMapper(Mappers.ScheduleMapper.class);
        configuration.addMapper(AgentMapper.class);
        configuration.addMapper(FileMapper.class);
        configuration.addMapper(UserAdminMapper.class);
        configuration.addMapper(InventoryAdminMapper.class);
        Db db = new Db(new SqlSessionFactoryBuilder().build(configuration));
        return new Repositories(new DbModuleRepository(db, clock), new DbInventoryRepository(db, clock), new DbUserRepository(db, clock),
                new DbJobRepository(db, clock), new DbAuditRepository(db), new DbScheduleRepository(db), new DbAgentRepository(db),
                new DbFileRepository(db));
    }
}
