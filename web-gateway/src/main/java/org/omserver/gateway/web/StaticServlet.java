package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /static/*}: a fixed list of files from the classpath, loaded once. No directory listing, no paths:
 * a name not on the list is 404.
 */
final class StaticServlet
        extends HttpServlet
{
    private static final Map<String, String> FILES = Map.of(
            "run.js", "text/javascript;charset=utf-8",
            "job.js", "text/javascript;charset=utf-8",
            "style.css", "text/css;charset=utf-8");

    private final transient Map<String, byte[]> contents;

    StaticServlet()
    {
        contents = FILES.keySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(name -> name, StaticServlet::load));
    }

    private static byte[] load(String name)
    {
        try (InputStream in = StaticServlet.class.getResourceAsStream("/static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("static file " + name + " is missing from the gateway jar");
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        String path = request.getPathInfo();
        String name = path == null ? "" : path.substring(1);
        byte[] content = contents.get(name);
        if (content == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setContentType(FILES.get(name));
        response.setContentLength(content.length);
        response.getOutputStream().write(content);
    }
}
