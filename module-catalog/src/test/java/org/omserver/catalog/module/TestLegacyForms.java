package org.omserver.catalog.module;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestLegacyForms
{
    @Test
    void keepsOmserverStyleControlsAndDerivesTheirParameters()
    {
        String html = LegacyForms.sanitize("Lines: <input type=\"text\" name=\"sys_param_1\" value=\"50\" maxlength=\"3\"> "
                + "<select name=\"sys_param_2\"><option value=\"nginx\">nginx</option><option value=\"/etc/my.cnf\" selected>mysql</option></select>");
        assertThat(html).contains("<input type=\"text\" name=\"sys_param_1\" value=\"50\" maxlength=\"3\">")
                .contains("<select name=\"sys_param_2\">").contains("Lines:");
        List<ParamSpec> params = LegacyForms.params(html);
        assertThat(params).extracting(ParamSpec::name).containsExactly("sys_param_1", "sys_param_2");
        assertThat(params.get(0).type()).isEqualTo(ParamType.STRING);
        assertThat(params.get(0).maxLength()).isEqualTo(3);
        assertThat(params.get(0).defaultValue()).contains("50");
        assertThat(params.get(1).type()).isEqualTo(ParamType.ENUM);
        assertThat(params.get(1).choices()).containsEntry("nginx", "nginx").containsEntry("mysql", "/etc/my.cnf");
        assertThat(params.get(1).defaultValue()).contains("mysql");
        assertThat(LegacyForms.params(LegacyForms.sanitize("<input type=number name=sys_param_1 min=1 max=999>")).getFirst())
                .satisfies(spec -> {
                    assertThat(spec.type()).isEqualTo(ParamType.INT);
                    assertThat(spec.max().getAsLong()).isEqualTo(999);
                });
    }

    @Test
    void removesScriptsHandlersUrlsStylesAndForeignControls()
    {
        String hostile = "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)><circle/></svg>"
                + "<input name=\"sys_param_1\" onfocus=\"alert(4)\" autofocus style=\"background:url(javascript:alert(5))\">"
                + "<a href=\"javascript:alert(6)\">click</a><form action=\"https://evil.example\"><form><input name=\"sys_param_2\" formaction=\"//evil\"></form></form>"
                + "<iframe src=\"//evil\"></iframe><input type=\"hidden\" name=\"sys_param_1\" value=\"x\"><input type=image src=x name=sys_param_2>"
                + "<input name=\"csrf\"><textarea name=\"password\"></textarea><button formaction=x>go</button>"
                + "<select name=\"sys_param_1\" onchange=\"alert(7)\"><option>dup</option></select>"
                + "&lt;script&gt;alert(8)&lt;/script&gt;<math><mi xlink:href=\"javascript:alert(9)\">m</mi></math>"
                + "<style>*{}</style><base href=\"//evil\"><meta http-equiv=refresh content=\"0;url=//evil\"><label for=x onclick=alert(10)>L</label>";
        String html = LegacyForms.sanitize(hostile);
        assertThat(html.toLowerCase())
                .doesNotContain("<script").doesNotContain("onerror").doesNotContain("onload").doesNotContain("onfocus")
                .doesNotContain("onchange").doesNotContain("onclick").doesNotContain("style").doesNotContain("javascript:")
                .doesNotContain("href").doesNotContain("src=").doesNotContain("<form").doesNotContain("action")
                .doesNotContain("<iframe").doesNotContain("<svg").doesNotContain("<img").doesNotContain("<a ").doesNotContain("<base")
                .doesNotContain("<meta").doesNotContain("hidden").doesNotContain("csrf").doesNotContain("password")
                .doesNotContain("<button").doesNotContain("autofocus").doesNotContain("<math");
        assertThat(html).contains("&lt;script&gt;alert(8)&lt;/script&gt;");
        // one control per field: the first sys_param_1 and the first sys_param_2 remain, nothing else
        assertThat(LegacyForms.params(html)).extracting(ParamSpec::name).containsExactly("sys_param_1", "sys_param_2");
        assertThat(LegacyForms.sanitize(html)).isEqualTo(html);
    }

    @Test
    void obfuscatedScriptsCommentsAndAttributeBreakoutsStayInert()
    {
        String hostile = "<SCRIPT>alert(1)</SCRIPT><scr<script>ipt>alert(2)</script><img/src=x/onerror=alert(3)>"
                + "<input name=\"sys_param_1\" ONFOCUS=\"alert(4)\" value='\"><script>alert(5)</script>'>"
                + "<!--<script>alert(6)</script>--><![CDATA[<script>alert(7)</script>]]>"
                + "<select name=sys_param_2><option value=\"x&quot; onmouseover=&quot;alert(8)\">x</option></select>"
                + "<a href=\"&#106;avascript:alert(9)\">j</a><svg><script>alert(10)</script></svg><noscript><p title=\"</noscript><img src=x onerror=alert(11)>\">";
        String html = LegacyForms.sanitize(hostile);
        assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("onfocus").doesNotContain("onerror").doesNotContain("<img")
                .doesNotContain("<a ").doesNotContain("<!--").doesNotContain("cdata").doesNotContain("javascript").doesNotContain("<svg")
                .doesNotContain("<noscript");
        // what tried to break out of an attribute is the attribute's text, escaped; no element has a handler attribute
        assertThat(html).contains("value=\"&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;\"").doesNotContain("\"><script>");
        assertThat(org.jsoup.Jsoup.parseBodyFragment(html).body().getAllElements()).allSatisfy(element ->
                assertThat(element.attributes().asList()).noneMatch(attribute -> attribute.getKey().toLowerCase().startsWith("on")));
        List<ParamSpec> params = LegacyForms.params(html);
        assertThat(params).extracting(ParamSpec::name).containsExactly("sys_param_1", "sys_param_2");
        assertThat(params.get(1).choices()).containsEntry("x", "x\" onmouseover=\"alert(8)");
        assertThat(LegacyForms.sanitize(html)).isEqualTo(html);
    }

    @Test
    void controlCharactersAndOverLongFragmentsAreRefusedOrNeutralised()
    {
        String html = LegacyForms.sanitize("Lines\0:<input name=\"sys_param_1\" value=\"5\n0\"> <input name=\"sys_param_2\" value=\"a\0b\">");
        assertThat(html).doesNotContain("\0");
        // a value with a control character is no default: the validator would refuse it on a run
        assertThat(LegacyForms.params(html)).allSatisfy(spec -> assertThat(spec.defaultValue().orElse("")).doesNotContainPattern("\\p{Cntrl}"));
        String longFragment = "<input name=\"sys_param_1\">" + "x".repeat(LegacyForms.MAX_LENGTH);
        assertThatThrownBy(() -> ModuleFiles.read("{\"name\": \"x\", \"legacyExtend\": \"" + longFragment.replace("\"", "\\\"") + "\"}"))
                .isInstanceOf(InvalidModuleException.class).hasMessageContaining("legacyExtend must be at most " + LegacyForms.MAX_LENGTH + " characters");
        // a huge hostile fragment is cleaned in bounded time and size, never echoed raw
        String huge = "<script>".repeat(50_000) + "<input name=sys_param_1 onfocus=x>";
        String cleaned = LegacyForms.sanitize(huge);
        assertThat(cleaned).doesNotContain("<script").doesNotContain("onfocus");
        assertThat(cleaned.length()).isLessThan(huge.length());
    }

    @Test
    void shellMetacharactersInDerivedChoicesReachTheCommandAsOneWholeArgument()
            throws ParameterException
    {
        String html = LegacyForms.sanitize("<select name=sys_param_1><option value=\"; rm -rf /\">danger</option><option value=\"$(id)\">sub</option>"
                + "<option value=\"`id`\">tick</option><option value=\"a&#10;b\">newline</option></select>");
        List<ParamSpec> params = LegacyForms.params(html);
        ModuleDefinition module = new ModuleDefinition(9101, "legacy", "", java.util.Optional.of(html), "any", params,
                List.of("echo", "${sys_param_1}"), java.time.Duration.ofSeconds(60), false, true);
        for (Map.Entry<String, String> choice : Map.of("danger", "; rm -rf /", "sub", "$(id)", "tick", "`id`", "newline", "a\nb").entrySet()) {
            ValidatedParams values = ParamValidator.validate(module, Map.of("sys_param_1", choice.getKey()));
            assertThat(CommandTemplate.render(module.argvTemplate(), values)).containsExactly("echo", choice.getValue());
        }
        // the value itself is not a choice: only the shown labels are
        assertThatThrownBy(() -> ParamValidator.validate(module, Map.of("sys_param_1", "; rm -rf /"))).isInstanceOf(ParameterException.class);
    }

    @Test
    void plainTextStaysTextAndEmptyInputGivesNothing()
    {
        assertThat(LegacyForms.sanitize("Service &amp; port")).isEqualTo("Service &amp; port");
        assertThat(LegacyForms.sanitize("")).isEmpty();
        assertThat(LegacyForms.params(LegacyForms.sanitize("no controls here"))).isEmpty();
    }
}
