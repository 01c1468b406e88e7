package org.omserver.catalog.module;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
    void plainTextStaysTextAndEmptyInputGivesNothing()
    {
        assertThat(LegacyForms.sanitize("Service &amp; port")).isEqualTo("Service &amp; port");
        assertThat(LegacyForms.sanitize("")).isEmpty();
        assertThat(LegacyForms.params(LegacyForms.sanitize("no controls here"))).isEmpty();
    }
}
