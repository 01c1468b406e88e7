package org.omserver.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code omserver}: one command line for every role. */
@Command(
        name = "omserver",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "OMServer for Java: run modules on fleets of Linux servers from the web.",
        subcommands = {
                DemoCommand.class,
                MasterCommand.class,
                GatewayCommand.class,
                MigrateCommand.class,
                ModuleCommand.class,
                UsersCommand.class,
                InventoryCommand.class,
                ClientCommand.class,
                AgentCommand.class,
                AgentTokenCommand.class,
                AgentsCommand.class,
                CommandsCommand.class,
                UpdateKeyCommand.class,
                UpdatePackageCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main
{
    private Main() {}

    public static void main(String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine()
    {
        return configure(new CommandLine(new Main()));
    }

    /** Error handling shared by every command (also for a single command run on its own, as in tests). */
    static CommandLine configure(CommandLine commandLine)
    {
        // a configuration mistake is a message for the user, not a stack trace
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println("omserver " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return commandLine;
    }

    static final class Version
            implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"omserver " + (version == null ? "(development build)" : version)};
        }
    }
}
