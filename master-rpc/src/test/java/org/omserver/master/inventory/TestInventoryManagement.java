package org.omserver.master.inventory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.inventory.Server;
import org.omserver.master.agents.EnrollmentTokens;
import org.omserver.master.agents.TestingAgent;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.CategoryAction;
import org.omserver.protocol.thrift.CategoryChangeReply;
import org.omserver.protocol.thrift.CategoryChangeRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.EventKind;
import org.omserver.protocol.thrift.GroupAction;
import org.omserver.protocol.thrift.GroupChangeReply;
import org.omserver.protocol.thrift.GroupChangeRequest;
import org.omserver.protocol.thrift.GroupsReply;
import org.omserver.protocol.thrift.GroupsRequest;
import org.omserver.protocol.thrift.HostEvent;
import org.omserver.protocol.thrift.HostStatus;
import org.omserver.protocol.thrift.InventoryExportReply;
import org.omserver.protocol.thrift.InventoryExportRequest;
import org.omserver.protocol.thrift.InventoryImportReply;
import org.omserver.protocol.thrift.InventoryImportRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.ServerAction;
import org.omserver.protocol.thrift.ServerChangeReply;
import org.omserver.protocol.thrift.ServerChangeRequest;
import org.omserver.protocol.thrift.ServerFields;
import org.omserver.protocol.thrift.ServerInfo;
import org.omserver.protocol.thrift.ServerSearchReply;
import org.omserver.protocol.thrift.ServerSearchRequest;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Inventory management over RPC against a real master (MariaDB) and real agent processes on 127.0.40.x: categories,
 * servers with every field checked, search, groups, admin edits surviving an agent's re-announce, and IOMS
 * servertype resolved in the master to the online agent hosts only. Every change and refusal is audited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestInventoryManagement
{
    private TestingMaster master;
    private TestingMasterClient client;
    private String admin;
    private String author;
    private Path dir;
    private final List<TestingAgent> started = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir)
            throws Exception
    {
        this.dir = dir;
        master = new TestingMaster(Map.of());
        client = master.client();
        admin = client.login("admin", "pw-admin").getSession();
        author = client.login("author", "pw-author").getSession();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        for (TestingAgent agent : started) {
            agent.close();
        }
        client.close();
        master.close();
    }

    @Test
    void categoriesAreCreatedRenamedAndDeletedOnlyWhenEmpty()
            throws Exception
    {
        int function = category(new CategoryChangeRequest(admin, CategoryAction.CREATE_FUNCTION).setName("Linux.Cache")).getId();
        int app = category(new CategoryChangeRequest(admin, CategoryAction.CREATE_APP).setFunctionCategoryId(function).setName("cache.example")).getId();
        assertThat(category(new CategoryChangeRequest(admin, CategoryAction.RENAME_APP).setId(app).setName("redis.example")).getName()).isEqualTo("redis.example");
        assertThat(master.catalog().inventory().appCategories()).anySatisfy(c -> {
            assertThat(c.id()).isEqualTo(app);
            assertThat(c.name()).isEqualTo("redis.example");
        });

        refused(() -> category(new CategoryChangeRequest(admin, CategoryAction.CREATE_FUNCTION).setName("linux.cache")), ErrorCode.INVALID_REQUEST,
                "there is already a function category named 'Linux.Cache'");
        refused(() -> category(new CategoryChangeRequest(admin, CategoryAction.CREATE_FUNCTION).setName("bad\u0000name")), ErrorCode.INVALID_REQUEST,
                "holds control characters");
        refused(() -> category(new CategoryChangeRequest(admin, CategoryAction.CREATE_APP).setFunctionCategoryId(function).setName("x".repeat(129))),
                ErrorCode.INVALID_REQUEST, "more than the 128 allowed");
        // author may not change the inventory (decided: admin only)
        refused(() -> category(new CategoryChangeRequest(author, CategoryAction.CREATE_FUNCTION).setName("Linux.Author")), ErrorCode.FORBIDDEN,
                "may not change the inventory");

        create("127.0.40.50", fields("cache01", app));
        refused(() -> category(new CategoryChangeRequest(admin, CategoryAction.DELETE_APP).setId(app)), ErrorCode.INVALID_REQUEST,
                "still holds 1 servers (127.0.40.50); move them to another category");
        refused(() -> category(new CategoryChangeRequest(admin, CategoryAction.DELETE_FUNCTION).setId(function)), ErrorCode.INVALID_REQUEST,
                "still holds 1 application categories (redis.example); delete or empty them first");
        assertThat(master.catalog().inventory().functionCategories()).anyMatch(c -> c.id() == function);

        int web = master.catalog().inventory().appCategories().getFirst().id();
        server(new ServerChangeRequest(admin, ServerAction.MOVE, "127.0.40.50").setAppCategoryId(web));
        category(new CategoryChangeRequest(admin, CategoryAction.DELETE_APP).setId(app));
        category(new CategoryChangeRequest(admin, CategoryAction.DELETE_FUNCTION).setId(function));
        assertThat(master.catalog().inventory().functionCategories()).noneMatch(c -> c.id() == function);
        server(new ServerChangeRequest(admin, ServerAction.DELETE, "127.0.40.50"));

        List<AuditEntry> audit = master.catalog().audit().latest(100);
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("categoryChange");
            assertThat(entry.outcome()).isEqualTo("INVALID_REQUEST");
            assertThat(entry.detail().orElseThrow()).contains("still holds 1 servers");
        });
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("categoryChange");
            assertThat(entry.outcome()).isEqualTo("accepted");
            assertThat(entry.detail().orElseThrow()).isEqualTo("deleted function category " + function + " 'Linux.Cache'");
        });
    }

    @Test
    void everyServerFieldIsCheckedAndARefusalChangesNothingAndIsAudited()
            throws Exception
    {
        int web = master.catalog().inventory().appCategories().getFirst().id();
        ServerFields bad = new ServerFields("db\u0000one", "agent", web).setWanIp("host.example").setSshPort(70000).setSshUser("-rf")
                .setBackend("telnet").setTags(List.of("ok", "Bad Tag!"));
        refused(() -> create("10.0.0.256", bad), ErrorCode.INVALID_REQUEST, "lanIp: is not an IP address: '10.0.0.256'");
        OmsError all = catchRefusal(() -> create("10.0.0.256", bad));
        assertThat(all.getMessage()).contains("name: holds control characters", "wanIp: is not an IP address: 'host.example'",
                "sshPort: must be 1 to 65535, was 70000", "sshUser: must be 1 to 32 letters", "backend: must be agent, ssh or any, was 'telnet'",
                "tags: a tag is 1 to 32 letters");
        refused(() -> create("127.0.40.60", fields("x".repeat(65), web)), ErrorCode.INVALID_REQUEST, "name: is 65 characters long, more than the 64 allowed");
        refused(() -> create("127.0.40.60", fields("ok", 987_654)), ErrorCode.NOT_FOUND, "no application category with id 987654");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            many.add("t" + i);
        }
        refused(() -> create("127.0.40.60", fields("ok", web).setTags(many)), ErrorCode.INVALID_REQUEST, "17 tags, more than the 16 allowed");
        refused(() -> create("127.0.0.2", fields("dupe", web)), ErrorCode.INVALID_REQUEST, "already in the inventory; edit it instead");
        assertThat(master.catalog().inventory().findByLanIps(List.of("10.0.0.256", "127.0.40.60"))).isEmpty();
        assertThat(master.catalog().inventory().findByLanIps(List.of("127.0.0.2")).getFirst().name()).isEqualTo("web01");
        assertThat(master.catalog().audit().latest(20)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("serverChange");
            assertThat(entry.outcome()).isEqualTo("INVALID_REQUEST");
            assertThat(entry.targets()).isEqualTo("10.0.0.256");
            assertThat(entry.detail().orElseThrow()).contains("sshPort: must be 1 to 65535");
        });

        ServerInfo created = create("fd00::40:61", fields("db61", web).setWanIp("198.51.100.61").setSshPort(2222).setSshUser("deploy")
                .setBackend("ssh").setTags(List.of("DB", "eu-west", "db"))).getServer();
        assertThat(created.getTags()).containsExactly("db", "eu-west");
        assertThat(created.getSshPort()).isEqualTo(2222);
        assertThat(created.getSshUser()).isEqualTo("deploy");
        assertThat(created.getPreferredBackend()).isEqualTo("ssh");
        assertThat(created.getWanIp()).isEqualTo("198.51.100.61");

        ServerInfo updated = server(new ServerChangeRequest(admin, ServerAction.UPDATE, "fd00::40:61").setFields(fields("db61-new", web).setTags(List.of("db"))))
                .getServer();
        assertThat(updated.getName()).isEqualTo("db61-new");
        assertThat(updated.getPreferredBackend()).isEqualTo("any");
        assertThat(updated.isSetWanIp()).isFalse();
        assertThat(master.catalog().audit().latest(1).getFirst().detail().orElseThrow()).contains("name 'db61' -> 'db61-new'", "sshPort '2222' -> '22'");
        refused(() -> server(new ServerChangeRequest(admin, ServerAction.UPDATE, "192.0.2.1").setFields(fields("nobody", web))), ErrorCode.NOT_FOUND,
                "no server with LAN IP '192.0.2.1'");
        server(new ServerChangeRequest(admin, ServerAction.DELETE, "fd00::40:61"));
        assertThat(master.catalog().inventory().findByLanIps(List.of("fd00::40:61"))).isEmpty();
    }

    @Test
    void searchFindsByNameIpAndTagAndPages()
            throws Exception
    {
        int web = master.catalog().inventory().appCategories().getFirst().id();
        for (int i = 1; i <= 3; i++) {
            create("127.0.40.7" + i, fields("search-node" + i, web).setTags(i == 2 ? List.of("blue", "under_score") : List.of("green")));
        }
        ServerSearchReply byName = search(new ServerSearchRequest(admin).setText("SEARCH-node"));
        assertThat(byName.getTotal()).isEqualTo(3);
        assertThat(byName.getServers()).extracting(ServerInfo::getLanIp).containsExactly("127.0.40.71", "127.0.40.72", "127.0.40.73");
        assertThat(search(new ServerSearchRequest(admin).setText("0.40.73")).getServers()).extracting(ServerInfo::getName).containsExactly("search-node3");
        assertThat(search(new ServerSearchRequest(admin).setTag("blue")).getServers()).extracting(ServerInfo::getLanIp).containsExactly("127.0.40.72");
        // LIKE wildcards in the text or tag match only themselves
        assertThat(search(new ServerSearchRequest(admin).setTag("under_score")).getTotal()).isEqualTo(1);
        assertThat(search(new ServerSearchRequest(admin).setTag("under.score")).getTotal()).isZero();
        assertThat(search(new ServerSearchRequest(admin).setText("search%node")).getTotal()).isZero();
        ServerSearchReply page = search(new ServerSearchRequest(admin).setText("search-node").setOffset(1).setLimit(1));
        assertThat(page.getTotal()).isEqualTo(3);
        assertThat(page.getServers()).extracting(ServerInfo::getLanIp).containsExactly("127.0.40.72");
        refused(() -> search(new ServerSearchRequest(admin).setLimit(501)), ErrorCode.INVALID_REQUEST, "limit 1 to 500");
        refused(() -> search(new ServerSearchRequest(admin).setTag("no tag")), ErrorCode.INVALID_REQUEST, "invalid tag");

        group(new GroupChangeRequest(admin, GroupAction.CREATE, "search-group"));
        group(new GroupChangeRequest(admin, GroupAction.ADD_MEMBERS, "search-group").setLanIps(List.of("127.0.40.71", "127.0.40.73")));
        ServerSearchReply inGroup = search(new ServerSearchRequest(admin).setGroup("search-group"));
        assertThat(inGroup.getServers()).extracting(ServerInfo::getLanIp).containsExactly("127.0.40.71", "127.0.40.73");
        assertThat(inGroup.getServers().getFirst().getGroups()).containsExactly("search-group");
    }

    @Test
    void groupsAreNamedManagedAndCheckTheirMembers()
            throws Exception
    {
        int web = master.catalog().inventory().appCategories().getFirst().id();
        create("127.0.40.81", fields("g1", web));
        group(new GroupChangeRequest(admin, GroupAction.CREATE, "Web-Front"));
        refused(() -> group(new GroupChangeRequest(admin, GroupAction.CREATE, "web-front")), ErrorCode.INVALID_REQUEST, "there is already a group named 'Web-Front'");
        refused(() -> group(new GroupChangeRequest(admin, GroupAction.CREATE, "web,front")), ErrorCode.INVALID_REQUEST, "a group name is 1 to 64 letters");
        refused(() -> group(new GroupChangeRequest(admin, GroupAction.ADD_MEMBERS, "Web-Front").setLanIps(List.of("127.0.40.81", "192.0.2.99"))),
                ErrorCode.NOT_FOUND, "not in the inventory: '192.0.2.99'; add the servers first, nothing was changed");
        assertThat(master.catalog().inventory().group("Web-Front").orElseThrow().members()).isEmpty();
        assertThat(group(new GroupChangeRequest(admin, GroupAction.ADD_MEMBERS, "Web-Front").setLanIps(List.of("127.0.40.81", "127.0.0.2")))
                .getGroup().getMembers()).containsExactly("127.0.0.2", "127.0.40.81");
        group(new GroupChangeRequest(admin, GroupAction.RENAME, "Web-Front").setNewName("web-edge"));
        assertThat(client.call("groups", new GroupsRequest(client.login("viewer", "pw-viewer").getSession()), new GroupsReply()).getGroups())
                .anySatisfy(g -> {
                    assertThat(g.getName()).isEqualTo("web-edge");
                    assertThat(g.getMembers()).containsExactly("127.0.0.2", "127.0.40.81");
                });
        assertThat(group(new GroupChangeRequest(admin, GroupAction.REMOVE_MEMBERS, "web-edge").setLanIps(List.of("127.0.0.2"))).getGroup().getMembers())
                .containsExactly("127.0.40.81");
        // removing a server removes its memberships
        server(new ServerChangeRequest(admin, ServerAction.DELETE, "127.0.40.81"));
        assertThat(master.catalog().inventory().group("web-edge").orElseThrow().members()).isEmpty();
        group(new GroupChangeRequest(admin, GroupAction.DELETE, "web-edge"));
        assertThat(master.catalog().inventory().group("web-edge")).isEmpty();
        refused(() -> group(new GroupChangeRequest(admin, GroupAction.DELETE, "web-edge")), ErrorCode.NOT_FOUND, "there is no group named 'web-edge'");
    }

    @Test
    void anAgentHostLandsInUnassignedAndAnAdminsEditsSurviveItsReannounce()
            throws Exception
    {
        TestingAgent first = agent("127.0.40.1");
        waitFor(() -> master.catalog().agents().findActiveAt("127.0.40.1").isPresent(), "the enrollment");
        Server landed = master.catalog().inventory().findByLanIps(List.of("127.0.40.1")).getFirst();
        int unassigned = master.catalog().inventory().appCategories().stream().filter(c -> c.name().equals("unassigned")).findFirst().orElseThrow().id();
        assertThat(landed.appCategoryId()).isEqualTo(unassigned);
        assertThat(landed.backend()).contains("agent");
        int port = master.catalog().agents().findActiveAt("127.0.40.1").orElseThrow().port();

        int web = master.catalog().inventory().appCategories().getFirst().id();
        server(new ServerChangeRequest(admin, ServerAction.UPDATE, "127.0.40.1").setFields(new ServerFields("placed-by-admin", "agent", web)
                .setTags(List.of("placed")).setWanIp("203.0.113.40").setSshUser("ops")));
        group(new GroupChangeRequest(admin, GroupAction.CREATE, "reannounce"));
        group(new GroupChangeRequest(admin, GroupAction.ADD_MEMBERS, "reannounce").setLanIps(List.of("127.0.40.1")));
        first.close();
        // the same state directory and port: the kept identity announces its facts again
        long announcesBefore = announces("127.0.40.1");
        TestingAgent again = TestingAgent.start("127.0.40.1", master.server().agentPort().orElseThrow(), dir.resolve("127.0.40.1"), "used-up",
                Map.of("agent.port", Integer.toString(port)));
        started.add(again);
        waitFor(() -> announces("127.0.40.1") > announcesBefore, "the re-announce");

        Server after = master.catalog().inventory().findByLanIps(List.of("127.0.40.1")).getFirst();
        assertThat(after.name()).isEqualTo("placed-by-admin");
        assertThat(after.appCategoryId()).isEqualTo(web);
        assertThat(after.tags()).containsExactly("placed");
        assertThat(after.wanIp()).contains("203.0.113.40");
        assertThat(after.sshUser()).contains("ops");
        assertThat(after.backend()).contains("agent");
        // the agent's facts still land: the OS is the agent's
        assertThat(after.os()).isPresent();
        assertThat(master.catalog().inventory().group("reannounce").orElseThrow().members()).containsExactly("127.0.40.1");
    }

    @Test
    void servertypeIsResolvedInTheMasterToTheOnlineAgentHostsWhileServeripRunsTheListedHostsWhateverTheirState()
            throws Exception
    {
        agent("127.0.40.2");
        TestingAgent stopped = agent("127.0.40.3");
        waitFor(() -> master.catalog().agents().findActiveAt("127.0.40.2").flatMap(a -> a.lastHeartbeat()).isPresent()
                && master.catalog().agents().findActiveAt("127.0.40.3").flatMap(a -> a.lastHeartbeat()).isPresent(), "both agents' heartbeats");
        group(new GroupChangeRequest(admin, GroupAction.CREATE, "iomsweb"));
        group(new GroupChangeRequest(admin, GroupAction.ADD_MEMBERS, "iomsweb").setLanIps(List.of("127.0.40.2", "127.0.40.3", "127.0.0.2")));
        stopped.close();
        // its last heartbeat an hour back: outside the online window (3 minutes) without waiting for it
        master.execute("UPDATE oms_agent SET last_heartbeat = UTC_TIMESTAMP(3) - INTERVAL 1 HOUR WHERE address = '127.0.40.3'");

        SubmitReply reply = client.call("submit", new SubmitRequest(admin, 2002, List.of(), Map.of()).setServerType("iomsweb"), new SubmitReply());
        assertThat(reply.getHosts()).extracting(h -> h.getLanIp()).containsExactly("127.0.40.2");
        List<HostEvent> events = client.allEvents(admin, reply.getJobId(), 500);
        assertThat(events).filteredOn(e -> e.getKind() == EventKind.FINISHED).singleElement().satisfies(e -> {
            assertThat(e.getLanIp()).isEqualTo("127.0.40.2");
            assertThat(e.getStatus()).isEqualTo(HostStatus.SUCCESS);
        });
        assertThat(master.catalog().audit().latest(50)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("submit");
            assertThat(entry.outcome()).isEqualTo("accepted");
            assertThat(entry.targets()).isEqualTo("127.0.40.2");
            assertThat(entry.detail().orElseThrow()).isEqualTo("job " + reply.getJobId()
                    + "; servertype iomsweb (group): 1 online of 3; skipped 127.0.0.2 (no agent), 127.0.40.3 (offline)");
        });

        // serverip=: the listed hosts run whatever their state (the stopped one fails as unreachable)
        SubmitReply listed = client.submit(admin, 2002, List.of("127.0.40.2", "127.0.40.3"), Map.of());
        assertThat(listed.getHosts()).extracting(h -> h.getLanIp()).containsExactly("127.0.40.2", "127.0.40.3");
        List<HostEvent> listedEvents = client.allEvents(admin, listed.getJobId(), 500);
        assertThat(listedEvents).filteredOn(e -> e.getKind() == EventKind.FINISHED).extracting(HostEvent::getLanIp)
                .containsExactlyInAnyOrder("127.0.40.2", "127.0.40.3");

        refused(() -> client.call("submit", new SubmitRequest(admin, 2002, List.of("127.0.40.2"), Map.of()).setServerType("iomsweb"), new SubmitReply()),
                ErrorCode.INVALID_REQUEST, "either as hosts or as a server type, not both");
        refused(() -> client.call("submit", new SubmitRequest(admin, 2002, List.of(), Map.of()).setServerType("no-such-type"), new SubmitReply()),
                ErrorCode.NOT_FOUND, "servertype 'no-such-type' is neither a server group nor an application category");
        group(new GroupChangeRequest(admin, GroupAction.CREATE, "all-down"));
        group(new GroupChangeRequest(admin, GroupAction.ADD_MEMBERS, "all-down").setLanIps(List.of("127.0.40.3", "127.0.0.2")));
        refused(() -> client.call("submit", new SubmitRequest(admin, 2002, List.of(), Map.of()).setServerType("all-down"), new SubmitReply()),
                ErrorCode.INVALID_REQUEST, "no host of servertype all-down (group) has its agent online: 127.0.0.2 (no agent), 127.0.40.3 (offline)");
    }

    @Test
    void aCsvImportIsAllOrNothingWithAPerRowReportAndAViewerMayExport()
            throws Exception
    {
        String bad = "lan_ip,name,function_category,app_category,tags,groups\n"
                + "127.0.40.91,csv1,Csv.Fn,csv.app,a b,csvgroup\n"
                + "127.0.40.300,csv2,Csv.Fn,csv.app,,\n"
                + "127.0.40.93,=cmd|' /C calc'!A0,Csv.Fn,csv.app,,\n";
        InventoryImportReply dry = client.call("inventoryImport", new InventoryImportRequest(admin, bad).setDryRun(true), new InventoryImportReply());
        assertThat(dry.isImported()).isFalse();
        assertThat(dry.getProblems()).singleElement().satisfies(p -> {
            assertThat(p.getRow()).isEqualTo(3);
            assertThat(p.getColumn()).isEqualTo("lan_ip");
            assertThat(p.getMessage()).contains("is not an IP address: '127.0.40.300'");
        });
        refused(() -> client.call("inventoryImport", new InventoryImportRequest(admin, bad), new InventoryImportReply()), ErrorCode.INVALID_REQUEST,
                "nothing was imported: 1 problems in 3 rows; fix them and import again:\nrow 3, column lan_ip: is not an IP address");
        assertThat(master.catalog().inventory().findByLanIps(List.of("127.0.40.91", "127.0.40.93"))).isEmpty();
        assertThat(master.catalog().inventory().functionCategories()).noneMatch(c -> c.name().equals("Csv.Fn"));
        assertThat(master.catalog().audit().latest(1).getFirst()).satisfies(entry -> {
            assertThat(entry.action()).isEqualTo("inventoryImport");
            assertThat(entry.outcome()).isEqualTo("INVALID_REQUEST");
        });
        refused(() -> client.call("inventoryImport", new InventoryImportRequest(author, bad), new InventoryImportReply()), ErrorCode.FORBIDDEN,
                "may not change the inventory");

        InventoryImportReply done = client.call("inventoryImport", new InventoryImportRequest(admin, bad.replace("127.0.40.300", "127.0.40.92")),
                new InventoryImportReply());
        assertThat(done.isImported()).isTrue();
        assertThat(done.getCreated()).isEqualTo(3);
        assertThat(done.getCategoriesCreated()).isEqualTo(2);
        assertThat(done.getGroupsCreated()).isEqualTo(1);
        assertThat(master.catalog().inventory().group("csvgroup").orElseThrow().members()).containsExactly("127.0.40.91");
        assertThat(master.catalog().audit().latest(1).getFirst().detail().orElseThrow()).contains("imported 3 rows: 3 servers created");

        InventoryExportReply export = client.call("inventoryExport", new InventoryExportRequest(client.login("viewer", "pw-viewer").getSession()),
                new InventoryExportReply());
        assertThat(export.getCsv()).startsWith("lan_ip,name,wan_ip,ssh_port,ssh_user,backend,tags,function_category,app_category,groups\r\n")
                .contains("127.0.40.91,csv1,,22,,any,a b,Csv.Fn,csv.app,csvgroup\r\n")
                .contains("127.0.40.93,'=cmd|' /C calc'!A0,");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private long announces(String address)
    {
        return master.catalog().audit().latest(1000).stream().filter(e -> e.action().equals("agent.announce") && e.targets().equals(address)).count();
    }

    private TestingAgent agent(String address)
            throws Exception
    {
        TestingAgent agent = TestingAgent.start(address, master.server().agentPort().orElseThrow(), dir.resolve(address),
                EnrollmentTokens.create(master.catalog().agents(), Clock.systemUTC(), Duration.ofHours(1), "test").reveal(), Map.of());
        started.add(agent);
        assertThat(agent.isAlive()).as(agent.log()).isTrue();
        return agent;
    }

    private static ServerFields fields(String name, int app)
    {
        return new ServerFields(name, "any", app);
    }

    private ServerChangeReply create(String lanIp, ServerFields fields)
            throws Exception
    {
        return server(new ServerChangeRequest(admin, ServerAction.CREATE, lanIp).setFields(fields));
    }

    private ServerChangeReply server(ServerChangeRequest request)
            throws Exception
    {
        return client.call("serverChange", request, new ServerChangeReply());
    }

    private CategoryChangeReply category(CategoryChangeRequest request)
            throws Exception
    {
        return client.call("categoryChange", request, new CategoryChangeReply());
    }

    private GroupChangeReply group(GroupChangeRequest request)
            throws Exception
    {
        return client.call("groupChange", request, new GroupChangeReply());
    }

    private ServerSearchReply search(ServerSearchRequest request)
            throws Exception
    {
        return client.call("serverSearch", request, new ServerSearchReply());
    }

    @FunctionalInterface
    interface Work
    {
        Object run()
                throws Exception;
    }

    private static OmsError catchRefusal(Work work)
    {
        try {
            work.run();
        }
        catch (OmsError e) {
            return e;
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a refusal");
    }

    private static void refused(Work work, ErrorCode code, String message)
    {
        assertThatThrownBy(work::run).isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(code)).hasMessageContaining(message);
    }

    private static void waitFor(BooleanSupplier condition, String what)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
