package org.omserver.catalog.module;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestParamValidator
{
    private static final ParamSpec LINES = new ParamSpec("sys_param_1", "Lines", ParamType.INT, true, Optional.of("50"),
            OptionalLong.of(1), OptionalLong.of(999), Map.of(), Optional.empty(), 256, "");
    private static final ParamSpec SERVICE;
    private static final ParamSpec NAME = new ParamSpec("name", "Name", ParamType.STRING, true, Optional.empty(),
            OptionalLong.empty(), OptionalLong.empty(), Map.of(), Optional.of("[a-z][a-z0-9_-]*"), 16, "");
    private static final ParamSpec OFFSET = new ParamSpec("offset", "Offset", ParamType.INT, false, Optional.empty(),
            OptionalLong.of(-10), OptionalLong.of(10), Map.of(), Optional.empty(), 256, "");

    static {
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("nginx", "/usr/local/nginx/conf/nginx.conf");
        choices.put("apache", "/etc/httpd/conf/httpd.conf");
        SERVICE = new ParamSpec("sys_param_2", "Service", ParamType.ENUM, true, Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty(), choices, Optional.empty(), 256, "");
    }

    private static final ModuleDefinition MODULE = new ModuleDefinition(9001, "test", "caption", Optional.empty(), "any",
            List.of(LINES, SERVICE, NAME, OFFSET), List.of("x", "${sys_param_1}", "${sys_param_2}", "${name}"),
            Duration.ofSeconds(60), false, true);

    @Test
    void acceptsGoodValuesAndAppliesDefaults()
            throws ParameterException
    {
        ValidatedParams params = ParamValidator.validate(MODULE, Map.of("sys_param_2", "apache", "name", "web-1"));
        assertThat(params.values()).isEqualTo(Map.of("sys_param_1", "50", "sys_param_2", "/etc/httpd/conf/httpd.conf", "name", "web-1"));
        assertThat(params.shown()).isEqualTo(Map.of("sys_param_1", "50", "sys_param_2", "apache", "name", "web-1"));

        ValidatedParams empty = ParamValidator.validate(MODULE, Map.of("sys_param_1", "", "sys_param_2", "nginx", "name", "a"));
        assertThat(empty.values()).containsEntry("sys_param_1", "50").doesNotContainKey("offset");
    }

    @Test
    void integersAreCanonical()
            throws ParameterException
    {
        ValidatedParams params = ParamValidator.validate(MODULE, Map.of("sys_param_1", "007", "sys_param_2", "nginx", "name", "a", "offset", "-0"));
        assertThat(params.values()).containsEntry("sys_param_1", "7").containsEntry("offset", "0");
        assertThat(params.shown()).containsEntry("sys_param_1", "007").containsEntry("offset", "-0");
        assertThat(ParamValidator.validate(MODULE, Map.of("sys_param_1", "999", "sys_param_2", "nginx", "name", "a", "offset", "-10")).values())
                .containsEntry("sys_param_1", "999").containsEntry("offset", "-10");
    }

    @Test
    void refusesMalformedIntegers()
    {
        assertRefused("abc", "sys_param_1 must be a whole number from 1 to 999, was 'abc'");
        assertRefused("1e3", "sys_param_1 must be a whole number from 1 to 999, was '1e3'");
        assertRefused(" 5", "sys_param_1 must be a whole number from 1 to 999, was ' 5'");
        assertRefused("5 ", "sys_param_1 must be a whole number from 1 to 999, was '5 '");
        assertRefused("+5", "sys_param_1 must be a whole number from 1 to 999, was '+5'");
        assertRefused("-0", "sys_param_1 must be a whole number from 1 to 999, was '-0'");
        assertRefused("0", "sys_param_1 must be a whole number from 1 to 999, was '0'");
        assertRefused("1000", "sys_param_1 must be a whole number from 1 to 999, was '1000'");
        assertRefused("5.0", "sys_param_1 must be a whole number from 1 to 999, was '5.0'");
        assertRefused("٥", "sys_param_1 must be a whole number from 1 to 999, was '٥'");
        assertRefused("9223372036854775808", "sys_param_1 must be a whole number from 1 to 999, was '9223372036854775808'");
        assertRefused("-9223372036854775809", "sys_param_1 must be a whole number from 1 to 999, was '-9223372036854775809'");
        assertRefused("9".repeat(100_000), "sys_param_1 must be a whole number from 1 to 999, was '" + "9".repeat(40) + "...' (100000 characters)");
        assertRefused("50; rm -rf /", "sys_param_1 must be a whole number from 1 to 999, was '50; rm -rf /'");
        assertRefused("$(id)", "sys_param_1 must be a whole number from 1 to 999, was '$(id)'");
        assertRefused("`id`", "sys_param_1 must be a whole number from 1 to 999, was '`id`'");
    }

    @Test
    void refusesControlCharactersInAnyValue()
    {
        assertRefused("5\n", "sys_param_1 must not contain control characters (newline, tab, NUL...): give a whole number from 1 to 999, was '5\\u000a'");
        assertRefused("5\0", "sys_param_1 must not contain control characters (newline, tab, NUL...): give a whole number from 1 to 999, was '5\\u0000'");
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "nginx", "name", "ab\u0000c")))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("name must not contain control characters")
                .hasMessageContaining("'ab\\u0000c'");
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "nginx\r\n", "name", "a")))
                .hasMessageContaining("sys_param_2 must not contain control characters")
                .hasMessageContaining("one of nginx, apache");
    }

    @Test
    void refusesUnknownChoicesExactly()
    {
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "NGINX", "name", "a")))
                .hasMessageContaining("sys_param_2 must be one of nginx, apache (exact spelling), was 'NGINX'");
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "nginx ", "name", "a")))
                .hasMessageContaining("sys_param_2 must be one of nginx, apache (exact spelling), was 'nginx '");
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "/etc/shadow", "name", "a")))
                .hasMessageContaining("was '/etc/shadow'");
    }

    @Test
    void refusesStringsOffPatternOrTooLong()
    {
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "nginx", "name", "a; rm -rf /")))
                .hasMessageContaining("name must be text of at most 16 characters matching [a-z][a-z0-9_-]*, was 'a; rm -rf /'");
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "nginx", "name", "a".repeat(17))))
                .hasMessageContaining("name must be at most 16 characters, was 17 characters long");
        // the pattern must match the whole value, not a part of it
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "nginx", "name", "ok$(id)")))
                .hasMessageContaining("name must be text of at most 16 characters matching");
    }

    @Test
    void refusesMissingRequiredAndUnknownFieldsAllAtOnce()
    {
        Map<String, String> raw = new HashMap<>();
        raw.put("sys_param_3", "x");
        raw.put("name", null);
        raw.put(null, "x");
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, raw))
                .isInstanceOfSatisfying(ParameterException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "unknown field 'sys_param_3'; module 9001 takes sys_param_1, sys_param_2, name, offset",
                        "unknown field (null); module 9001 takes sys_param_1, sys_param_2, name, offset",
                        "sys_param_2 is required: give one of nginx, apache",
                        "name is required: give text of at most 16 characters matching [a-z][a-z0-9_-]*"));

        ModuleDefinition noParams = new ModuleDefinition(1004, "lsmod", "", Optional.empty(), "any", List.of(), List.of("lsmod"),
                Duration.ofSeconds(60), false, true);
        assertThatThrownBy(() -> ParamValidator.validate(noParams, Map.of("sys_param_1\n", "1")))
                .hasMessageContaining("unknown field 'sys_param_1\\u000a'; module 1004 takes no parameters");
    }

    private static void assertRefused(String lines, String message)
    {
        assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_1", lines, "sys_param_2", "nginx", "name", "a")))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining(message);
    }

    private static final ParamSpec FLAG = new ParamSpec("flag", "Flag", ParamType.BOOLEAN, false, Optional.of("false"),
            OptionalLong.empty(), OptionalLong.empty(), Map.of(), Optional.empty(), 256, "");
    private static final ParamSpec BUNDLE = new ParamSpec("bundle", "Bundle", ParamType.FILE, false, Optional.empty(),
            OptionalLong.empty(), OptionalLong.empty(), Map.of(), Optional.empty(), 256, "");
    private static final ParamSpec TOKEN = new ParamSpec("token", "Token", ParamType.SECRET, false, Optional.empty(),
            OptionalLong.empty(), OptionalLong.empty(), Map.of(), Optional.of("[A-Za-z0-9]+"), 32, "");
    private static final ModuleDefinition TYPED = new ModuleDefinition(9002, "typed", "caption", Optional.empty(), "any",
            List.of(FLAG, BUNDLE, TOKEN), List.of("x", "${flag}"), Duration.ofSeconds(60), false, true);

    @Test
    void booleanFileAndSecretAcceptGoodValues()
            throws ParameterException
    {
        ValidatedParams params = ParamValidator.validate(TYPED, Map.of("flag", "true", "bundle", "nginx-1.2.tar.gz", "token", "s3cr3tValue"));
        assertThat(params.values()).containsEntry("flag", "true").containsEntry("bundle", "nginx-1.2.tar.gz").containsEntry("token", "s3cr3tValue");
        assertThat(params.shown()).containsEntry("token", ParamValidator.MASK).doesNotContainValue("s3cr3tValue");
        assertThat(ParamValidator.validate(TYPED, Map.of()).values()).containsEntry("flag", "false");
    }

    @Test
    void hostileValuesAreRefusedForEveryType()
    {
        List<String> hostile = List.of("; rm -rf /", "$(reboot)", "`id`", "a\nb", "a\0b", "x".repeat(100_000), "../../etc/passwd");
        for (String value : hostile) {
            assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("flag", value))).as(value).hasMessageContaining("flag must");
            assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("bundle", value))).as(value)
                    .hasMessageContaining("bundle must").hasMessageContaining("a file name from the file store");
            assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("token", value))).as(value)
                    .hasMessageContaining("token must");
            assertThatThrownBy(() -> ParamValidator.validate(MODULE, Map.of("sys_param_2", "nginx", "name", value))).as(value)
                    .hasMessageContaining("name must");
        }
        assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("bundle", ".hidden"))).hasMessageContaining("bundle must");
        assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("bundle", "a..b"))).hasMessageContaining("no '..'");
        assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("flag", "TRUE"))).hasMessageContaining("flag must be true or false, was 'TRUE'");
    }

    @Test
    void aRefusedSecretIsNeverQuoted()
    {
        assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("token", "hunter2!")))
                .hasMessageContaining("token must be secret text of at most 32 characters matching [A-Za-z0-9]+, was (secret, not shown)")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ParamValidator.validate(TYPED, Map.of("token", "hunter\n2")))
                .hasMessageContaining("must not contain control characters").hasMessageNotContaining("hunter");
    }
}
