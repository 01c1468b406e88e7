package org.omserver.launcher.client;

/** Echoes a user's value in a message: control characters escaped, cut at 40 characters. */
final class Printable
{
    private static final int MAX = 40;

    private Printable() {}

    static String cut(String value)
    {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < MAX; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return value.length() > MAX ? out + "…" : out.toString();
    }
}
