package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the confirm page posts to {@code /run} and {@code /schedules/create}: the module, the target hosts (duplicates
 * dropped, order kept) and the parameters by name ({@code param.<name>} fields).
 */
record RunChoice(int moduleId, List<String> targets, Map<String, String> params)
{
    private static final String PARAM_PREFIX = "param.";

    RunChoice
    {
        targets = List.copyOf(targets);
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Empty when the module id is missing or malformed or no target was sent. */
    static Optional<RunChoice> from(HttpServletRequest request)
    {
        String moduleText = request.getParameter("moduleId");
        String[] targetValues = request.getParameterValues("target");
        if (moduleText == null || !moduleText.matches("\\d{1,9}") || targetValues == null) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        Enumeration<String> names = request.getParameterNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            if (name.startsWith(PARAM_PREFIX) && name.length() > PARAM_PREFIX.length()) {
                params.put(name.substring(PARAM_PREFIX.length()), request.getParameter(name));
            }
        }
        return Optional.of(new RunChoice(Integer.parseInt(moduleText), List.copyOf(new LinkedHashSet<>(List.of(targetValues))), params));
    }
}
