package org.omserver.agent.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.agent.wire.AgentSeal;
import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentIntake;
import org.omserver.protocol.agent.AnnounceReply;
import org.omserver.protocol.agent.AnnounceRequest;
import org.omserver.protocol.agent.EnrollReply;
import org.omserver.protocol.agent.EnrollRequest;
import org.omserver.protocol.agent.EnrollmentAnswer;
import org.omserver.protocol.agent.EnrollmentAsk;
import org.omserver.agent.wire.EnrollmentKeys;
import org.omserver.protocol.agent.FileReadReply;
import org.omserver.protocol.agent.FileReadRequest;
import org.omserver.protocol.agent.HeartbeatReply;
import org.omserver.protocol.agent.HeartbeatRequest;
import org.omserver.protocol.agent.HostFacts;
import org.omserver.protocol.agent.Metrics;
import org.omserver.protocol.agent.Sealed;
import org.omserver.protocol.agent.UpdateReport;
import org.omserver.protocol.envelope.EnvelopeException;

import static java.util.Objects.requireNonNull;

/**
 * The agent's calls to the master's AgentIntake, one connection per call (a heartbeat a minute needs no pool).
 * Connections leave from the agent's bind address, so the master sees the agent where it will call it back.
 */
final class IntakeClient
{
    private final AgentConfig config;
    private final AgentSeal seal;

    IntakeClient(AgentConfig config, AgentSeal seal)
    {
        this.config = requireNonNull(config, "config is null");
        this.seal = requireNonNull(seal, "seal is null");
    }

    AgentIdentity enroll(EnrollmentToken token, HostFacts facts)
            throws TException, EnvelopeException
    {
        byte[] key = token.digest();
        Sealed reply = call(client -> client.enroll(seal.sealRequest(token.id(), key, "enroll", new EnrollRequest(facts))));
        EnrollReply enrolled = seal.openReply(key, "enroll", reply, new EnrollReply());
        return new AgentIdentity(enrolled.getAgentId(), enrolled.getAgentKey());
    }

    AnnounceReply announce(AgentIdentity identity, HostFacts facts, java.util.Optional<UpdateReport> update)
            throws TException, EnvelopeException
    {
        AnnounceRequest request = new AnnounceRequest(facts);
        update.ifPresent(request::setUpdate);
        Sealed reply = call(client -> client.announce(seal.sealRequest(identity.agentId(), identity.key(), "announce", request)));
        return seal.openReply(identity.key(), "announce", reply, new AnnounceReply());
    }

    HeartbeatReply heartbeat(AgentIdentity identity, Metrics metrics)
            throws TException, EnvelopeException
    {
        Sealed reply = call(client -> client.heartbeat(seal.sealRequest(identity.agentId(), identity.key(), "heartbeat", new HeartbeatRequest(metrics))));
        return seal.openReply(identity.key(), "heartbeat", reply, new HeartbeatReply());
    }

    /** A chunk of a file of the master's store (the downloads built-in). */
    FileReadReply fileRead(AgentIdentity identity, String name, long offset, int length)
            throws TException, EnvelopeException
    {
        Sealed reply = call(client -> client.fileRead(seal.sealRequest(identity.agentId(), identity.key(), "fileRead", new FileReadRequest(name, offset, length))));
        return seal.openReply(identity.key(), "fileRead", reply, new FileReadReply());
    }

    /** Asks to be enrolled by an admin's approval; the answer is not sealed (the approval inside it is). */
    EnrollmentAnswer askEnrollment(EnrollmentRequest request, HostFacts facts)
            throws TException
    {
        return call(client -> client.askEnrollment(new EnrollmentAsk(request.requestId(), java.nio.ByteBuffer.wrap(request.publicKey()), facts)));
    }

    /** Opens an approved answer into the agent's identity, with the key agreed between the request's key and the master's. */
    AgentIdentity approved(EnrollmentRequest request, EnrollmentAnswer answer)
            throws EnvelopeException
    {
        byte[] key = EnrollmentKeys.approvalKey(request.key(), EnrollmentKeys.publicKey(answer.getMasterPublicKey()), request.requestId());
        EnrollReply enrolled = seal.openReply(key, "askEnrollment", answer.getApproval(), new EnrollReply());
        return new AgentIdentity(enrolled.getAgentId(), enrolled.getAgentKey());
    }

    private <T> T call(Call<T> call)
            throws TException
    {
        Socket socket = new Socket();
        try {
            if (config.bindsSource()) {
                socket.bind(new InetSocketAddress(config.bind(), 0));
            }
            socket.connect(new InetSocketAddress(config.masterHost(), config.masterPort()), (int) config.connectTimeout().toMillis());
            socket.setSoTimeout((int) config.readTimeout().toMillis());
        }
        catch (IOException e) {
            closeQuietly(socket);
            throw new TTransportException(TTransportException.NOT_OPEN, "cannot reach the master at " + config.masterHost() + ":" + config.masterPort()
                    + " (master.host, master.port): " + e.getMessage(), e);
        }
        try (TTransport transport = new TFramedTransport(new TSocket(socket), config.maxFrameBytes())) {
            return call.on(new AgentIntake.Client(new TBinaryProtocol(transport)));
        }
    }

    private static void closeQuietly(Socket socket)
    {
        try {
            socket.close();
        }
        catch (IOException e) {
            // nothing left to release
        }
    }

    @FunctionalInterface
    private interface Call<T>
    {
        T on(AgentIntake.Client client)
                throws AgentError, TException;
    }
}
