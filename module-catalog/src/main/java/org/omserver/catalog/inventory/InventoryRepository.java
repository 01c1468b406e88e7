package org.omserver.catalog.inventory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The inventory: function and application categories, servers, named server groups. Changes check the rules of
 * {@link InventoryRules} again and refuse with an {@link InventoryException} (nothing changed) whose message says what
 * to do.
 */
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

    /** Inserts or replaces the row with this LAN IP (seeding; admin changes use {@link #createServer}/{@link #updateServer}). */
    void putServer(Server server);

    // ---- management (issue 4) ------------------------------------------------------------------

    /** Renames; another function category of that name (any case) refuses it. */
    void renameFunctionCategory(int id, String name);

    /** Renames; another application category of that name (any case) under the same function category refuses it. */
    void renameAppCategory(int id, String name);

    /**
     * Deletes an empty function category and its operators' grants (returns how many grants went); one that still
     * holds application categories is refused.
     */
    int deleteFunctionCategory(int id);

    /** Deletes an empty application category; one that still holds servers is refused. */
    void deleteAppCategory(int id);

    /** Adds a server an admin entered; an existing LAN IP is refused. */
    void createServer(Server server);

    /** Replaces an existing server's admin fields (name, WAN IP, SSH port and user, backend, tags, category); the OS stays. */
    void updateServer(Server server);

    /** Moves a server to another application category. */
    void moveServer(String lanIp, int appCategoryId);

    /** Removes a server and its group memberships. */
    void deleteServer(String lanIp);

    /**
     * An agent announced the host at {@code lanIp}: a new row goes to the category {@code unassigned} gives, with
     * backend agent; an existing row gets the OS, and name and WAN IP only until an admin has edited the row.
     */
    void agentHost(String lanIp, String name, Optional<String> wanIp, String os, IntSupplier unassigned);

    ServerPage search(ServerQuery query);

    List<ServerGroup> groups();

    /** The group of exactly this name. */
    Optional<ServerGroup> group(String name);

    /** Returns the new id; a taken name (any case) is refused. */
    int createGroup(String name, String actor);

    void renameGroup(String name, String newName);

    /** Deletes the group and its memberships (never the servers). */
    void deleteGroup(String name);

    /** Adds (or with {@code remove} takes out) these servers; each must be in the inventory. Returns the group as it is now. */
    ServerGroup changeMembers(String name, Collection<String> lanIps, boolean remove);

    /**
     * The import of whole rows in one transaction: missing categories and groups are created, each row's server is
     * created or replaced (admin edited), its group memberships set to exactly the row's groups. Throws and changes
     * nothing when any statement fails.
     */
    ImportCounts importRows(List<ImportRow> rows, String actor);

    /** A validated import row: the server (app category id ignored), its categories by name and its groups. */
    record ImportRow(Server server, String functionCategory, String appCategory, List<String> groups)
    {
        public ImportRow
        {
            groups = List.copyOf(groups);
        }
    }

    record ImportCounts(int created, int updated, int categoriesCreated, int groupsCreated) {}
}
