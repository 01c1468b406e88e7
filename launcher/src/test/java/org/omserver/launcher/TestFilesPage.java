package org.omserver.launcher;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.omserver.gateway.TestingBrowser;
import org.omserver.master.files.FileStore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.omserver.launcher.TestingStack.PASSWORD;

/** The /files page on a running stack (gateway, master on MariaDB, file store on disk): list, upload, re-hash, remove, CSRF, roles. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestFilesPage
{
    private TestingStack stack;
    private FileStore store;

    @BeforeAll
    void start()
            throws Exception
    {
        stack = new TestingStack();
        store = stack.master().files().orElseThrow();
    }

    @AfterAll
    void stop()
    {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAdminUploadsListsRehashesAndRemovesAFile()
            throws Exception
    {
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        String csrf = admin.login("admin", PASSWORD);
        byte[] content = new byte[2_500_000];
        new Random(11).nextBytes(content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        HttpResponse<String> uploaded = admin.postFile("/files/upload?csrf=" + URLEncoder.encode(csrf, UTF_8), List.of("name", "page.bin"), "file", "local.bin", content);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(303);
        assertThat(Files.readAllBytes(store.dir().resolve("page.bin"))).isEqualTo(content);

        HttpResponse<String> page = admin.get(uploaded.headers().firstValue("Location").orElseThrow());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Stored page.bin (2500000 bytes, sha256 " + sha256 + ").").contains("<td>page.bin</td><td>2500000</td>")
                .contains(sha256).contains("href=\"/files\"");

        HttpResponse<String> rehash = admin.post("/files/rehash", List.of("csrf", csrf));
        assertThat(rehash.statusCode()).isEqualTo(200);
        assertThat(rehash.body()).contains("file(s) re-hashed, 0 changed.");

        HttpResponse<String> unconfirmed = admin.post("/files/remove", List.of("csrf", csrf, "name", "page.bin", "confirm", "page"));
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(unconfirmed.body()).contains("type its name again");
        assertThat(store.find("page.bin")).isPresent();

        HttpResponse<String> removed = admin.post("/files/remove", List.of("csrf", csrf, "name", "page.bin", "confirm", "page.bin"));
        assertThat(removed.statusCode()).isEqualTo(303);
        assertThat(store.find("page.bin")).isEmpty();
    }

    @Test
    void formsWithoutTheTokenAndViewersChangingTheStoreAreRefused()
            throws Exception
    {
        TestingBrowser admin = new TestingBrowser(stack.gatewayUri());
        admin.login("admin", PASSWORD);
        HttpResponse<String> forged = admin.postFile("/files/upload", List.of("name", "forged.bin"), "file", "forged.bin", new byte[10]);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(store.find("forged.bin")).isEmpty();

        TestingBrowser viewer = new TestingBrowser(stack.gatewayUri());
        String csrf = viewer.login("viewer", PASSWORD);
        HttpResponse<String> list = viewer.get("/files");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("action=\"/files/rehash\"");
        HttpResponse<String> refused = viewer.postFile("/files/upload?csrf=" + URLEncoder.encode(csrf, UTF_8), List.of("name", "viewer.bin"), "file", "v.bin", new byte[10]);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(store.find("viewer.bin")).isEmpty();

        HttpResponse<String> hidden = admin.postFile("/files/upload?csrf=" + URLEncoder.encode(TestingBrowser.csrf(admin.get("/files")), UTF_8),
                List.of("name", ".profile"), "file", "x", new byte[3]);
        assertThat(hidden.statusCode()).isEqualTo(400);
        assertThat(hidden.body()).contains("starts with a dot: hidden files are not allowed");
    }
}
