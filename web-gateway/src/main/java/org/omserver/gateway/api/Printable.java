package org.omserver.gateway.api;

/** Echoes a caller's value in a message: control characters escaped, cut at 40 characters. */
final class Printable
{
    private static final int MAX = 40;

    private Printable() {}

    static String cut(String value)
    {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < MAX; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            }
            else {
                out.append(c);
            }
        }
        return value.length() > MAX || out.length() > MAX ? out.substring(0, Math.min(out.length(), MAX)) + "…" : out.toString();
    }
}
