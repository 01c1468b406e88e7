package org.omserver.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.omserver.agent.update.UpdateKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "update-key", mixinStandardHelpOptions = true,
        description = "Create an Ed25519 key pair for signing agent update packages (private file mode 600; never overwrites).")
final class UpdateKeyCommand
        implements Callable<Integer>
{
    @Option(names = "--out", required = true, description = "Directory to write update-signing.key and update-signing.pub into.")
    Path out;

    @Override
    public Integer call()
            throws IOException
    {
        Path[] files = UpdateKeys.generate(out);
        System.out.println(files[0]);
        System.out.println(files[1]);
        System.err.println("Keep " + files[0] + " off the hosts. Put the content of " + files[1]
                + " into each agent's update.public-key.");
        return 0;
    }
}
