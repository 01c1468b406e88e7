package org.omserver.master.agents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import org.omserver.agent.wire.EnrollmentToken;
import org.omserver.catalog.agent.AgentRepository;
import org.omserver.catalog.agent.EnrollmentTokenRecord;

/** Creates one-time enrollment tokens: the token is shown once, the database keeps its SHA-256. */
public final class EnrollmentTokens
{
    public static final Duration MAX_LIFETIME = Duration.ofDays(30);

    private EnrollmentTokens() {}

    public static EnrollmentToken create(AgentRepository agents, Clock clock, Duration lifetime, String createdBy)
    {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("a token's lifetime must be longer than 0 and at most 30 days, was " + lifetime);
        }
        EnrollmentToken token = EnrollmentToken.generate();
        Instant now = clock.instant();
        agents.addToken(new EnrollmentTokenRecord(token.id(), HexFormat.of().formatHex(token.digest()), now, createdBy, now.plus(lifetime),
                Optional.empty(), Optional.empty()));
        return token;
    }
}
