package org.omserver.gateway;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;

/** One browser: its own cookie jar (so its own session), no automatic redirects. */
public final class TestingBrowser
{
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final URI base;
    private final HttpClient client;

    public TestingBrowser(URI base)
    {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public HttpResponse<String> get(String path, String... headers)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET whose body is read line by line as it arrives (event streams). */
    public HttpResponse<java.util.stream.Stream<String>> stream(String path)
            throws IOException, InterruptedException
    {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
    }

    /** Form POST; pairs as name, value, name, value… (names may repeat). */
    public HttpResponse<String> post(String path, List<String> pairs)
            throws IOException, InterruptedException
    {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.size(); i += 2) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(pairs.get(i), UTF_8)).append('=').append(URLEncoder.encode(pairs.get(i + 1), UTF_8));
        }
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Any method with a body of the given type (API calls that carry this browser's cookie). */
    public HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException
    {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data POST with one file part named {@code fileField} and text fields as name, value, … pairs. */
    public HttpResponse<String> postFile(String path, List<String> pairs, String fileField, String fileName, byte[] content)
            throws IOException, InterruptedException
    {
        String boundary = "----omserver" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < pairs.size(); i += 2) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + pairs.get(i) + "\"\r\n\r\n" + pairs.get(i + 1) + "\r\n").getBytes(UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(UTF_8));
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    public static String csrf(HttpResponse<String> page)
    {
        Matcher matcher = CSRF.matcher(page.body());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF field on page:\n" + page.body());
        }
        return matcher.group(1);
    }

    /** Logs in as admin; returns the CSRF token of the logged-in session (from the run page). */
    public String login()
            throws IOException, InterruptedException
    {
        return login("admin", "s3cret");
    }

    /** Logs in; returns the CSRF token of the logged-in session (from the run page). */
    public String login(String username, String password)
            throws IOException, InterruptedException
    {
        HttpResponse<String> form = get("/login");
        HttpResponse<String> reply = post("/login", List.of("csrf", csrf(form), "username", username, "password", password));
        if (reply.statusCode() != 303) {
            throw new AssertionError("login failed: " + reply.statusCode() + "\n" + reply.body());
        }
        return csrf(get("/"));
    }

    static String query(Map<String, String> values)
    {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), UTF_8)).collect(Collectors.joining("&"));
    }
}
