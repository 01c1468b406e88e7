package org.omserver.catalog.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.omserver.catalog.internal.Mappers.InventoryMapper;
import org.omserver.catalog.internal.Rows.CategoryRow;
import org.omserver.catalog.internal.Rows.ServerRow;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.inventory.InventoryRepository;
import org.omserver.catalog.inventory.Server;

import static java.util.Objects.requireNonNull;

public final class DbInventoryRepository
        implements InventoryRepository
{
    /** Keeps each IN (...) list well under any driver's parameter limit. */
    private static final int BATCH = 500;

    private final Db db;

    DbInventoryRepository(Db db)
    {
        this.db = db;
    }

    @Override
    public List<FunctionCategory> functionCategories()
    {
        return db.call(InventoryMapper.class, InventoryMapper::functionCategories).stream()
                .map(row -> new FunctionCategory(row.id, nullToEmpty(row.name)))
                .toList();
    }

    @Override
    public List<AppCategory> appCategories()
    {
        return db.call(InventoryMapper.class, InventoryMapper::appCategories).stream()
                .map(row -> new AppCategory(row.id, row.parentId, nullToEmpty(row.name)))
                .toList();
    }

    @Override
    public List<Server> servers()
    {
        return db.call(InventoryMapper.class, InventoryMapper::servers).stream().map(DbInventoryRepository::toServer).toList();
    }

    @Override
    public List<Server> findByLanIps(Collection<String> lanIps)
    {
        Set<String> wanted = Set.copyOf(requireNonNull(lanIps, "lanIps is null"));
        List<String> all = List.copyOf(wanted);
        List<Server> found = new ArrayList<>();
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            db.call(InventoryMapper.class, mapper -> mapper.findByLanIps(batch)).stream()
                    // MySQL's default collation ignores case and trailing spaces; the match must be exact
                    .filter(row -> wanted.contains(row.serverLip))
                    .map(DbInventoryRepository::toServer)
                    .forEach(found::add);
        }
        return found;
    }

    @Override
    public int addFunctionCategory(String name)
    {
        CategoryRow row = new CategoryRow();
        row.name = checkName(name, 64, "function category name");
        db.call(InventoryMapper.class, mapper -> {
            mapper.insertFunctionCategory(row);
            return null;
        });
        return row.id;
    }

    @Override
    public int addAppCategory(int functionCategoryId, String name)
    {
        if (functionCategories().stream().noneMatch(category -> category.id() == functionCategoryId)) {
            throw new IllegalArgumentException("there is no function category with id " + functionCategoryId + "; add it first");
        }
        CategoryRow row = new CategoryRow();
        row.parentId = functionCategoryId;
        row.name = checkName(name, 128, "application category name");
        db.call(InventoryMapper.class, mapper -> {
            mapper.insertAppCategory(row);
            return null;
        });
        return row.id;
    }

    @Override
    public void putServer(Server server)
    {
        requireNonNull(server, "server is null");
        ServerRow row = new ServerRow();
        row.serverLip = checkName(server.lanIp(), 45, "LAN IP");
        row.serverName = checkName(server.name(), 64, "server name");
        row.serverWip = server.wanIp().orElse(null);
        row.serverOp = server.os().orElse(null);
        row.serverAppId = server.appCategoryId();
        row.backend = server.backend().orElse(null);
        row.sshPort = server.sshPort();
        row.sshUser = server.sshUser().orElse(null);
        if (row.sshPort < 1 || row.sshPort > 65535) {
            throw new IllegalArgumentException("SSH port of " + row.serverLip + " must be 1 to 65535, was " + row.sshPort);
        }
        db.call(InventoryMapper.class, mapper -> {
            mapper.putServer(row);
            return null;
        });
    }

    private static Server toServer(ServerRow row)
    {
        return new Server(row.serverLip, nullToEmpty(row.serverName), Optional.ofNullable(row.serverWip),
                Optional.ofNullable(row.serverOp), row.serverAppId == null ? 0 : row.serverAppId,
                Optional.ofNullable(row.backend), row.sshPort, Optional.ofNullable(row.sshUser));
    }

    private static String checkName(String value, int maxLength, String what)
    {
        requireNonNull(value, what + " is null");
        if (value.isBlank() || value.length() > maxLength || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must be 1 to " + maxLength + " characters without control characters, was '"
                    + Db.cap(value, 80).replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return value;
    }

    private static String nullToEmpty(String value)
    {
        return value == null ? "" : value;
    }
}
