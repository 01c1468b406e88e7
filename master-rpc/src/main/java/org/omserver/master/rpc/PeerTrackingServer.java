package org.omserver.master.rpc;

import org.apache.thrift.server.AbstractNonblockingServer;
import org.apache.thrift.server.TThreadedSelectorServer;
import org.apache.thrift.transport.TNonblockingSocket;
import org.apache.thrift.transport.TNonblockingTransport;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A {@link TThreadedSelectorServer} that tells the handler which socket peer sent the call being processed
 * ({@link #currentPeer()}), for the audit log. Thrift's nonblocking servers do not expose it, so the worker
 * runnable reads it from the frame buffer's transport; when that fails the peer is reported as {@code unknown}.
 */
final class PeerTrackingServer
        extends TThreadedSelectorServer
{
    private static final ThreadLocal<String> PEER = new ThreadLocal<>();
    private static final Field TRANSPORT = transportField();

    PeerTrackingServer(Args args)
    {
        super(args);
    }

    static String currentPeer()
    {
        String peer = PEER.get();
        return peer == null ? "unknown" : peer;
    }

    @Override
    protected Runnable getRunnable(AbstractNonblockingServer.FrameBuffer frameBuffer)
    {
        Runnable invocation = super.getRunnable(frameBuffer);
        String peer = peerOf(frameBuffer);
        return () -> {
            PEER.set(peer);
            try {
                invocation.run();
            }
            finally {
                PEER.remove();
            }
        };
    }

    private static String peerOf(AbstractNonblockingServer.FrameBuffer frameBuffer)
    {
        if (TRANSPORT == null) {
            return "unknown";
        }
        try {
            TNonblockingTransport transport = (TNonblockingTransport) TRANSPORT.get(frameBuffer);
            if (transport instanceof TNonblockingSocket socket) {
                SocketAddress address = socket.getSocketChannel().getRemoteAddress();
                if (address instanceof InetSocketAddress inet) {
                    return inet.getAddress().getHostAddress();
                }
            }
        }
        catch (ReflectiveOperationException | java.io.IOException | RuntimeException e) {
            // fall through: the audit says unknown rather than failing the call
        }
        return "unknown";
    }

    private static Field transportField()
    {
        try {
            Field field = AbstractNonblockingServer.FrameBuffer.class.getDeclaredField("trans_");
            field.setAccessible(true);
            return field;
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
