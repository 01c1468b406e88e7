package org.omserver.launcher.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import org.omserver.master.files.FileStore;
import org.omserver.master.files.FileStoreException;
import org.omserver.master.rpc.MasterServer;

/** Two small files in the demo's file store, so cmd=dir lists something and module 2010 (downloads) has something to send. */
public final class DemoFiles
{
    private static final Map<String, String> FILES = Map.of(
            "hello.txt", "Hello from the OMServer demo's file store.\n",
            "nginx.conf", """
                    # a sample nginx configuration from the demo's file store
                    worker_processes auto;
                    events { worker_connections 1024; }
                    http { server { listen 8080; location / { return 200 "demo\\n"; } } }
                    """);

    private DemoFiles() {}

    public static void seed(MasterServer master)
            throws FileStoreException
    {
        FileStore store = master.files().orElseThrow(() -> new IllegalStateException("the demo master has no file store"));
        for (Map.Entry<String, String> file : FILES.entrySet()) {
            byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
            String upload = store.begin(file.getKey(), content.length, "demo");
            store.chunk(upload, "demo", 0, ByteBuffer.wrap(content));
            store.commit(upload, "demo", sha256(content));
        }
    }

    private static String sha256(byte[] content)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
