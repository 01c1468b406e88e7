package org.omserver.launcher.demo;

import java.util.Optional;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.SampleInventory;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.InventoryRepository;
import org.omserver.catalog.inventory.Server;
import org.omserver.catalog.user.Role;

/** Seeds the demo's inventory (OMServer's sample categories plus the demo hosts) and its admin account. */
public final class DemoData
{
    private static final String DEMO_APP_CATEGORY = "www.domain.com";

    private DemoData() {}

    public static void seed(Catalog catalog, DemoHosts hosts, char[] adminPassword)
    {
        InventoryRepository inventory = catalog.inventory();
        SampleInventory.seed(inventory);
        int appCategory = inventory.appCategories().stream()
                .filter(category -> category.name().equals(DEMO_APP_CATEGORY))
                .map(AppCategory::id)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the sample inventory has no application category " + DEMO_APP_CATEGORY));
        for (int i = 0; i < hosts.addresses().size(); i++) {
            inventory.putServer(new Server(hosts.addresses().get(i), "demo-web-%02d".formatted(i + 1), Optional.empty(), Optional.of("Linux"),
                    appCategory, Optional.of("ssh"), hosts.port(), Optional.empty()));
        }
        catalog.users().create("admin", adminPassword, Role.ADMIN);
    }
}
