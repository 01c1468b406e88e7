package org.omserver.master.files;

import java.util.regex.Pattern;

import org.omserver.master.files.FileStoreException.Reason;

/**
 * What a stored file may be called: the same rule as a module's FILE parameter (ParamValidator), so every stored
 * file can be named in a module. One path element of printable ASCII: no '/', no '..', no leading dot (hidden), no
 * control, space, bidi or other look-alike characters, at most 128 characters.
 */
public final class FileNames
{
    public static final int MAX_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");

    private FileNames() {}

    /** Returns the name, or throws with the first problem found, spelled so a user can fix it. */
    public static String check(String name)
            throws FileStoreException
    {
        if (name == null || name.isEmpty()) {
            throw invalid("the file name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid("the file name has " + name.length() + " characters; at most " + MAX_LENGTH + " are allowed");
        }
        if (name.contains("/") || name.contains("\\")) {
            throw invalid("the file name '" + printable(name) + "' contains a path separator: give a plain name, the store has no directories");
        }
        if (name.contains("..")) {
            throw invalid("the file name '" + printable(name) + "' contains '..': path traversal is not allowed");
        }
        if (name.startsWith(".")) {
            throw invalid("the file name '" + printable(name) + "' starts with a dot: hidden files are not allowed");
        }
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw invalid("the file name '" + printable(name) + "' contains control or invisible (bidi, zero-width) characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw invalid("the file name '" + printable(name) + "' may use only letters A-Z a-z, digits, '.', '_' and '-', starting with a letter or digit");
        }
        return name;
    }

    /** The name with every character outside printable ASCII shown as \\uXXXX, for messages and the audit. */
    public static String printable(String text)
    {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(MAX_LENGTH + 8).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                out.appendCodePoint(c);
            }
            else {
                out.append(String.format("\\u%04X", c));
            }
        });
        return out.toString();
    }

    private static FileStoreException invalid(String message)
    {
        return new FileStoreException(Reason.INVALID_NAME, message);
    }
}
