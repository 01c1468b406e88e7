package org.omserver.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.agent.update.InstallLayout;
import org.omserver.agent.update.UpdateKeys;
import org.omserver.agent.update.UpdatePackage;
import org.omserver.agent.update.UpdateState;
import org.omserver.protocol.agent.FileReadReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The updateself built-in in process: refusals, a good package swapped, tampered and foreign packages refused with nothing swapped. */
final class TestUpdateSelf
{
    @TempDir
    Path tmp;
    Path store;
    String publicKey;
    InstallLayout layout;
    final AtomicInteger restarts = new AtomicInteger();

    @BeforeEach
    void setUp()
            throws IOException
    {
        UpdateKeys.generate(tmp.resolve("keys"));
        publicKey = Files.readString(tmp.resolve("keys").resolve(UpdateKeys.PUBLIC_FILE)).strip();
        store = Files.createDirectories(tmp.resolve("store"));
        Path from = tmp.resolve("from");
        Files.createDirectories(from.resolve("lib"));
        for (String name : List.of("a.jar", "m.jar", "z.jar")) {
            Files.writeString(from.resolve("lib").resolve(name), "bytes of " + name);
        }
        UpdatePackage.build(UpdateKeys.readPrivate(tmp.resolve("keys").resolve(UpdateKeys.PRIVATE_FILE)), "1.2.3", from, store.resolve("agent-1.2.3.zip"));
        layout = new InstallLayout(tmp.resolve("install"));
        Files.createDirectories(layout.versions().resolve("1.0.0").resolve("lib"));
        layout.activate("1.0.0");
    }

    @Test
    void publicKeyConfigKeyIsParsedAndABadOneNamed()
    {
        AgentConfig config = AgentConfig.fromProperties(Map.of("state.dir", "/s", "update.public-key", publicKey, "update.install-dir", "/opt/agent",
                "update.health-timeout", "45s"));
        assertThat(config.selfUpdate().trustedKeys()).hasSize(1);
        assertThat(config.selfUpdate().installDir()).contains(Path.of("/opt/agent"));
        assertThat(config.selfUpdate().healthTimeout().toSeconds()).isEqualTo(45);
        assertThat(AgentConfig.fromProperties(Map.of("state.dir", "/s")).selfUpdate().trustedKeys()).isEmpty();
        assertThatThrownBy(() -> AgentConfig.fromProperties(Map.of("state.dir", "/s", "update.public-key", "not-a-key", "update.install-dir", "rel")))
                .hasMessageContaining("update.public-key").hasMessageContaining("omserver update-key")
                .hasMessageContaining("update.install-dir");
    }

    @Test
    void refusedWithoutAKeyOrWithoutTheSupervisor()
    {
        SelfUpdateConfig noKey = new SelfUpdateConfig(List.of(), java.util.Optional.of(layout.install()), java.time.Duration.ofSeconds(30));
        assertThat(builtin(noKey, true).refusal(List.of("agent-1.2.3.zip"))).get().asString()
                .contains("self-update is off on this agent: set update.public-key");
        assertThat(builtin(config(), false).refusal(List.of("agent-1.2.3.zip"))).get().asString().contains("restart supervisor");
        assertThat(builtin(config(), true).refusal(List.of("../x.zip"))).get().asString().contains("not a file name");
        assertThat(builtin(config(), true).refusal(List.of("agent-1.2.3.zip"))).isEmpty();
    }

    @Test
    void goodPackageIsVerifiedStagedSwappedAndRestarted()
            throws Exception
    {
        Output out = new Output();
        assertThat(builtin(config(), true).run(List.of("agent-1.2.3.zip"), out)).as(out.text()).isZero();
        assertThat(out.text()).contains("verified 3 files of version 1.2.3").contains("swapped to 1.2.3 (previous: 1.0.0)").contains("restarting");
        assertThat(layout.current()).contains("1.2.3");
        assertThat(layout.previous()).contains("1.0.0");
        assertThat(UpdateState.read(tmp.resolve("state")).orElseThrow().state()).isEqualTo(UpdateState.State.PENDING);
        assertThat(restarts).hasValue(1);
    }

    @Test
    void tamperedMiddleFileOrForeignSignatureSwapsNothing()
            throws Exception
    {
        rewrite(store.resolve("agent-1.2.3.zip"), store.resolve("tampered.zip"), "files/lib/m.jar", "bytes of m.jaR");
        Output out = new Output();
        assertThat(builtin(config(), true).run(List.of("tampered.zip"), out)).isEqualTo(2);
        assertThat(out.text()).contains("lib/m.jar does not match its signed sha256").contains("nothing was swapped");

        UpdateKeys.generate(tmp.resolve("other"));
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("a.jar"), "x");
        UpdatePackage.build(UpdateKeys.readPrivate(tmp.resolve("other").resolve(UpdateKeys.PRIVATE_FILE)), "6.6.6", foreign, store.resolve("foreign.zip"));
        Output out2 = new Output();
        assertThat(builtin(config(), true).run(List.of("foreign.zip"), out2)).isEqualTo(2);
        assertThat(out2.text()).contains("signature does not match any configured update.public-key");

        assertThat(layout.current()).contains("1.0.0");
        try (var versions = Files.list(layout.versions())) {
            assertThat(versions.map(p -> p.getFileName().toString()).toList()).containsExactly("1.0.0");
        }
        assertThat(UpdateState.read(tmp.resolve("state"))).isEmpty();
        assertThat(restarts).hasValue(0);
    }

    private SelfUpdateConfig config()
    {
        return new SelfUpdateConfig(SelfUpdateConfig.keys(publicKey), java.util.Optional.of(layout.install()), java.time.Duration.ofSeconds(30));
    }

    private UpdateSelfBuiltin builtin(SelfUpdateConfig config, boolean supervised)
    {
        return new UpdateSelfBuiltin(config, tmp.resolve("state"), supervised, "1.0.0", this::read, restarts::incrementAndGet, Clock.systemUTC());
    }

    /** The master's file store, read from a directory: the whole file in one chunk, with its checksums. */
    private FileReadReply read(String name, long offset, int length)
            throws Exception
    {
        byte[] bytes = Files.readAllBytes(store.resolve(name));
        byte[] chunk = java.util.Arrays.copyOfRange(bytes, (int) offset, (int) Math.min(bytes.length, offset + length));
        return new FileReadReply(ByteBuffer.wrap(chunk), bytes.length, hex("SHA-256", bytes), hex("MD5", bytes));
    }

    private static String hex(String algorithm, byte[] bytes)
            throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    private static void rewrite(Path src, Path out, String name, String content)
            throws IOException
    {
        try (ZipFile zip = new ZipFile(src.toFile()); ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : new ArrayList<>(Collections.list(zip.entries()))) {
                zos.putNextEntry(new ZipEntry(e.getName()));
                zos.write(e.getName().equals(name) ? content.getBytes() : zip.getInputStream(e).readAllBytes());
                zos.closeEntry();
            }
        }
    }

    private static final class Output
            implements Builtin.Output
    {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void out(String chunk)
        {
            text.append(chunk);
        }

        @Override
        public synchronized void err(String chunk)
        {
            text.append(chunk);
        }

        synchronized String text()
        {
            return text.toString();
        }
    }
}
