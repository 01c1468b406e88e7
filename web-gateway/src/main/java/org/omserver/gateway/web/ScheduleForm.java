package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import org.omserver.protocol.thrift.OverlapPolicy;

import java.util.Map;

/**
 * The schedule fields of the confirm page: a name, a cron expression and the overlap policy, as typed (for showing
 * them again). The master checks the cron expression and says what is wrong with it; the page only keeps the values.
 */
record ScheduleForm(String name, String cron, String overlap)
{
    static final ScheduleForm EMPTY = new ScheduleForm("", "", OverlapPolicy.SKIP.name());
    private static final int MAX_FIELD = 256;

    static ScheduleForm from(HttpServletRequest request)
    {
        String overlap = field(request, "schedule.overlap");
        return new ScheduleForm(field(request, "schedule.name"), field(request, "schedule.cron"),
                overlap.equals(OverlapPolicy.QUEUE.name()) ? overlap : OverlapPolicy.SKIP.name());
    }

    OverlapPolicy overlapPolicy()
    {
        return OverlapPolicy.valueOf(overlap);
    }

    Map<String, String> shown()
    {
        return Map.of("name", name, "cron", cron, "overlap", overlap);
    }

    private static String field(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        if (value == null) {
            return "";
        }
        String stripped = value.strip();
        return stripped.length() > MAX_FIELD ? stripped.substring(0, MAX_FIELD) : stripped;
    }
}
