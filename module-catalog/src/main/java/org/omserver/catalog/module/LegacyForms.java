package org.omserver.catalog.module;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Safelist;

import static java.util.Objects.requireNonNull;

/**
 * OMServer's {@code module_extend}: an HTML fragment with at most the form controls {@code sys_param_1} and
 * {@code sys_param_2}. It is cleaned with jsoup's allow-list {@link Safelist} (form controls and plain text only:
 * no script, style, event handler, URL, form or anything else), then a second pass keeps only controls named
 * {@code sys_param_1}/{@code sys_param_2} (first one of each) and text/number inputs. The cleaned fragment is
 * what browsers get; the fields it declares become the module's parameters when it has no {@code param_schema}.
 */
public final class LegacyForms
{
    public static final Set<String> FIELD_NAMES = Set.of("sys_param_1", "sys_param_2");
    /** Longest fragment accepted for saving (OMServer's column was varchar(2000)). */
    public static final int MAX_LENGTH = 8000;

    private static final Safelist CONTROLS = new Safelist()
            .addTags("input", "select", "option", "textarea", "label", "br")
            .addAttributes("input", "type", "name", "value", "maxlength", "min", "max", "size")
            .addAttributes("select", "name")
            .addAttributes("option", "value", "selected")
            .addAttributes("textarea", "name", "maxlength", "rows", "cols");
    private static final Set<String> INPUT_TYPES = Set.of("text", "number");
    private static final int MAX_TEXT_LENGTH = 2000;

    private LegacyForms() {}

    /** The fragment reduced to allowed controls and plain text; safe to insert into a page as HTML. */
    public static String sanitize(String html)
    {
        requireNonNull(html, "html is null");
        Document.OutputSettings compact = new Document.OutputSettings().prettyPrint(false);
        Document document = Jsoup.parseBodyFragment(Jsoup.clean(html, "", CONTROLS, compact));
        document.outputSettings(compact);
        Set<String> seen = new HashSet<>();
        for (Element control : document.body().select("input, select, textarea")) {
            String name = control.attr("name");
            if (control.tagName().equals("input")) {
                String type = control.attr("type").isEmpty() ? "text" : control.attr("type").toLowerCase(java.util.Locale.ROOT);
                if (!INPUT_TYPES.contains(type)) {
                    control.remove();
                    continue;
                }
                control.attr("type", type);
            }
            if (!FIELD_NAMES.contains(name) || !seen.add(name)) {
                control.remove();
            }
        }
        // an option outside a select (the select was removed) is only its text
        document.body().select("option").stream().filter(option -> option.parent() == null || !option.parent().tagName().equals("select"))
                .forEach(Element::unwrap);
        return document.body().html();
    }

    /** The parameters a sanitized fragment declares: number input → INT, text input / textarea → STRING, select → ENUM. */
    public static List<ParamSpec> params(String sanitizedHtml)
    {
        Document document = Jsoup.parseBodyFragment(requireNonNull(sanitizedHtml, "sanitizedHtml is null"));
        List<ParamSpec> specs = new ArrayList<>();
        for (Element control : document.body().select("input, select, textarea")) {
            String name = control.attr("name");
            if (!FIELD_NAMES.contains(name)) {
                continue;
            }
            String label = label(control).orElse(name);
            switch (control.tagName()) {
                case "select" -> {
                    Map<String, String> choices = new LinkedHashMap<>();
                    Optional<String> selected = Optional.empty();
                    for (Element option : control.select("option")) {
                        String shown = option.text().isEmpty() ? option.attr("value") : option.text();
                        String value = option.hasAttr("value") ? option.attr("value") : option.text();
                        if (!shown.isEmpty() && !value.isEmpty() && !choices.containsKey(shown)) {
                            choices.put(shown, value);
                            if (option.hasAttr("selected") && selected.isEmpty()) {
                                selected = Optional.of(shown);
                            }
                        }
                    }
                    if (!choices.isEmpty()) {
                        specs.add(new ParamSpec(name, label, ParamType.ENUM, true, selected, OptionalLong.empty(), OptionalLong.empty(),
                                choices, Optional.empty(), 256, ""));
                    }
                }
                case "input" -> {
                    Optional<String> value = Optional.of(control.attr("value")).filter(text -> !text.isEmpty());
                    if (control.attr("type").equals("number")) {
                        ParamSpec spec = new ParamSpec(name, label, ParamType.INT, true, Optional.empty(), number(control, "min"),
                                number(control, "max"), Map.of(), Optional.empty(), 256, "");
                        specs.add(withValidDefault(spec, value));
                    }
                    else {
                        specs.add(withValidDefault(text(control, name, label), value));
                    }
                }
                default -> specs.add(withValidDefault(text(control, name, label), Optional.of(control.text()).filter(text -> !text.isEmpty())));
            }
        }
        return specs;
    }

    private static ParamSpec text(Element control, String name, String label)
    {
        int maxLength = 256;
        try {
            if (!control.attr("maxlength").isEmpty()) {
                maxLength = Math.clamp(Integer.parseInt(control.attr("maxlength")), 1, MAX_TEXT_LENGTH);
            }
        }
        catch (NumberFormatException e) {
            // a broken maxlength keeps the default bound
        }
        return new ParamSpec(name, label, ParamType.STRING, true, Optional.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Map.of(), Optional.empty(), maxLength, "");
    }

    /** A value attribute becomes the default only when it is itself valid for the field. */
    private static ParamSpec withValidDefault(ParamSpec spec, Optional<String> value)
    {
        ParamSpec candidate = new ParamSpec(spec.name(), spec.label(), spec.type(), spec.required(), value, spec.min(), spec.max(),
                spec.choices(), spec.pattern(), spec.maxLength(), spec.help());
        return value.isPresent() && ParamValidator.checkDefaults(List.of(candidate)).isEmpty() ? candidate : spec;
    }

    private static OptionalLong number(Element control, String attribute)
    {
        try {
            return control.attr(attribute).isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(control.attr(attribute)));
        }
        catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The text of the label wrapping the control, or of the label just before it. */
    private static Optional<String> label(Element control)
    {
        Element parent = control.parent();
        if (parent != null && parent.tagName().equals("label")) {
            return Optional.of(parent.ownText().trim()).filter(text -> !text.isEmpty());
        }
        Element previous = control.previousElementSibling();
        if (previous != null && previous.tagName().equals("label")) {
            return Optional.of(previous.text().trim()).filter(text -> !text.isEmpty());
        }
        return Optional.empty();
    }
}
