package org.omserver.agent.daemon;

import java.util.List;
import java.util.Optional;

import org.omserver.agent.wire.CommandWords;

/**
 * {@code omserver:command TEXT}: IOMS's "free command from an allowed list", done right. The text is split into
 * words by {@link CommandWords} (spaces only, shell characters refused), and the resulting argument vector must
 * pass this agent's own allow-list ({@code allow.<name>.program/args}), whatever the master's list said. It then
 * runs like any program, without a shell, its output streamed back as it comes.
 */
final class CommandBuiltin
        implements Builtin
{
    private final AllowList allowList;

    CommandBuiltin(AllowList allowList)
    {
        this.allowList = allowList;
    }

    @Override
    public String name()
    {
        return "command";
    }

    @Override
    public String usage()
    {
        return "TEXT: runs a program and its arguments (words separated by spaces, no shell) when this agent's allow-list holds it";
    }

    @Override
    public Optional<String> refusal(List<String> args)
    {
        if (args.size() != 1) {
            return Optional.of("command takes one argument, the command text; got " + args.size());
        }
        List<String> argv;
        try {
            argv = CommandWords.split(args.getFirst());
        }
        catch (IllegalArgumentException e) {
            return Optional.of("Command not executive: " + e.getMessage());
        }
        return allowList.refusal(argv).map(reason -> "Command not executive: " + reason);
    }

    @Override
    public int run(List<String> args, Output output)
            throws InterruptedException
    {
        return HostProcess.run(CommandWords.split(args.getFirst()), Optional.empty(), output);
    }
}
