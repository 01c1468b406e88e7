package org.omserver.catalog.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.catalog.Catalog;
import org.omserver.catalog.TestingMySql;
import org.omserver.catalog.inventory.InventoryCsv.Parsed;
import org.omserver.catalog.inventory.InventoryCsv.RowProblem;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inventory CSV on real MariaDB: export → import into an empty database → export is identical; hostile values
 * are escaped on export (formula injection) and refused on import (NUL, line breaks, over-long values) with their row
 * and column; a file with any bad row imports nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestInventoryCsv
{
    private static final String HEADER = "lan_ip,name,wan_ip,ssh_port,ssh_user,backend,tags,function_category,app_category,groups\r\n";

    private final TestingMySql first = new TestingMySql();
    private final TestingMySql second = new TestingMySql();
    private Catalog source;
    private Catalog target;

    @BeforeAll
    void open()
    {
        source = Catalog.open(first.config());
        target = Catalog.open(second.config());
    }

    @AfterAll
    void close()
            throws Exception
    {
        source.close();
        target.close();
        first.close();
        second.close();
    }

    @Test
    void exportImportExportIsIdenticalAndHostileValuesAreEscaped()
    {
        InventoryRepository inventory = source.inventory();
        int function = inventory.addFunctionCategory("=cmd|' /C calc'!A0");
        int app = inventory.addAppCategory(function, "web, \"quoted\" app");
        inventory.createServer(new Server("10.1.0.1", "@SUM(1+1)", Optional.of("198.51.100.1"), Optional.empty(), app, Optional.of("ssh"), 2222,
                Optional.of("deploy"), List.of("db", "eu-west")));
        inventory.createServer(new Server("10.1.0.2", "-web2", Optional.empty(), Optional.empty(), app, Optional.empty(), 22, Optional.empty(), List.of()));
        inventory.createServer(new Server("fd00::2", "'quoted name", Optional.empty(), Optional.empty(), app, Optional.of("agent"), 22, Optional.empty(),
                List.of("v6")));
        inventory.createGroup("front", "test");
        inventory.createGroup("all-web", "test");
        inventory.changeMembers("front", List.of("10.1.0.1", "fd00::2"), false);
        inventory.changeMembers("all-web", List.of("10.1.0.1"), false);

        String exported = InventoryCsv.format(InventoryCsv.entries(inventory));
        assertThat(exported).isEqualTo(HEADER
                + "10.1.0.1,'@SUM(1+1),198.51.100.1,2222,deploy,ssh,db eu-west,'=cmd|' /C calc'!A0,\"web, \"\"quoted\"\" app\",all-web front\r\n"
                + "10.1.0.2,'-web2,,22,,any,,'=cmd|' /C calc'!A0,\"web, \"\"quoted\"\" app\",\r\n"
                + "fd00::2,''quoted name,,22,,agent,v6,'=cmd|' /C calc'!A0,\"web, \"\"quoted\"\" app\",front\r\n");
        // no exported field starts with a formula character
        for (String line : exported.split("\r\n")) {
            for (String field : line.split(",")) {
                assertThat(field).doesNotStartWith("=").doesNotStartWith("@").doesNotStartWith("+").doesNotStartWith("-");
            }
        }

        Parsed parsed = InventoryCsv.parse(exported);
        assertThat(parsed.problems()).isEmpty();
        InventoryRepository.ImportCounts counts = target.inventory().importRows(parsed.rows(), "test");
        assertThat(counts).isEqualTo(new InventoryRepository.ImportCounts(3, 0, 2, 2));
        assertThat(InventoryCsv.format(InventoryCsv.entries(target.inventory()))).isEqualTo(exported);
        assertThat(target.inventory().findByLanIps(List.of("10.1.0.1")).getFirst().name()).isEqualTo("@SUM(1+1)");

        // importing the same file again updates every row and changes nothing
        assertThat(target.inventory().importRows(InventoryCsv.parse(exported).rows(), "test")).isEqualTo(new InventoryRepository.ImportCounts(0, 3, 0, 0));
        assertThat(InventoryCsv.format(InventoryCsv.entries(target.inventory()))).isEqualTo(exported);
    }

    @Test
    void everyBadRowIsReportedWithRowAndColumnAndNothingIsImported()
    {
        String csv = "name,lan_ip,app_category,function_category,tags,ssh_port\n"
                + "good1,10.2.0.1,app,Fn,,22\n"
                + "nul\u0000name,10.2.0.2,app,Fn,,22\n"
                + "\"line\nbreak\",10.2.0.3,app,Fn,,22\n"
                + "long," + "1".repeat(5000) + ",app,Fn,,22\n"
                + "port,10.2.0.5,app,Fn,,http\n"
                + "tags,10.2.0.6,app,Fn,Not A Tag!,22\n"
                + "twice,10.2.0.1,app,Fn,,22\n"
                + "short,10.2.0.8\n"
                + "good2,10.2.0.9,app,Fn,,22\n";
        Parsed parsed = InventoryCsv.parse(csv);
        assertThat(parsed.rows()).isEmpty();
        assertThat(parsed.problems()).extracting(RowProblem::row, RowProblem::column).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, "name"),
                org.assertj.core.groups.Tuple.tuple(4, "name"),
                org.assertj.core.groups.Tuple.tuple(5, "lan_ip"),
                org.assertj.core.groups.Tuple.tuple(6, "ssh_port"),
                org.assertj.core.groups.Tuple.tuple(7, "tags"),
                org.assertj.core.groups.Tuple.tuple(8, "lan_ip"),
                org.assertj.core.groups.Tuple.tuple(9, "-"));
        assertThat(parsed.problems().get(0).message()).contains("holds control characters");
        assertThat(parsed.problems().get(2).message()).contains("longer than 4096 characters");
        assertThat(parsed.problems().get(3).message()).contains("is not a number: 'http'");
        assertThat(parsed.problems().get(5).message()).contains("10.2.0.1 is in the file twice");
        assertThat(parsed.problems().get(6).message()).contains("2 fields, but the header names 6 columns");
    }

    @Test
    void aFailingStatementRollsTheWholeImportBack()
    {
        int before = target.inventory().servers().size();
        List<InventoryRepository.ImportRow> rows = new ArrayList<>(InventoryCsv.parse(HEADER + "10.3.0.1,ok,,22,,any,,Fn,app,\r\n").rows());
        // a row the database refuses (the name column holds 64 characters): the first row must not stay behind
        rows.add(new InventoryRepository.ImportRow(new Server("10.3.0.2", "x".repeat(200), Optional.empty(), Optional.empty(), 1, Optional.empty(), 22,
                Optional.empty(), List.of()), "Fn", "app", List.of()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.inventory().importRows(rows, "test")).isInstanceOf(RuntimeException.class);
        assertThat(target.inventory().servers()).hasSize(before);
        assertThat(target.inventory().findByLanIps(List.of("10.3.0.1"))).isEmpty();
        assertThat(target.inventory().functionCategories()).noneMatch(c -> c.name().equals("Fn"));
    }

    @Test
    void headerProblemsAndCapsAreReported()
    {
        assertThat(InventoryCsv.parse("").problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("the CSV is empty"));
        assertThat(InventoryCsv.parse("lan_ip,name,colour\n").problems()).extracting(RowProblem::column)
                .containsExactlyInAnyOrder("'colour'", "function_category", "app_category");
        assertThat(InventoryCsv.parse("lan_ip,name,\"unterminated\n").problems()).anySatisfy(p -> assertThat(p.message()).contains("never ends"));
        assertThat(InventoryCsv.parse("x".repeat(InventoryCsv.MAX_BYTES + 1)).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("more than the 5242880 (5 MiB) allowed"));
        StringBuilder many = new StringBuilder("lan_ip,name,function_category,app_category\n");
        for (int i = 0; i <= InventoryCsv.MAX_ROWS; i++) {
            many.append("10.4.").append(i / 250).append('.').append(i % 250).append(",n,F,a\n");
        }
        assertThat(InventoryCsv.parse(many.toString()).problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("more than the 20000 allowed"));
        // a byte order mark is skipped
        assertThat(InventoryCsv.parse("\uFEFFlan_ip,name,function_category,app_category\n10.5.0.1,n,F,a\n").rows()).hasSize(1);
    }
}
