package org.omserver.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestUpdatePackage
{
    @TempDir
    Path tmp;
    Path keys;
    Path from;
    Path pkg;
    List<Ed25519PublicKeyParameters> trusted;

    @BeforeEach
    void setUp()
            throws IOException
    {
        keys = tmp.resolve("keys");
        UpdateKeys.generate(keys);
        trusted = List.of(UpdateKeys.parsePublic(Files.readString(keys.resolve(UpdateKeys.PUBLIC_FILE)), "pub"));
        from = tmp.resolve("from");
        Files.createDirectories(from.resolve("lib"));
        Files.writeString(from.resolve("agent.jar"), "jar bytes");
        Files.writeString(from.resolve("lib/a.txt"), "first");
        Files.writeString(from.resolve("lib/z.txt"), "last");
        pkg = tmp.resolve("pkg.zip");
        UpdatePackage.build(UpdateKeys.readPrivate(keys.resolve(UpdateKeys.PRIVATE_FILE)), "2.0", from, pkg);
    }

    @Test
    void privateKeyIsMode600AndNeverOverwritten()
            throws IOException
    {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(UpdateKeys.PRIVATE_FILE)))).isEqualTo("rw-------");
        assertThatThrownBy(() -> UpdateKeys.generate(keys)).hasMessageContaining("Refusing to overwrite");
    }

    @Test
    void goodPackageIsStagedAndActivatedAtomically()
            throws IOException
    {
        InstallLayout layout = new InstallLayout(tmp.resolve("install"));
        UpdateManifest m = UpdatePackage.verifyAndStage(pkg, trusted, layout.versions());
        assertThat(m.version()).isEqualTo("2.0");
        assertThat(m.files()).extracting(UpdateManifest.Entry::path).containsExactly("agent.jar", "lib/a.txt", "lib/z.txt");
        assertThat(Files.readString(layout.versions().resolve("2.0/lib/a.txt"))).isEqualTo("first");
        Files.createDirectories(layout.versions().resolve("1.0"));
        layout.activate("1.0");
        layout.activate("2.0");
        assertThat(layout.current()).contains("2.0");
        assertThat(layout.previous()).contains("1.0");
        assertThat(Files.readString(layout.install().resolve("current/agent.jar"))).isEqualTo("jar bytes");
        assertThat(layout.rollback()).isEqualTo("1.0");
        assertThat(layout.current()).contains("1.0");
    }

    @Test
    void signatureFromAnotherKeyIsRefused()
            throws IOException
    {
        Path other = tmp.resolve("other");
        UpdateKeys.generate(other);
        List<Ed25519PublicKeyParameters> otherKey = List.of(UpdateKeys.parsePublic(Files.readString(other.resolve(UpdateKeys.PUBLIC_FILE)), "pub"));
        assertRefused(pkg, otherKey, "signature does not match");
        assertRefused(pkg, List.of(), "no update.public-key");
    }

    @Test
    void editedManifestBreaksTheSignature()
            throws IOException
    {
        Path bad = rewrite(pkg, UpdatePackage.MANIFEST, new String(entry(pkg, UpdatePackage.MANIFEST), StandardCharsets.UTF_8).replace("\"2.0\"", "\"2.1\"").getBytes(StandardCharsets.UTF_8));
        assertRefused(bad, trusted, "signature does not match");
    }

    @Test
    void tamperedFirstOrMiddleFileIsRefused()
            throws IOException
    {
        // IOMS only checked the last file; each position must be checked.
        assertRefused(rewrite(pkg, "files/agent.jar", "jar bytez".getBytes()), trusted, "agent.jar does not match its signed sha256");
        assertRefused(rewrite(pkg, "files/lib/a.txt", "firsT".getBytes()), trusted, "lib/a.txt does not match");
        assertRefused(rewrite(pkg, "files/lib/z.txt", "longer than signed".getBytes()), trusted, "lib/z.txt is larger than");
    }

    @Test
    void extraOrMissingFilesAreRefused()
            throws IOException
    {
        assertRefused(rewrite(pkg, "files/run.sh", "rm -rf /".getBytes()), trusted, "does not list");
        assertRefused(rewrite(pkg, "../escape", "x".getBytes()), trusted, "does not list");
        assertRefused(rewrite(pkg, "files/lib/a.txt", null), trusted, "does not hold it");
    }

    @Test
    void traversalInASignedManifestIsRefused()
    {
        assertThatThrownBy(() -> UpdateManifest.checkPath("../x")).hasMessageContaining("unsafe segment");
        assertThatThrownBy(() -> UpdateManifest.checkPath("/etc/passwd")).hasMessageContaining("not a relative path");
        assertThatThrownBy(() -> UpdateManifest.checkPath("a//b")).hasMessageContaining("unsafe segment");
        assertThatThrownBy(() -> UpdateManifest.checkVersion("../1")).hasMessageContaining("not a plain version");
    }

    @Test
    void symlinksAreNotPackaged()
            throws IOException
    {
        Files.createSymbolicLink(from.resolve("link"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> UpdatePackage.build(UpdateKeys.readPrivate(keys.resolve(UpdateKeys.PRIVATE_FILE)), "3", from, tmp.resolve("p3.zip")))
                .hasMessageContaining("symbolic link");
    }

    private void assertRefused(Path p, List<Ed25519PublicKeyParameters> keys, String message)
            throws IOException
    {
        Path versions = tmp.resolve("install-" + System.nanoTime()).resolve("versions");
        assertThatThrownBy(() -> UpdatePackage.verifyAndStage(p, keys, versions))
                .isInstanceOf(UpdateRefused.class).hasMessageContaining(message);
        // Nothing staged, nothing half-written left behind.
        if (Files.exists(versions)) {
            try (var s = Files.list(versions)) {
                assertThat(s.toList()).isEmpty();
            }
        }
    }

    private static byte[] entry(Path zipFile, String name)
            throws IOException
    {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            return zip.getInputStream(zip.getEntry(name)).readAllBytes();
        }
    }

    /** Copies the zip, replacing (or adding, or with null removing) one entry. */
    private Path rewrite(Path src, String name, byte[] content)
            throws IOException
    {
        Path out = tmp.resolve("t" + System.nanoTime() + ".zip");
        boolean done = false;
        try (ZipFile zip = new ZipFile(src.toFile()); ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(out))) {
            List<ZipEntry> entries = new ArrayList<>(Collections.list(zip.entries()));
            for (ZipEntry e : entries) {
                if (e.getName().equals(name)) {
                    done = true;
                    if (content == null) {
                        continue;
                    }
                    zos.putNextEntry(new ZipEntry(name));
                    zos.write(content);
                }
                else {
                    zos.putNextEntry(new ZipEntry(e.getName()));
                    zos.write(zip.getInputStream(e).readAllBytes());
                }
                zos.closeEntry();
            }
            if (!done && content != null) {
                zos.putNextEntry(new ZipEntry(name));
                zos.write(content);
                zos.closeEntry();
            }
        }
        return out;
    }
}
