package org.omserver.agent.daemon;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.wire.CommandWords;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The IOMS host commands on the agent: command splitting, unzip with hostile archives, cron with an injected clock. */
final class TestHostCommands
{
    // ---- command ---------------------------------------------------------------------------------

    @Test
    void commandTextIsSplitBySpacesAndShellCharactersAreRefused()
    {
        assertThat(CommandWords.split("  df   -h /var ")).containsExactly("df", "-h", "/var");
        for (String hostile : List.of("ls; rm -rf /", "ls | sh", "echo $(id)", "ls *.log", "cat 'a b'", "a && b", "ls > x", "echo `id`")) {
            assertThatThrownBy(() -> CommandWords.split(hostile)).as(hostile).hasMessageContaining("commands run without a shell");
        }
        assertThatThrownBy(() -> CommandWords.split("ls\nid")).hasMessageContaining("control character");
        assertThatThrownBy(() -> CommandWords.split("   ")).hasMessageContaining("the command is empty");
    }

    @Test
    void theCommandBuiltinRunsOnlyWhatTheLocalAllowListHolds()
            throws Exception
    {
        AllowList allow = AllowList.fromEntries(Map.of("echo", Map.of("program", "echo", "args", "[a-z]+ ...")));
        CommandBuiltin command = new CommandBuiltin(allow);
        assertThat(command.refusal(List.of("echo hello world"))).isEmpty();
        assertThat(command.refusal(List.of("cat /etc/shadow")).orElseThrow()).startsWith("Command not executive: program 'cat' is not on this agent's allow-list");
        assertThat(command.refusal(List.of("echo hi; id")).orElseThrow()).startsWith("Command not executive: the command contains the shell character ';'");
        Captured out = new Captured();
        assertThat(command.run(List.of("echo hello world"), out)).isZero();
        assertThat(out.out.toString()).isEqualTo("hello world\n");
    }

    // ---- unzip -----------------------------------------------------------------------------------

    @Test
    void aGoodArchiveIsExtractedIntoANewOrAnExistingDirectory(@TempDir Path root)
            throws Exception
    {
        Path archive = zip(root.resolve("app.zip"), Map.of("bin/run.sh", "#!/bin/sh\n", "conf/app.conf", "port=80\n", "lib/current", "libfoo.so.1"),
                Set.of("lib/current"));
        UnzipBuiltin unzip = unzip(root, 1 << 20, 100);
        Captured out = new Captured();
        assertThat(unzip.run(List.of(archive.toString(), root.resolve("new").toString()), out)).as(out.err.toString()).isZero();
        assertThat(Files.readString(root.resolve("new/conf/app.conf"))).isEqualTo("port=80\n");
        assertThat(Files.readSymbolicLink(root.resolve("new/lib/current"))).isEqualTo(Path.of("libfoo.so.1"));
        assertThat(out.out.toString()).contains("checked " + archive + ": 3 entries").contains("extracted 3 entries");

        Path existing = Files.createDirectories(root.resolve("existing/conf"));
        Files.writeString(existing.resolve("app.conf"), "old\n");
        Files.writeString(existing.resolve("keep.txt"), "mine\n");
        assertThat(unzip.run(List.of(archive.toString(), root.resolve("existing").toString()), new Captured())).isZero();
        assertThat(Files.readString(existing.resolve("app.conf"))).isEqualTo("port=80\n");
        assertThat(Files.readString(existing.resolve("keep.txt"))).isEqualTo("mine\n");
        try (var left = Files.list(root)) {
            assertThat(left.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith(".omserver-unzip-"));
        }
    }

    @Test
    void hostileArchivesAreRefusedAndTheDestinationIsUntouched(@TempDir Path root)
            throws Exception
    {
        UnzipBuiltin unzip = unzip(root, 1 << 20, 50);
        Path destination = Files.createDirectories(root.resolve("dest"));
        Files.writeString(destination.resolve("before.txt"), "intact\n");
        Map<String, Map<String, String>> hostile = new LinkedHashMap<>();
        hostile.put("'..' (zip-slip)", Map.of("ok.txt", "x", "../../evil.txt", "pwned"));
        hostile.put("absolute path", Map.of("/tmp/evil.txt", "pwned"));
        hostile.put("symbolic link up", Map.of("ok.txt", "x", "escape", "../../etc"));
        hostile.put("symbolic link absolute", Map.of("escape2", "/etc/passwd"));
        for (var entry : hostile.entrySet()) {
            Set<String> links = entry.getValue().keySet().stream().filter(name -> name.startsWith("escape")).collect(java.util.stream.Collectors.toSet());
            Path archive = zip(root.resolve("hostile.zip"), entry.getValue(), links);
            Captured out = new Captured();
            assertThat(unzip.run(List.of(archive.toString(), destination.toString()), out)).as(entry.getKey()).isEqualTo(2);
            assertThat(out.err.toString()).as(entry.getKey()).startsWith("unzip refused: ").contains(entry.getKey().equals("absolute path") ? "absolute path" : entry.getKey().startsWith("'..'") ? "zip-slip" : "symbolic link");
        }

        // a zip bomb by size: 4 MiB of zeros compresses to a few KiB, the limit is 1 MiB
        Map<String, String> big = Map.of("zeros.bin", "\0".repeat(4 << 20));
        Captured bySize = new Captured();
        assertThat(unzip.run(List.of(zip(root.resolve("bomb.zip"), big, Set.of()).toString(), destination.toString()), bySize)).isEqualTo(2);
        assertThat(bySize.err.toString()).contains("more than the 1048576 allowed (unzip.max-bytes)");
        // a bomb by count
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("f" + i, "");
        }
        Captured byCount = new Captured();
        assertThat(unzip.run(List.of(zip(root.resolve("many.zip"), many, Set.of()).toString(), destination.toString()), byCount)).isEqualTo(2);
        assertThat(byCount.err.toString()).contains("the archive has 51 entries, more than the 50 allowed (unzip.max-entries)");

        try (var files = Files.walk(root)) {
            assertThat(files.map(path -> path.getFileName().toString())).doesNotContain("evil.txt", "f0", "zeros.bin", "escape", "escape2")
                    .noneMatch(name -> name.startsWith(".omserver-unzip-"));
        }
        assertThat(Files.readString(destination.resolve("before.txt"))).isEqualTo("intact\n");
        assertThat(Files.exists(Path.of("/tmp/evil.txt"))).isFalse();
    }

    @Test
    void unzipStaysUnderItsRoots(@TempDir Path root)
    {
        UnzipBuiltin unzip = unzip(root.resolve("allowed"), 1 << 20, 10);
        assertThat(unzip.refusal(List.of("/etc/x.zip", root.resolve("allowed/d").toString())).orElseThrow()).contains("outside the directories this agent unzips in");
        assertThat(unzip.refusal(List.of(root.resolve("allowed/../x.zip").toString(), root.resolve("allowed/d").toString())).orElseThrow())
                .contains("not an absolute, normalized path");
        assertThat(new UnzipBuiltin(HostCommandsConfig.DEFAULTS).refusal(List.of("/a.zip", "/b")).orElseThrow())
                .isEqualTo("unzip is not allowed on this agent: allow.unzip-roots lists no directories");
    }

    // ---- cron ------------------------------------------------------------------------------------

    @Test
    void cronEntriesRunWhenDueAreKeptAndTheKeepAliveStartsOnlyWhenNotRunning(@TempDir Path state)
            throws Exception
    {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:30Z"));
        AllowList allow = AllowList.fromEntries(Map.of("touch", Map.of("program", "/usr/bin/touch", "args", "/[A-Za-z0-9/._-]+")));
        AtomicReference<Boolean> running = new AtomicReference<>(false);
        CronTable table = new CronTable(state, clock, ZoneOffset.UTC, name -> name.equals("guarded") && running.get(), () -> allow, 10);
        table.load();
        Path plain = state.resolve("plain-ran");
        Path guarded = state.resolve("guarded-ran");
        assertThat(table.refusal("61 * * * *", "/usr/bin/touch " + plain, "-").orElseThrow()).contains("invalid cron expression '61 * * * *'");
        assertThat(table.refusal("* * * * *", "touch " + plain, "-").orElseThrow()).contains("must be an absolute path");
        assertThat(table.refusal("* * * * *", "/bin/rm -rf /", "-").orElseThrow()).startsWith("Command not executive: program '/bin/rm'");
        CronTable.Entry every = table.add("*/2 * * * *", "/usr/bin/touch " + plain, "-");
        CronTable.Entry keep = table.add("* * * * *", "/usr/bin/touch " + guarded, "guarded");
        assertThatThrownBy(() -> table.add("* * * * *", "/usr/bin/touch " + guarded, "guarded")).hasMessageContaining("already there as " + keep.id());
        assertThat(table.nextRun(every.id())).contains(Instant.parse("2026-12-07T10:02:00Z"));

        table.tick();
        assertThat(Files.exists(plain)).isFalse();
        clock.set(Instant.parse("2026-12-07T10:01:00Z"));
        running.set(true);
        table.tick();
        assertThat(table.lastOutcome(keep.id()).orElseThrow()).contains("guarded already running, not started");
        clock.set(Instant.parse("2026-12-07T10:02:00Z"));
        running.set(false);
        table.tick();
        awaitFile(plain);
        awaitFile(guarded);
        assertThat(table.nextRun(every.id())).contains(Instant.parse("2026-12-07T10:04:00Z"));

        CronTable reloaded = new CronTable(state, clock, ZoneOffset.UTC, name -> false, () -> allow, 10);
        reloaded.load();
        assertThat(reloaded.entries()).containsExactly(every, keep);
        assertThat(reloaded.remove(entry -> entry.id().equals(every.id()))).containsExactly(every);
        CronTable again = new CronTable(state, clock, ZoneOffset.UTC, name -> false, () -> allow, 10);
        again.load();
        assertThat(again.entries()).containsExactly(keep);
        assertThat(Files.exists(state.resolve("cron.properties.tmp"))).isFalse();
    }

    @Test
    void theIomsCronFormNamesScheduleProgramAndProcess()
    {
        String[] ioms = CronBuiltins.ioms("*/5;3;*;*;1-5;/usr/local/bin/game;game").orElseThrow();
        assertThat(ioms).containsExactly("*/5 3 * * 1-5", "/usr/local/bin/game", "game");
        assertThat(CronBuiltins.ioms("* * * * *")).isEmpty();
    }

    @Test
    void theProcTableSeesARunningProcessByName()
            throws Exception
    {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(CronTable.ProcessTable.PROC.running("sleep")).isTrue();
            assertThat(CronTable.ProcessTable.PROC.running("no-such-process-name")).isFalse();
        }
        finally {
            sleeper.destroyForcibly();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static UnzipBuiltin unzip(Path root, long maxBytes, int maxEntries)
    {
        return new UnzipBuiltin(new HostCommandsConfig(List.of(root), maxBytes, maxEntries, false, 10));
    }

    private static void awaitFile(Path file)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("waiting for %s", file).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A zip with the given entries (names as given, so hostile ones too); {@code links} become Unix symbolic links. */
    static Path zip(Path file, Map<String, String> entries, Set<String> links)
            throws Exception
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(UTF_8));
                zip.closeEntry();
            }
        }
        byte[] data = bytes.toByteArray();
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < data.length; i++) {
            if (buffer.getInt(i) == 0x02014b50) {
                int nameLength = buffer.getShort(i + 28) & 0xffff;
                String name = new String(data, i + 46, nameLength, UTF_8);
                buffer.putShort(i + 4, (short) (3 << 8 | 20));
                buffer.putInt(i + 38, (links.contains(name) ? 0120777 : 0100644) << 16);
            }
        }
        Files.write(file, data);
        return file;
    }

    static final class Captured
            implements Builtin.Output
    {
        final StringBuffer out = new StringBuffer();
        final StringBuffer err = new StringBuffer();

        @Override
        public void out(String text)
        {
            out.append(text);
        }

        @Override
        public void err(String text)
        {
            err.append(text);
        }
    }

    static final class MutableClock
            extends Clock
    {
        private volatile Instant now;

        MutableClock(Instant now)
        {
            this.now = now;
        }

        void set(Instant instant)
        {
            now = instant;
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone)
        {
            return this;
        }

        @Override
        public Instant instant()
        {
            return now;
        }
    }
}
