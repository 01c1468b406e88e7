package org.omserver.gateway.web;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestSvgChart
{
    private static final long FROM = 1_700_000_000_000L;
    private static final long TO = FROM + Duration.ofHours(24).toMillis();
    private static final long MINUTE = 60_000;
    private static final long GAP = 3 * MINUTE;

    @Test
    void hostileTextIsEscapedAndTheResultIsWellFormedXmlWithoutScript()
            throws Exception
    {
        String svg = SvgChart.render("host <script>alert(1)</script> & \"q\" 'a' \u0001\u0007", FROM, TO,
                List.of(point(10, 5, 1, 2), point(11, 6, 1, 2)), GAP);
        assertThat(svg).doesNotContain("<script").doesNotContain("\u0001").contains("&lt;script&gt;").contains("&amp;").contains("&quot;q&quot;");
        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
        assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).startsWith("host <script>alert(1)</script> & \"q\" 'a' ");
    }

    @Test
    void noReadingsSayNoHeartbeatsAndDrawNoLine()
            throws Exception
    {
        String svg = SvgChart.render("web01", FROM, TO, List.of(), GAP);
        parse(svg);
        assertThat(svg).contains("no heartbeats in this window").doesNotContain("<polyline").doesNotContain("<circle");
    }

    @Test
    void missingHeartbeatsBreakTheLineAndALoneReadingIsADot()
            throws Exception
    {
        // minutes 0..2 joined, a gap, 60 alone, a gap, 120..121 joined
        List<SvgChart.Point> points = List.of(point(0, 10, 1, 4), point(1, 20, 2, 4), point(2, 30, 3, 4), point(60, 50, 2, 4),
                point(120, 70, 1, 4), point(121, 80, 1, 4));
        String svg = SvgChart.render("web01", FROM, TO, points, GAP);
        Document doc = parse(svg);
        // two polylines each for cpu and memory, one dot each
        assertThat(count(svg, "<polyline class=\"cpu\"")).isEqualTo(2);
        assertThat(count(svg, "<polyline class=\"mem\"")).isEqualTo(2);
        assertThat(count(svg, "<circle class=\"cpu\"")).isEqualTo(1);
        assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(4);
        Matcher first = Pattern.compile("<polyline class=\"cpu\"[^>]*points=\"([^\"]*)\"").matcher(svg);
        assertThat(first.find()).isTrue();
        assertThat(first.group(1).split(" ")).hasSize(3);
    }

    @Test
    void valuesAreClampedIntoThePlotAndTimesIntoTheWindow()
            throws Exception
    {
        String svg = SvgChart.render("web01", FROM, TO, List.of(new SvgChart.Point(FROM - MINUTE, 250, 5, 0), new SvgChart.Point(TO + MINUTE, Double.NaN, 9, 4)),
                Long.MAX_VALUE);
        parse(svg);
        Matcher points = Pattern.compile("<polyline class=\"cpu\"[^>]*points=\"([^\"]*)\"").matcher(svg);
        assertThat(points.find()).isTrue();
        for (String xy : points.group(1).split(" ")) {
            double x = Double.parseDouble(xy.split(",")[0]);
            double y = Double.parseDouble(xy.split(",")[1]);
            assertThat(x).isBetween(0.0, (double) SvgChart.WIDTH);
            assertThat(y).isBetween(0.0, (double) SvgChart.HEIGHT);
        }
        assertThat(svg).doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void anEmptyWindowIsRefused()
    {
        assertThatThrownBy(() -> SvgChart.render("web01", TO, FROM, List.of(), GAP)).hasMessageContaining("the window must end after it starts");
    }

    private static SvgChart.Point point(long minute, double cpu, long used, long total)
    {
        return new SvgChart.Point(FROM + minute * MINUTE, cpu, used, total);
    }

    private static int count(String text, String part)
    {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static Document parse(String svg)
            throws Exception
    {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }
}
