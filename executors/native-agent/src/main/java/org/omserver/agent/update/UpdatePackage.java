package org.omserver.agent.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * The signed update package: a zip with {@code manifest.json}, {@code manifest.sig} (base64 Ed25519 signature over the
 * exact manifest bytes) and {@code files/<path>} for every manifest entry. Unlike IOMS, which checked one md5, every
 * file's size and sha256 is checked, and nothing outside the manifest is accepted.
 */
public final class UpdatePackage
{
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";
    static final String FILES = "files/";
    /** A package bigger than this is refused before it is read; agent jars are tens of MB. */
    public static final long MAX_TOTAL = 512L << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private UpdatePackage() {}

    /** Builds and signs a package from every regular file under from; symlinks and special files are refused. */
    public static UpdateManifest build(Ed25519PrivateKeyParameters key, String version, Path from, Path out)
            throws IOException
    {
        UpdateManifest.checkVersion(version);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(p)) {
                    throw new IOException(p + " is a symbolic link; packages hold regular files only.");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(p);
                }
                else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(p + " is not a regular file or directory.");
                }
            }
        }
        files.sort(Comparator.comparing(Path::toString));
        List<UpdateManifest.Entry> entries = new ArrayList<>();
        for (Path p : files) {
            String rel = from.relativize(p).toString().replace('\\', '/');
            entries.add(new UpdateManifest.Entry(rel, Files.size(p), sha256(p)));
        }
        UpdateManifest manifest = new UpdateManifest(UpdateManifest.FORMAT, version, entries);
        byte[] manifestBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        byte[] sig = UpdateKeys.sign(key, manifestBytes);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            put(zip, MANIFEST, manifestBytes);
            put(zip, SIGNATURE, Base64.getEncoder().encode(sig));
            for (int i = 0; i < files.size(); i++) {
                zip.putNextEntry(new ZipEntry(FILES + entries.get(i).path()));
                Files.copy(files.get(i), zip);
                zip.closeEntry();
            }
        }
        return manifest;
    }

    /**
     * Verifies the package against the trusted keys (from the agent's own config, never the package) and extracts it
     * into {@code <install>/versions/<version>/}. Any failure leaves no version directory behind.
     */
    public static UpdateManifest verifyAndStage(Path pkg, List<Ed25519PublicKeyParameters> trusted, Path versionsDir)
            throws IOException
    {
        return verifyAndStage(pkg, trusted, versionsDir, java.util.Optional.empty());
    }

    /** The same, refusing a package of the version this agent runs (its directory is in use). */
    public static UpdateManifest verifyAndStage(Path pkg, List<Ed25519PublicKeyParameters> trusted, Path versionsDir, java.util.Optional<String> running)
            throws IOException
    {
        if (trusted.isEmpty()) {
            throw new UpdateRefused("no update.public-key is configured on this agent; self-update is disabled");
        }
        if (Files.size(pkg) > MAX_TOTAL) {
            throw new UpdateRefused("package is larger than " + (MAX_TOTAL >> 20) + " MB");
        }
        try (ZipFile zip = new ZipFile(pkg.toFile())) {
            byte[] manifestBytes = readSmall(zip, MANIFEST);
            byte[] sig;
            try {
                sig = Base64.getDecoder().decode(new String(readSmall(zip, SIGNATURE), java.nio.charset.StandardCharsets.US_ASCII).strip());
            }
            catch (IllegalArgumentException e) {
                throw new UpdateRefused(SIGNATURE + " is not base64");
            }
            if (trusted.stream().noneMatch(k -> UpdateKeys.verify(k, manifestBytes, sig))) {
                throw new UpdateRefused("the manifest signature does not match any configured update.public-key");
            }
            UpdateManifest manifest;
            try {
                manifest = JSON.readValue(manifestBytes, UpdateManifest.class);
            }
            catch (JsonProcessingException e) {
                Throwable cause = e.getCause();
                if (cause instanceof UpdateRefused refused) {
                    throw refused;
                }
                throw new UpdateRefused("manifest is not valid JSON: " + e.getOriginalMessage());
            }
            if (running.isPresent() && running.get().equals(manifest.version())) {
                throw new UpdateRefused("this agent already runs version " + manifest.version());
            }
            Map<String, UpdateManifest.Entry> byPath = new HashMap<>();
            long total = 0;
            for (UpdateManifest.Entry e : manifest.files()) {
                byPath.put(FILES + e.path(), e);
                total += e.size();
            }
            if (total > MAX_TOTAL) {
                throw new UpdateRefused("manifest files add up to more than " + (MAX_TOTAL >> 20) + " MB");
            }
            Set<String> seen = new HashSet<>();
            for (ZipEntry ze : Collections.list(zip.entries())) {
                String name = ze.getName();
                if (name.equals(MANIFEST) || name.equals(SIGNATURE) || (ze.isDirectory() && name.startsWith(FILES))) {
                    continue;
                }
                if (!byPath.containsKey(name)) {
                    throw new UpdateRefused("package holds " + name + ", which the signed manifest does not list");
                }
                if (!seen.add(name)) {
                    throw new UpdateRefused("package holds " + name + " twice");
                }
            }
            for (String name : byPath.keySet()) {
                if (!seen.contains(name)) {
                    throw new UpdateRefused("manifest lists " + name.substring(FILES.length()) + " but the package does not hold it");
                }
            }
            Files.createDirectories(versionsDir);
            Path target = versionsDir.resolve(manifest.version());
            Path staging = Files.createTempDirectory(versionsDir, "." + manifest.version() + ".staging-");
            try {
                for (UpdateManifest.Entry e : manifest.files()) {
                    extract(zip, zip.getEntry(FILES + e.path()), e, staging);
                }
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(target);
                }
                Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            catch (IOException | RuntimeException e) {
                deleteTree(staging);
                throw e;
            }
            return manifest;
        }
        catch (java.util.zip.ZipException e) {
            throw new UpdateRefused("package is not a readable zip: " + e.getMessage());
        }
    }

    private static void extract(ZipFile zip, ZipEntry ze, UpdateManifest.Entry e, Path root)
            throws IOException
    {
        Path dest = root.resolve(e.path()).normalize();
        if (!dest.startsWith(root)) {
            throw new UpdateRefused("file path " + e.path() + " escapes the version directory");
        }
        Files.createDirectories(dest.getParent());
        MessageDigest digest = sha256();
        long size = 0;
        byte[] buf = new byte[64 * 1024];
        // CREATE_NEW: never follows a pre-existing link, never overwrites.
        try (InputStream in = zip.getInputStream(ze);
             OutputStream out = Files.newOutputStream(dest, java.nio.file.StandardOpenOption.CREATE_NEW,
                     java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                size += n;
                if (size > e.size()) {
                    throw new UpdateRefused(e.path() + " is larger than the " + e.size() + " bytes the manifest signs");
                }
                digest.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        if (size != e.size()) {
            throw new UpdateRefused(e.path() + " has " + size + " bytes, the manifest signs " + e.size());
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(e.sha256())) {
            throw new UpdateRefused(e.path() + " does not match its signed sha256 (tampered or corrupted)");
        }
    }

    private static byte[] readSmall(ZipFile zip, String name)
            throws IOException
    {
        ZipEntry ze = zip.getEntry(name);
        if (ze == null) {
            throw new UpdateRefused("package has no " + name);
        }
        try (InputStream in = zip.getInputStream(ze)) {
            byte[] bytes = in.readNBytes(1 << 20);
            if (in.read() >= 0) {
                throw new UpdateRefused(name + " is larger than 1 MB");
            }
            return bytes;
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes)
            throws IOException
    {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    static String sha256(Path p)
            throws IOException
    {
        MessageDigest d = sha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root)
            throws IOException
    {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
