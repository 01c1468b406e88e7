package org.omserver.agent.backend;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.protocol.agent.Agent;

/**
 * Open connections to agents, kept per address and port for reuse (at most {@code max-idle-per-host} idle each).
 * A connection that saw a transport error is closed, never reused; an idle one the agent closed is dropped at borrow.
 */
final class AgentConnections
        implements AutoCloseable
{
    private final AgentBackendConfig config;
    private final Map<String, Deque<Connection>> idle = new ConcurrentHashMap<>();

    AgentConnections(AgentBackendConfig config)
    {
        this.config = config;
    }

    Connection borrow(String address, int port)
            throws TTransportException
    {
        Deque<Connection> pool = idle.get(address + ":" + port);
        Connection connection;
        while (pool != null && (connection = pool.pollFirst()) != null) {
            if (!closedByPeer(connection.socket)) {
                return connection;
            }
            // the agent restarted or dropped it: never send a command down a dead connection
            connection.transport.close();
        }
        TConfiguration limits = TConfiguration.custom().setMaxMessageSize(config.maxFrameBytes()).setMaxFrameSize(config.maxFrameBytes()).build();
        int readTimeout = (int) config.callTimeout().plus(config.pollWait()).toMillis();
        TSocket socket = new TSocket(limits, address, port, readTimeout, (int) config.connectTimeout().toMillis());
        TTransport transport = new TFramedTransport(socket, config.maxFrameBytes());
        transport.open();
        return new Connection(address + ":" + port, socket, transport, new Agent.Client(new TBinaryProtocol(transport)));
    }

    /**
     * An idle connection has nothing to read: a read that ends (EOF) or fails means the agent closed it, a read that
     * times out after 1 ms means it is still open. Checked before reuse, so a command is never sent twice.
     */
    private static boolean closedByPeer(TSocket socket)
    {
        Socket raw = socket.getSocket();
        try {
            int timeout = raw.getSoTimeout();
            raw.setSoTimeout(1);
            try {
                raw.getInputStream().read();
                return true;
            }
            catch (SocketTimeoutException e) {
                return false;
            }
            finally {
                raw.setSoTimeout(timeout);
            }
        }
        catch (IOException e) {
            return true;
        }
    }

    void release(Connection connection, boolean reusable)
    {
        if (reusable) {
            Deque<Connection> pool = idle.computeIfAbsent(connection.key, key -> new ConcurrentLinkedDeque<>());
            if (pool.size() < config.maxIdlePerHost()) {
                pool.offerFirst(connection);
                return;
            }
        }
        connection.transport.close();
    }

    @Override
    public void close()
    {
        idle.values().forEach(pool -> {
            Connection connection;
            while ((connection = pool.pollFirst()) != null) {
                connection.transport.close();
            }
        });
    }

    record Connection(String key, TSocket socket, TTransport transport, Agent.Client client) {}
}
