package org.omserver.protocol;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.Test;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.ReplayCache;
import org.omserver.protocol.envelope.SealedEnvelope;
import org.omserver.protocol.envelope.TestingClock;
import org.omserver.protocol.thrift.LoginReply;
import org.omserver.protocol.thrift.LoginRequest;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.SubmitRequest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSealedMessages
{
    private static final byte[] SECRET = "0123456789abcdef-shared-secret".getBytes(UTF_8);

    private final TestingClock clock = new TestingClock(1_700_000_000_000L);
    private final SealedEnvelope envelope = new SealedEnvelope(SECRET, clock, Duration.ofMinutes(2), 1 << 20, new ReplayCache(clock, 1000));
    private final SealedMessages messages = new SealedMessages(envelope, 64 * 1024);

    @Test
    void loginRequestRoundTrips()
            throws EnvelopeException
    {
        LoginRequest request = new LoginRequest("admin", "pässwörd 密码").setClientAddress("127.0.0.1");
        String sealed = messages.sealRequest("login", request);
        assertThat(messages.openRequest("login", sealed, new LoginRequest())).isEqualTo(request);
    }

    @Test
    void replyRoundTrips()
            throws EnvelopeException
    {
        LoginReply reply = new LoginReply("session-1", "admin", Role.ADMIN, 1_700_000_600_000L);
        assertThat(messages.openReply("login", messages.sealReply("login", reply), new LoginReply())).isEqualTo(reply);
    }

    @Test
    void structWithContainersRoundTrips()
            throws EnvelopeException
    {
        SubmitRequest request = new SubmitRequest("session-1", 1001, List.of("10.0.0.1", "10.0.0.2"), Map.of("sys_param_1", "50"));
        assertThat(messages.openRequest("submit", messages.sealRequest("submit", request), new SubmitRequest())).isEqualTo(request);
    }

    @Test
    void replyDoesNotOpenAsRequest()
    {
        String reply = messages.sealReply("login", new LoginReply("s", "admin", Role.ADMIN, 1L));
        assertThatThrownBy(() -> messages.openRequest("login", reply, new LoginRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC))
                .hasMessageContaining("envelope does not verify");
    }

    @Test
    void requestForOneMethodDoesNotOpenForAnother()
    {
        String login = messages.sealRequest("login", new LoginRequest("admin", "secret"));
        assertThatThrownBy(() -> messages.openRequest("logout", login, new LoginRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC));
        assertThatThrownBy(() -> messages.openReply("login", login, new LoginReply()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC));
    }

    @Test
    void garbageInsideAValidEnvelopeIsMalformed()
    {
        String sealed = envelope.seal("login", "this is not thrift at all".getBytes(UTF_8));
        assertThatThrownBy(() -> messages.openRequest("login", sealed, new LoginRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.MALFORMED))
                .hasMessageContaining("envelope content is not a valid LoginRequest for login");
    }

    @Test
    void emptyPlaintextIsMalformed()
    {
        String sealed = envelope.seal("login", new byte[0]);
        assertThatThrownBy(() -> messages.openRequest("login", sealed, new LoginRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.MALFORMED))
                .hasMessageContaining("not a valid LoginRequest");
    }

    @Test
    void missingRequiredFieldIsMalformed()
            throws Exception
    {
        // a LoginRequest with a username but no password, written field by field
        TMemoryBuffer buffer = new TMemoryBuffer(64);
        TBinaryProtocol protocol = new TBinaryProtocol(buffer);
        protocol.writeStructBegin(new TStruct("LoginRequest"));
        protocol.writeFieldBegin(new TField("username", TType.STRING, (short) 1));
        protocol.writeString("admin");
        protocol.writeFieldEnd();
        protocol.writeFieldStop();
        protocol.writeStructEnd();
        String sealed = envelope.seal("login", Arrays.copyOf(buffer.getArray(), buffer.length()));

        assertThatThrownBy(() -> messages.openRequest("login", sealed, new LoginRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.MALFORMED))
                .hasMessageContaining("not a valid LoginRequest for login")
                .message().doesNotContain("admin");
    }

    @Test
    void trailingBytesAfterTheStructAreMalformed()
            throws Exception
    {
        byte[] valid = new TSerializer(new TBinaryProtocol.Factory()).serialize(new LoginRequest("admin", "secret"));
        byte[] padded = Arrays.copyOf(valid, valid.length + 3);
        String sealed = envelope.seal("login", padded);
        assertThatThrownBy(() -> messages.openRequest("login", sealed, new LoginRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.MALFORMED))
                .hasMessageContaining("not a valid LoginRequest for login");
    }

    @Test
    void openingIntoAUsedStructDoesNotKeepItsOldFields()
            throws EnvelopeException
    {
        LoginRequest reused = new LoginRequest("old", "old").setClientAddress("10.9.9.9");
        String sealed = messages.sealRequest("login", new LoginRequest("admin", "secret"));
        LoginRequest opened = messages.openRequest("login", sealed, reused);
        assertThat(opened).isEqualTo(new LoginRequest("admin", "secret"));
        assertThat(opened.isSetClientAddress()).isFalse();
    }

    @Test
    void contentOverTheMessageLimitIsRefused()
    {
        SealedMessages small = new SealedMessages(envelope, 64);
        String sealed = small.sealRequest("login", new LoginRequest("admin", "x".repeat(200)));
        assertThatThrownBy(() -> small.openRequest("login", sealed, new LoginRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.TOO_LARGE))
                .hasMessageContaining("more than the limit of 64");
    }

    @Test
    void sealingAStructMissingARequiredFieldIsABugOnThisSide()
    {
        assertThatThrownBy(() -> messages.sealRequest("login", new LoginRequest().setUsername("admin")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot serialize LoginRequest");
    }

    @Test
    void refusesNonPositiveMessageLimit()
    {
        assertThatThrownBy(() -> new SealedMessages(envelope, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message size limit must be positive, was 0");
    }
}
