package org.omserver.gateway.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import static java.util.Objects.requireNonNull;

/**
 * A server-side SVG line chart of an agent's CPU % and memory use (% of total) over a time window: no script, every
 * text escaped, a fixed size, and lines broken where readings are missing (two points further apart than the gap
 * threshold are not joined), so an agent that was down shows a hole, not a straight line across it.
 */
final class SvgChart
{
    static final int WIDTH = 720;
    static final int HEIGHT = 240;
    private static final int LEFT = 44;
    private static final int RIGHT = 12;
    private static final int TOP = 24;
    private static final int BOTTOM = 28;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One reading (already averaged by the master). */
    record Point(long atMillis, double cpuPercent, long memoryUsed, long memoryTotal)
    {
        double memoryPercent()
        {
            return memoryTotal <= 0 ? 0 : 100.0 * memoryUsed / memoryTotal;
        }
    }

    private SvgChart() {}

    /**
     * The chart as an SVG element.
     *
     * @param title shown above the chart (escaped)
     * @param gapMillis two neighbouring points further apart than this are not joined
     */
    static String render(String title, long fromMillis, long toMillis, List<Point> points, long gapMillis)
    {
        requireNonNull(title, "title is null");
        requireNonNull(points, "points is null");
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("the window must end after it starts");
        }
        StringBuilder svg = new StringBuilder(4096 + points.size() * 40);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" aria-label=\"").append(escape(title)).append("\">");
        svg.append("<title>").append(escape(title)).append("</title>");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"16\" class=\"chart-title\">").append(escape(title)).append("</text>");
        grid(svg, fromMillis, toMillis);
        if (points.isEmpty()) {
            svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\" class=\"chart-empty\">no heartbeats in this window</text>");
        }
        else {
            line(svg, "cpu", "#1f6feb", points, Point::cpuPercent, fromMillis, toMillis, gapMillis);
            line(svg, "mem", "#d9822b", points, Point::memoryPercent, fromMillis, toMillis, gapMillis);
        }
        legend(svg);
        return svg.append("</svg>").toString();
    }

    private static void grid(StringBuilder svg, long from, long to)
    {
        for (int percent = 0; percent <= 100; percent += 25) {
            double y = y(percent);
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#ddd\"/>");
            svg.append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(fmt(y + 4)).append("\" text-anchor=\"end\" class=\"axis\">")
                    .append(percent).append("%</text>");
        }
        for (int i = 0; i <= 4; i++) {
            long at = from + (to - from) * i / 4;
            double x = x(at, from, to);
            svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(HEIGHT - 8).append("\" text-anchor=\"middle\" class=\"axis\">")
                    .append(HOUR.format(Instant.ofEpochMilli(at))).append("</text>");
        }
    }

    private static void line(StringBuilder svg, String name, String colour, List<Point> points, ToDoubleFunction<Point> value, long from, long to,
            long gapMillis)
    {
        List<List<Point>> runs = new ArrayList<>();
        List<Point> run = new ArrayList<>();
        Point previous = null;
        for (Point point : points) {
            if (previous != null && point.atMillis() - previous.atMillis() > gapMillis) {
                runs.add(run);
                run = new ArrayList<>();
            }
            run.add(point);
            previous = point;
        }
        runs.add(run);
        for (List<Point> segment : runs) {
            if (segment.size() == 1) {
                // a lone reading between gaps: a dot, since a one-point polyline draws nothing
                Point p = segment.getFirst();
                svg.append("<circle class=\"").append(name).append("\" cx=\"").append(fmt(x(p.atMillis(), from, to))).append("\" cy=\"")
                        .append(fmt(y(value.applyAsDouble(p)))).append("\" r=\"2\" fill=\"").append(colour).append("\"/>");
                continue;
            }
            svg.append("<polyline class=\"").append(name).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"");
            for (Point p : segment) {
                svg.append(fmt(x(p.atMillis(), from, to))).append(',').append(fmt(y(value.applyAsDouble(p)))).append(' ');
            }
            svg.setLength(svg.length() - 1);
            svg.append("\"/>");
        }
    }

    private static void legend(StringBuilder svg)
    {
        int x = WIDTH - RIGHT - 200;
        svg.append("<rect x=\"").append(x).append("\" y=\"6\" width=\"10\" height=\"10\" fill=\"#1f6feb\"/>")
                .append("<text x=\"").append(x + 14).append("\" y=\"15\" class=\"legend\">CPU %</text>")
                .append("<rect x=\"").append(x + 80).append("\" y=\"6\" width=\"10\" height=\"10\" fill=\"#d9822b\"/>")
                .append("<text x=\"").append(x + 94).append("\" y=\"15\" class=\"legend\">memory used %</text>");
    }

    private static double x(long at, long from, long to)
    {
        double share = Math.clamp((double) (at - from) / (to - from), 0, 1);
        return LEFT + share * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double percent)
    {
        double value = Double.isFinite(percent) ? Math.clamp(percent, 0, 100) : 0;
        return TOP + (1 - value / 100) * (HEIGHT - TOP - BOTTOM);
    }

    private static String fmt(double value)
    {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** XML text and attribute escaping; control characters (not allowed in XML 1.0) become U+FFFD. */
    static String escape(String text)
    {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f || (c >= 0xfffe && c <= 0xffff)) {
                        out.append('\uFFFD');
                    }
                    else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
