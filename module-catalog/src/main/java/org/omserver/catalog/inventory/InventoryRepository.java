package org.omserver.catalog.inventory;

import java.util.Collection;
import java.util.List;

/** Reads and seeds the inventory tables. Full management (CSV, tags, groups) comes with the catalog issue. */
public interface InventoryRepository
{
    List<FunctionCategory> functionCategories();

    List<AppCategory> appCategories();

    List<Server> servers();

    /** The servers whose LAN IP is exactly one of {@code lanIps} (no prefix or substring matching). */
    List<Server> findByLanIps(Collection<String> lanIps);

    /** Returns the new id. */
    int addFunctionCategory(String name);

    /** Returns the new id. */
    int addAppCategory(int functionCategoryId, String name);

    /** Inserts or replaces the row with this LAN IP. */
    void putServer(Server server);
}
