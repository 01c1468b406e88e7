package org.omserver.agent.update;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** What a signed update package claims to hold: its version and every file with its size and sha256. */
public record UpdateManifest(int format, String version, List<Entry> files)
{
    public static final int FORMAT = 1;
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+-]{1,128}");

    public record Entry(String path, long size, String sha256) {}

    public UpdateManifest
    {
        if (format != FORMAT) {
            throw new UpdateRefused("manifest format " + format + " is not supported (this agent reads format " + FORMAT + ")");
        }
        checkVersion(version);
        if (files == null || files.isEmpty()) {
            throw new UpdateRefused("manifest lists no files");
        }
        files = List.copyOf(files);
        Set<String> seen = new HashSet<>();
        for (Entry e : files) {
            checkPath(e.path());
            if (!seen.add(e.path())) {
                throw new UpdateRefused("manifest lists " + e.path() + " twice");
            }
            if (e.size() < 0) {
                throw new UpdateRefused("manifest gives " + e.path() + " a negative size");
            }
            if (e.sha256() == null || !SHA256.matcher(e.sha256()).matches()) {
                throw new UpdateRefused("manifest gives " + e.path() + " no lowercase hex sha256");
            }
        }
    }

    public static String checkVersion(String version)
    {
        if (version == null || !VERSION.matcher(version).matches() || version.contains("..")) {
            throw new UpdateRefused("version '" + version + "' is not a plain version string (letters, digits, . _ -)");
        }
        return version;
    }

    /** Relative, forward-slash, no empty/dot segments: nothing can escape the version directory. */
    static void checkPath(String path)
    {
        if (path == null || path.isEmpty() || path.startsWith("/")) {
            throw new UpdateRefused("file path '" + path + "' is not a relative path");
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new UpdateRefused("file path '" + path + "' has an unsafe segment '" + segment + "'");
            }
        }
    }
}
