package org.omserver.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.inventory.InventoryRepository;

/** OMServer's sample categories, for the demo; no servers (the demo adds its own hosts). Calling it twice adds nothing. */
public final class SampleInventory
{
    private static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put("Linux.Web", List.of("www.domain.com", "bbs.domain.com", "blog.domain.com"));
        CATEGORIES.put("Linux.Mysql", List.of("db.domain.com", "bbsdb.domain.com"));
        CATEGORIES.put("Linux.Cache", List.of("cache.domain.com"));
        CATEGORIES.put("Windows.Web", List.of("shop.domain.com"));
    }

    private SampleInventory() {}

    public static void seed(InventoryRepository inventory)
    {
        for (Map.Entry<String, List<String>> entry : CATEGORIES.entrySet()) {
            int functionId = inventory.functionCategories().stream()
                    .filter(category -> category.name().equals(entry.getKey()))
                    .mapToInt(FunctionCategory::id)
                    .findFirst()
                    .orElseGet(() -> inventory.addFunctionCategory(entry.getKey()));
            List<AppCategory> existing = inventory.appCategories();
            for (String app : entry.getValue()) {
                if (existing.stream().noneMatch(category -> category.functionCategoryId() == functionId && category.name().equals(app))) {
                    inventory.addAppCategory(functionId, app);
                }
            }
        }
    }
}
