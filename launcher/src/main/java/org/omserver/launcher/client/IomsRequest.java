package org.omserver.launcher.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * IOMClient's request syntax, {@code cmd=NAME,key=value,key=value}, parsed strictly: {@code cmd} first, keys in
 * lower case and each given once, no empty values, no control characters, at most {@value #MAX_LENGTH} characters.
 * Anything else is refused with a message that says what to write instead; nothing is guessed.
 */
public record IomsRequest(String command, Map<String, String> keys)
{
    public static final int MAX_LENGTH = 8192;
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public IomsRequest
    {
        requireNonNull(command, "command is null");
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    public static IomsRequest parse(String text)
    {
        requireNonNull(text, "text is null");
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the request is " + text.length() + " characters long; at most " + MAX_LENGTH + " are accepted");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new IllegalArgumentException(String.format("the request contains a control character (\\u%04x) at position %d; "
                        + "write it on one line without tabs or NUL", (int) text.charAt(i), i + 1));
            }
        }
        if (!text.startsWith("cmd=")) {
            throw new IllegalArgumentException("the request must start with cmd=NAME, e.g. 'cmd=module,id=1003,serverip=10.0.0.1'; "
                    + "'cmd=help' lists the commands");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            int equals = part.indexOf('=');
            if (part.isEmpty()) {
                throw new IllegalArgumentException("the request has an empty item (two commas in a row, or a comma at the end); "
                        + "separate key=value items with single commas");
            }
            if (equals < 0) {
                throw new IllegalArgumentException("'" + Printable.cut(part) + "' is not key=value; items are separated by commas");
            }
            String key = part.substring(0, equals);
            String value = part.substring(equals + 1);
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("'" + Printable.cut(key) + "' is not a key: keys are lower-case letters, digits and _ "
                        + "(e.g. serverip, sys_param_1)");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(key + " has no value; write " + key + "=VALUE or leave the key out");
            }
            if (keys.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException(key + " is given more than once; give each key once");
            }
        }
        String command = keys.remove("cmd");
        return new IomsRequest(command, keys);
    }

    /** The value of {@code key}, or null. */
    public String get(String key)
    {
        return keys.get(key);
    }

    /**
     * {@code serverip}'s hosts: IPs separated by {@code ;} without spaces, each written out in full (the master matches
     * them exactly against the inventory, so 10.0.0.1 never means 10.0.0.10).
     */
    public static List<String> serverIps(String value)
    {
        List<String> ips = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String ip : value.split(";", -1)) {
            if (ip.isEmpty()) {
                throw new IllegalArgumentException("serverip has an empty entry; separate IPs with single semicolons, e.g. serverip=10.0.0.1;10.0.0.2");
            }
            if (!Addresses.isIp(ip)) {
                throw new IllegalArgumentException("serverip: '" + Printable.cut(ip) + "' is not an IP address; write full addresses "
                        + "such as 10.0.0.1, separated by semicolons, no spaces");
            }
            if (!seen.add(ip)) {
                throw new IllegalArgumentException("serverip lists " + ip + " twice; list each host once");
            }
            ips.add(ip);
        }
        return List.copyOf(ips);
    }
}
