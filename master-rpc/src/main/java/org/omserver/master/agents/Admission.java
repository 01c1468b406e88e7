package org.omserver.master.agents;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.omserver.agent.wire.AgentErrors;
import org.omserver.catalog.Catalog;
import org.omserver.catalog.agent.AgentRecord;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.inventory.AppCategory;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.inventory.Server;
import org.omserver.protocol.agent.AgentError;
import org.omserver.protocol.agent.AgentErrorCode;
import org.omserver.protocol.agent.HostFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Letting an agent in, the same way whether a token or an admin's approval vouched for it: the address must not be in
 * the inventory with another backend; an active agent at that address is revoked (audited as {@code replaced}); the new
 * agent gets a random id and key; its host goes into server_list with backend {@code agent} ("unassigned" application
 * category for a new host).
 */
public final class Admission
{
    public static final String UNASSIGNED_FUNCTION = "Unassigned";
    public static final String UNASSIGNED_APP = "unassigned";
    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    /** One lock for every instance: creating the "unassigned" category twice would make two. */
    private static final Object INVENTORY = new Object();

    private final Catalog catalog;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Admission(Catalog catalog, Clock clock)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The inventory's host at this address, if any; refused when it has another backend. */
    Optional<Server> slot(String address)
            throws AgentError
    {
        Optional<Server> existing = catalog.inventory().findByLanIps(List.of(address)).stream().findFirst();
        if (existing.isPresent() && !existing.get().backend().orElse("").equals("agent")) {
            throw AgentErrors.of(AgentErrorCode.REFUSED, "the host at " + address + " is already in the inventory with the "
                    + existing.get().backend().orElse("default") + " backend; set its backend to agent first, or remove it");
        }
        return existing;
    }

    String newAgentId()
    {
        return "agt-" + hex(8);
    }

    /** Creates the agent {@code agentId} at the address and its inventory host; {@code via} names what vouched for it. */
    AgentRecord admit(String agentId, String address, HostFacts facts, Optional<Server> existing, String via)
    {
        Instant now = clock.instant();
        catalog.agents().findActiveAt(address).ifPresent(previous -> {
            catalog.agents().revoke(previous.agentId(), now);
            audit("agent " + previous.agentId(), address, "agent.revoke", "replaced", "re-enrolled with " + via + " as " + agentId);
        });
        byte[] agentKey = new byte[32];
        random.nextBytes(agentKey);
        AgentRecord agent = new AgentRecord(agentId, agentKey, address, facts.getAgentPort(), false, facts.getHostname(), facts.getLanIps(),
                facts.getWanIps(), facts.getMacs(), facts.getOs(), facts.getCores(), facts.getMemoryBytes(), facts.getAgentVersion(), now,
                Optional.empty(), Optional.empty());
        catalog.agents().addAgent(agent);
        putServer(address, facts);
        return agent;
    }

    /**
     * The host in server_list: a new host goes to the "unassigned" application category with backend agent; a known
     * host gets the agent's OS, and its name and WAN IP only until an admin edited the row (an admin's name, category,
     * tags, backend and SSH settings survive every announce).
     */
    void putServer(String address, HostFacts facts)
    {
        synchronized (INVENTORY) {
            catalog.inventory().agentHost(address, facts.getHostname(), facts.getWanIps().stream().findFirst(), facts.getOs(), this::unassignedCategory);
        }
    }

    private int unassignedCategory()
    {
        int function = catalog.inventory().functionCategories().stream().filter(c -> c.name().equals(UNASSIGNED_FUNCTION)).map(FunctionCategory::id)
                .findFirst().orElseGet(() -> catalog.inventory().addFunctionCategory(UNASSIGNED_FUNCTION));
        return catalog.inventory().appCategories().stream().filter(c -> c.functionCategoryId() == function && c.name().equals(UNASSIGNED_APP))
                .map(AppCategory::id).findFirst().orElseGet(() -> catalog.inventory().addAppCategory(function, UNASSIGNED_APP));
    }

    void audit(String actor, String address, String action, String outcome, String detail)
    {
        try {
            catalog.audit().record(new AuditEntry(clock.instant(), actor, address, action, OptionalInt.empty(), "", address, outcome, Optional.of(detail)));
        }
        catch (RuntimeException e) {
            log.warn("cannot audit {} from {} ({}): {}", action, address, outcome, e.getMessage());
        }
    }

    private String hex(int bytes)
    {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }
}
