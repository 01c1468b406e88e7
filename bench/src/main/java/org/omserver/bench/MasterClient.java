package org.omserver.bench;

import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.protocol.SealedMessages;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.thrift.Master;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** A Thrift client of the master that seals requests and opens replies like the gateway does (login, submit, events). */
final class MasterClient
        implements AutoCloseable
{
    private final TFramedTransport transport;
    private final Master.Client master;
    private final SealedMessages messages;

    MasterClient(int port, String secret)
            throws TException
    {
        transport = new TFramedTransport(new TSocket("127.0.0.1", port, 60_000), 64 * 1024 * 1024);
        transport.open();
        master = new Master.Client(new TBinaryProtocol(transport));
        Clock clock = Clock.systemUTC();
        messages = new SealedMessages(new SealedEnvelope(secret.getBytes(StandardCharsets.UTF_8), clock, Duration.ofMinutes(2), 64 * 1024 * 1024,
                new ReplayCache(clock, 10_000)), 16 * 1024 * 1024);
    }

    <T extends TBase<?, ?>> T call(String method, TBase<?, ?> request, T reply)
            throws TException
    {
        String sealed = messages.sealRequest(method, request);
        String answer = switch (method) {
            case "login" -> master.login(sealed);
            case "submit" -> master.submit(sealed);
            case "events" -> master.events(sealed);
            default -> throw new IllegalArgumentException(method);
        };
        try {
            return messages.openReply(method, answer, reply);
        }
        catch (EnvelopeException e) {
            throw new IllegalStateException("reply to " + method + " does not open: " + e.getMessage(), e);
        }
    }

    @Override
    public void close()
    {
        transport.close();
    }
}
