package org.omserver.catalog.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * One audited request, accepted or refused.
 *
 * @param actor user name, or a marker such as {@code legacy} / {@code -} when nobody was authenticated
 * @param action e.g. {@code login}, {@code submit}, {@code runCommands}
 * @param params parameters as shown, secrets masked
 * @param targets comma-separated LAN IPs
 * @param outcome {@code accepted}, or the refusal's error code name
 */
public record AuditEntry(Instant at, String actor, String clientAddress, String action, OptionalInt moduleId,
        String params, String targets, String outcome, Optional<String> detail)
{
    public AuditEntry
    {
        requireNonNull(at, "at is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(clientAddress, "clientAddress is null");
        requireNonNull(action, "action is null");
        requireNonNull(moduleId, "moduleId is null");
        requireNonNull(params, "params is null");
        requireNonNull(targets, "targets is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(detail, "detail is null");
    }
}
