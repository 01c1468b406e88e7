package org.omserver.master.agents;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.omserver.catalog.command.CommandAllowRepository;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.protocol.thrift.CommandAllowChangeReply;
import org.omserver.protocol.thrift.CommandAllowChangeRequest;
import org.omserver.protocol.thrift.CommandAllowEntry;
import org.omserver.protocol.thrift.CommandAllowListReply;
import org.omserver.protocol.thrift.ErrorCode;

import static java.util.Objects.requireNonNull;

/**
 * The master's command allow-list over RPC (what {@code omserver commands} does on the database): list, add an entry
 * (checked with the same parser the policy uses, so a broken entry never reaches the table), remove one by id. Roles
 * are checked before these run (MasterHandler); the pipeline audits every change and every refusal.
 */
public final class CommandAllowStages
{
    private static final int MAX_NOTE = 255;

    private final CommandAllowRepository entries;
    private final Clock clock;

    public CommandAllowStages(CommandAllowRepository entries, Clock clock)
    {
        this.entries = requireNonNull(entries, "entries is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Stage list()
    {
        return Stage.named("commandAllowList", call -> call.setReply(new CommandAllowListReply(entries())));
    }

    public Stage change()
    {
        return Stage.named("commandAllowChange", call -> {
            CommandAllowChangeRequest request = call.request(CommandAllowChangeRequest.class);
            switch (String.valueOf(request.getAction())) {
                case "add" -> {
                    String program = request.isSetProgram() ? request.getProgram().strip() : "";
                    String patterns = request.isSetPatterns() ? request.getPatterns().strip() : "";
                    String note = request.isSetNote() ? request.getNote().strip() : "";
                    call.setDetail("add " + program + " " + patterns);
                    if (note.length() > MAX_NOTE || note.chars().anyMatch(Character::isISOControl)) {
                        throw new Refusal(ErrorCode.INVALID_REQUEST, "a note is at most " + MAX_NOTE + " characters without control characters");
                    }
                    try {
                        AgentCommandPolicy.check(program, patterns);
                    }
                    catch (IllegalArgumentException e) {
                        throw new Refusal(ErrorCode.INVALID_REQUEST, e.getMessage());
                    }
                    int id = entries.add(program, patterns, note, call.requirePrincipal().username(), clock.instant());
                    call.setDetail("add " + program + " " + patterns + " as entry " + id);
                }
                case "remove" -> {
                    if (!request.isSetId() || request.getId() < 1) {
                        throw new Refusal(ErrorCode.INVALID_REQUEST, "remove needs the id of an entry; the list shows them");
                    }
                    call.setDetail("remove entry " + request.getId());
                    if (!entries.remove(request.getId())) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "there is no entry " + request.getId() + "; the list shows them");
                    }
                }
                default -> throw new Refusal(ErrorCode.INVALID_REQUEST, "the action is add or remove, not '" + request.getAction() + "'");
            }
            call.setReply(new CommandAllowChangeReply(entries()));
        });
    }

    private List<CommandAllowEntry> entries()
    {
        return new ArrayList<>(entries.list().stream().map(entry -> new CommandAllowEntry(entry.id(), entry.program(), entry.args(), entry.note(),
                entry.createdBy(), entry.createdAt().toEpochMilli())).toList());
    }
}
