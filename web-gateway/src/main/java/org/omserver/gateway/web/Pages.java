package org.omserver.gateway.web;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.session.Sessions;

import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Renders the Freemarker templates under {@code /templates}. They are {@code .ftlh}, so every {@code ${...}} is
 * HTML-escaped unless a template says {@code ?no_esc} (only the JSON data block does, with JSON made safe by
 * {@link SafeJson}). Every page gets {@code user} (or nothing) and {@code csrf}, the session's form token.
 */
public final class Pages
{
    private final Configuration freemarker;

    public Pages()
    {
        freemarker = new Configuration(Configuration.VERSION_2_3_35);
        freemarker.setClassForTemplateLoading(Pages.class, "/templates");
        freemarker.setDefaultEncoding("UTF-8");
        freemarker.setOutputEncoding("UTF-8");
        freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        freemarker.setLogTemplateExceptions(false);
        freemarker.setWrapUncheckedExceptions(true);
        freemarker.setFallbackOnNullLoopVariable(false);
        freemarker.setAPIBuiltinEnabled(false);
        freemarker.setNumberFormat("computer");
    }

    public void render(HttpServletRequest request, HttpServletResponse response, int status, String template, Map<String, ?> model)
            throws IOException
    {
        Map<String, Object> all = new HashMap<>(model);
        Sessions.user(request).ifPresent(user -> all.put("user",
                Map.of("username", user.username(), "role", user.role().name().toLowerCase(java.util.Locale.ROOT))));
        all.put("csrf", Sessions.csrfToken(request));
        all.put("csrfField", Sessions.CSRF_FIELD);
        Template compiled = freemarker.getTemplate(template + ".ftlh");
        // render fully before committing, so a template error becomes a clean 500 and not half a page
        java.io.StringWriter buffer = new java.io.StringWriter();
        try {
            compiled.process(all, buffer);
        }
        catch (TemplateException e) {
            throw new IOException("template " + template + " failed: " + e.getMessageWithoutStackTop(), e);
        }
        UnreadBody.discard(request, response);
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.setCharacterEncoding(UTF_8.name());
        Writer writer = response.getWriter();
        writer.write(buffer.toString());
    }

    /** A page with a title and a message, e.g. the master unreachable page or the expired form page. */
    public void message(HttpServletRequest request, HttpServletResponse response, int status, String title, String message)
            throws IOException
    {
        render(request, response, status, "message", Map.of("title", title, "message", message));
    }
}
