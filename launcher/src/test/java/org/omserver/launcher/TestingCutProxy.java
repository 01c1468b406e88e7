package org.omserver.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * A TCP relay in front of the gateway on 127.0.42.1 that a test can cut: {@link #cutAll()} closes every connection
 * open through it (as a load balancer restart or a dropped network would), while it keeps accepting new ones. It
 * records the head of each request, so a test can see what the browser sent when it reconnected.
 */
final class TestingCutProxy
        implements AutoCloseable
{
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();

    TestingCutProxy(URI gateway)
            throws IOException
    {
        this.target = new InetSocketAddress(gateway.getHost(), gateway.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.42.1"));
        Thread.ofVirtual().name("cut-proxy-accept").start(this::accept);
    }

    URI uri()
    {
        return URI.create("http://127.0.42.1:" + server.getLocalPort() + "/");
    }

    /** Closes every connection now open through the relay; returns how many. */
    int cutAll()
    {
        int cut = 0;
        for (Socket socket : open) {
            try {
                socket.close();
                cut++;
            }
            catch (IOException e) {
                // closed anyway
            }
        }
        open.clear();
        return cut;
    }

    /** The first bytes (up to 2 KiB) of each request the browser sent (a read starting with GET or POST): request line and headers. */
    List<String> requestHeads()
    {
        return List.copyOf(requestHeads);
    }

    private void accept()
    {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream, true));
                Thread.ofVirtual().start(() -> pump(upstream, client, false));
            }
            catch (IOException e) {
                // closed, or the gateway refused: the client sees its connection end
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request)
    {
        byte[] buffer = new byte[16 * 1024];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (request) {
                    String head = new String(buffer, 0, Math.min(read, 2048), ISO_8859_1);
                    if (head.startsWith("GET ") || head.startsWith("POST ")) {
                        requestHeads.add(head);
                    }
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        }
        catch (IOException e) {
            // cut or closed
        }
        finally {
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close()
            throws IOException
    {
        server.close();
        cutAll();
    }
}
