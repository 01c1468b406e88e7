package org.omserver.launcher.client;

import java.util.regex.Pattern;

/** Textual IP addresses as the inventory keys hosts: dotted-quad IPv4 without leading zeros, or IPv6. */
final class Addresses
{
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private Addresses() {}

    static boolean isIp(String text)
    {
        return IPV4.matcher(text).matches() || (text.contains(":") && IPV6.matcher(text).matches());
    }
}
