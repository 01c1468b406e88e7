package org.omserver.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.omserver.agent.update.UpdateKeys;
import org.omserver.agent.update.UpdateManifest;
import org.omserver.agent.update.UpdatePackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "update-package",
        description = "Build a signed agent update package from a directory of agent files.")
final class UpdatePackageCommand
        implements Callable<Integer>
{
    // No mixinStandardHelpOptions: its --version would clash with the package version option.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--key", required = true, description = "Private key file from 'omserver update-key'.")
    Path key;

    @Option(names = "--version", required = true, description = "Version string of the new agent (letters, digits, . _ -).")
    String version;

    @Option(names = "--from", required = true, description = "Directory whose regular files become the new version.")
    Path from;

    @Option(names = "--out", required = true, description = "The package zip to write.")
    Path out;

    @Override
    public Integer call()
            throws IOException
    {
        UpdateManifest manifest = UpdatePackage.build(UpdateKeys.readPrivate(key), version, from, out);
        long bytes = manifest.files().stream().mapToLong(UpdateManifest.Entry::size).sum();
        System.out.println(out + ": version " + manifest.version() + ", " + manifest.files().size() + " files, " + bytes + " bytes, signed");
        return 0;
    }
}
