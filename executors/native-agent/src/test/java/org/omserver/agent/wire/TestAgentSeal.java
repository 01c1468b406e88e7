package org.omserver.agent.wire;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.omserver.protocol.agent.RunRequest;
import org.omserver.protocol.agent.Sealed;
import org.omserver.protocol.agent.VersionRequest;
import org.omserver.protocol.envelope.EnvelopeException;
import org.omserver.protocol.envelope.ReplayCache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestAgentSeal
{
    private final byte[] key = random(32);
    private final AgentSeal sender = seal();
    private final AgentSeal receiver = seal();

    @Test
    void aSealedRequestOpensOnceWithTheSameKeyAndPurpose()
            throws Exception
    {
        Sealed sealed = sender.sealRequest("agt-1", key, "run", new RunRequest(9, java.util.List.of("lsmod"), 1000, false));
        assertThat(sealed.getAgentId()).isEqualTo("agt-1");
        assertThat(receiver.openRequest(key, "run", sealed, new RunRequest()).getArgv()).containsExactly("lsmod");
        assertThatThrownBy(() -> receiver.openRequest(key, "run", sealed, new RunRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.REPLAYED));
    }

    @Test
    void anotherKeyAnotherPurposeOrARequestOpenedAsReplyFail()
    {
        Sealed sealed = sender.sealRequest("agt-1", key, "version", new VersionRequest());
        assertThatThrownBy(() -> receiver.openRequest(random(32), "version", sealed, new VersionRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC));
        assertThatThrownBy(() -> receiver.openRequest(key, "run", sealed, new RunRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC));
        assertThatThrownBy(() -> receiver.openReply(key, "version", sealed, new VersionRequest()))
                .isInstanceOfSatisfying(EnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_MAC));
    }

    @Test
    void idsInClearAreCheckedBeforeUse()
    {
        assertThatThrownBy(() -> AgentSeal.checkedId(new Sealed("agt-1'; DROP TABLE oms_agent; --", "x")))
                .hasMessageContaining("the call carries no valid agent id");
        assertThatThrownBy(() -> AgentSeal.checkedId(new Sealed("a".repeat(65), "x"))).hasMessageContaining("no valid agent id");
    }

    @Test
    void aTokenParsesBackAndItsDigestIsWhatTheMasterStores()
    {
        EnrollmentToken token = EnrollmentToken.generate();
        EnrollmentToken parsed = EnrollmentToken.parse(" " + token.reveal() + "\n");
        assertThat(parsed.id()).isEqualTo(token.id());
        assertThat(HexFormat.of().formatHex(parsed.digest())).isEqualTo(HexFormat.of().formatHex(token.digest())).hasSize(64);
        assertThat(token.toString()).doesNotContain(token.reveal().substring(22));
        assertThatThrownBy(() -> EnrollmentToken.parse("omt1.0123456789abcdef.short"))
                .hasMessageContaining("not an enrollment token");
    }

    private static AgentSeal seal()
    {
        return new AgentSeal(Clock.systemUTC(), Duration.ofMinutes(2), 1 << 20, new ReplayCache(Clock.systemUTC(), 1000));
    }

    private static byte[] random(int size)
    {
        byte[] bytes = new byte[size];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
