package org.omserver.master.rpc;

import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.omserver.protocol.SealedMessages;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.thrift.EventsReply;
import org.omserver.protocol.thrift.EventsRequest;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.Master;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real Thrift client of the master (framed, binary) that seals requests and opens replies like the gateway does. */
public final class TestingMasterClient
        implements AutoCloseable
{
    private final TFramedTransport transport;
    private final Master.Client client;
    private final SealedMessages messages;

    public TestingMasterClient(int port, byte[] secret, Clock clock)
            throws TException
    {
        transport = new TFramedTransport(new TSocket("127.0.0.1", port, 30_000), 16 * 1024 * 1024);
        transport.open();
        client = new Master.Client(new TBinaryProtocol(transport));
        messages = new SealedMessages(new SealedEnvelope(secret, clock, Duration.ofMinutes(2), 64 * 1024 * 1024, new ReplayCache(clock, 10_000)),
                16 * 1024 * 1024);
    }

    public Master.Client raw()
    {
        return client;
    }

    public SealedMessages messages()
    {
        return messages;
    }

    public LoginReply login(String user, String password)
            throws TException
    {
        return call("login", new LoginRequest(user, password).setClientAddress("192.0.2.7"), new LoginReply());
    }

    public SubmitReply submit(String session, int moduleId, List<String> targets, Map<String, String> params)
            throws TException
    {
        return call("submit", new SubmitRequest(session, moduleId, targets, params).setClientAddress("192.0.2.7"), new SubmitReply());
    }

    public EventsReply events(String session, long jobId, long cursor, int maxWaitMillis, int maxEvents)
            throws TException
    {
        return call("events", new EventsRequest(session, jobId, cursor, maxWaitMillis).setMaxEvents(maxEvents), new EventsReply());
    }

    /** Reads every event of the job from the start until it is complete (long-polling), in pages of {@code maxEvents}. */
    public List<org.omserver.protocol.thrift.HostEvent> allEvents(String session, long jobId, int maxEvents)
            throws TException
    {
        List<org.omserver.protocol.thrift.HostEvent> events = new java.util.ArrayList<>();
        long cursor = 0;
        EventsReply page;
        do {
            page = events(session, jobId, cursor, 5000, maxEvents);
            events.addAll(page.getEvents());
            cursor = page.getNextCursor();
        }
        while (!page.isComplete());
        return events;
    }

    /** Seals {@code request}, calls {@code method} and opens the reply into {@code reply}. */
    public <T extends TBase<?, ?>> T call(String method, TBase<?, ?> request, T reply)
            throws TException
    {
        String sealed = messages.sealRequest(method, request);
        // every sealed RPC has the same shape, String name(String sealed): call it by name, so a new RPC needs no case here
        String answer;
        try {
            answer = (String) Master.Client.class.getMethod(method, String.class).invoke(client, sealed);
        }
        catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException("no sealed RPC named " + method, e);
        }
        catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof TException thrift) {
                throw thrift;
            }
            throw new IllegalStateException(method + " failed", e.getCause());
        }
        try {
            return messages.openReply(method, answer, reply);
        }
        catch (org.omserver.protocol.envelope.EnvelopeException e) {
            throw new AssertionError("reply to " + method + " does not open: " + e.getMessage(), e);
        }
    }

    @Override
    public void close()
    {
        transport.close();
    }
}
