package org.omserver.master.legacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * OMServer's request plaintext, {@code ModuleID@@ip*name,ip*name@@p1@@[p2@@]}, parsed strictly.
 * Each parameter is followed by {@code @@}, so the last field after splitting is always empty. Parameters map to
 * {@code sys_param_1} and {@code sys_param_2}; an empty one counts as not given (the module's default applies).
 * The host names are informational: the master uses the names in server_list.
 *
 * @param hosts LAN IPs in request order
 */
public record LegacyRequest(int moduleId, List<String> hosts, Map<String, String> params)
{
    public static final String FORMAT = "ModuleID@@ip*name,ip*name@@[p1@@[p2@@]]";
    private static final int MAX_PARAMS = 2;

    public LegacyRequest
    {
        hosts = List.copyOf(requireNonNull(hosts, "hosts is null"));
        params = Map.copyOf(requireNonNull(params, "params is null"));
    }

    /** Parses the plaintext; the exception message says what is wrong, in words fit for the reply. */
    public static LegacyRequest parse(String plaintext)
    {
        String[] fields = plaintext.split("@@", -1);
        if (fields.length < 3 || !fields[fields.length - 1].isEmpty()) {
            throw new IllegalArgumentException("malformed request: expected " + FORMAT + " with each part followed by @@");
        }
        if (fields.length - 3 > MAX_PARAMS) {
            throw new IllegalArgumentException("malformed request: " + (fields.length - 3) + " parameters, at most " + MAX_PARAMS + " are allowed");
        }
        if (!fields[0].matches("\\d{1,9}")) {
            throw new IllegalArgumentException("malformed request: the module id must be digits, was '" + shorten(fields[0]) + "'");
        }
        int moduleId = Integer.parseInt(fields[0]);
        List<String> hosts = new ArrayList<>();
        if (!fields[1].isEmpty()) {
            for (String host : fields[1].split(",", -1)) {
                int star = host.indexOf('*');
                if (star <= 0 || star != host.lastIndexOf('*') || star == host.length() - 1) {
                    throw new IllegalArgumentException("malformed request: each host must be ip*name, was '" + shorten(host) + "'");
                }
                hosts.add(host.substring(0, star));
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 2; i < fields.length - 1; i++) {
            if (!fields[i].isEmpty()) {
                params.put("sys_param_" + (i - 1), fields[i]);
            }
        }
        return new LegacyRequest(moduleId, hosts, params);
    }

    private static String shorten(String text)
    {
        return text.length() <= 40 ? text : text.substring(0, 39) + "…";
    }
}
