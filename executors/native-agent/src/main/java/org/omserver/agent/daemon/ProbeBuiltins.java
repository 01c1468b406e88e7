package org.omserver.agent.daemon;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The read-only built-ins every agent enables by default: {@code agentlist}, {@code version}, {@code help}. */
final class ProbeBuiltins
{
    private ProbeBuiltins() {}

    static List<Builtin> all(String version, String hostname, Supplier<Collection<Builtin>> enabled)
    {
        return List.of(
                new NoArguments("agentlist", "answers 'alive' with the host name and agent version: the IOMS liveness probe",
                        () -> "alive " + hostname + " " + version + "\n"),
                new NoArguments("version", "prints the agent's version", () -> version + "\n"),
                new NoArguments("help", "lists the built-in commands enabled on this agent", () -> {
                    StringBuilder text = new StringBuilder();
                    enabled.get().forEach(builtin -> text.append(builtin.name()).append(": ").append(builtin.usage()).append('\n'));
                    return text.toString();
                }));
    }

    private record NoArguments(String name, String usage, Supplier<String> answer)
            implements Builtin
    {
        @Override
        public Optional<String> refusal(List<String> args)
        {
            return args.isEmpty() ? Optional.empty() : Optional.of(name + " takes no arguments, got " + args.size());
        }

        @Override
        public int run(List<String> args, Output output)
        {
            output.out(answer.get());
            return 0;
        }
    }
}
