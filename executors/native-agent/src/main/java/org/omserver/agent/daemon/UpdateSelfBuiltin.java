package org.omserver.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.omserver.agent.update.InstallLayout;
import org.omserver.agent.update.UpdateManifest;
import org.omserver.agent.update.UpdatePackage;
import org.omserver.agent.update.UpdateRefused;
import org.omserver.agent.update.UpdateState;
import org.omserver.protocol.agent.AgentError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * IOMS {@code updateself}, done safely: {@code omserver:updateself PACKAGE} reads PACKAGE from the master's file
 * store (as {@code downloads} does, checksums checked), verifies it against the agent's own {@code update.public-key}
 * (signature, then every file's size and sha256, nothing extra or missing), stages it under
 * {@code <install>/versions/<v>/}, records the update PENDING in the state directory, swaps {@code current}
 * atomically and, once the master has read this run's end, exits {@code RESTART_FOR_UPDATE} so the restart supervisor
 * starts the new version and checks its health. A refusal (exit 2) or failure (exit 1) swaps nothing.
 */
final class UpdateSelfBuiltin
        implements Builtin
{
    /** If the master never reads the end (its connection broke), restart anyway after this long. */
    static final Duration RESTART_FALLBACK = Duration.ofSeconds(30);
    private static final Logger audit = LoggerFactory.getLogger("org.omserver.agent.audit");

    private final SelfUpdateConfig config;
    private final Path stateDir;
    private final boolean supervised;
    private final String runningVersion;
    private final FileSource source;
    private final Runnable restart;
    private final Clock clock;

    /**
     * @param supervised whether this agent was started by the restart supervisor (nobody would restart it otherwise)
     * @param restart ends this agent with the supervisor's restart code
     */
    UpdateSelfBuiltin(SelfUpdateConfig config, Path stateDir, boolean supervised, String runningVersion, FileSource source, Runnable restart, Clock clock)
    {
        this.config = requireNonNull(config, "config is null");
        this.stateDir = requireNonNull(stateDir, "stateDir is null");
        this.supervised = supervised;
        this.runningVersion = requireNonNull(runningVersion, "runningVersion is null");
        this.source = requireNonNull(source, "source is null");
        this.restart = requireNonNull(restart, "restart is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name()
    {
        return "updateself";
    }

    @Override
    public String usage()
    {
        return "PACKAGE: updates this agent from a signed package in the master's file store (verified, staged, swapped, restarted, rolled back if unhealthy)";
    }

    @Override
    public Optional<String> refusal(List<String> args)
    {
        if (args.size() != 1) {
            return Optional.of("updateself takes PACKAGE, got " + args.size() + " argument(s)");
        }
        Optional<String> badName = DownloadsBuiltin.fileNameRefusal(args.get(0));
        if (badName.isPresent()) {
            return badName;
        }
        if (config.trustedKeys().isEmpty()) {
            return Optional.of("self-update is off on this agent: set update.public-key in its configuration to the public key from 'omserver update-key'");
        }
        if (config.installDir().isEmpty() || !supervised) {
            return Optional.of("self-update needs the restart supervisor: set update.install-dir in this agent's configuration and start it with "
                    + "'omserver agent' (or the omserver-agent systemd unit), which runs the agent from <install-dir>/current");
        }
        return Optional.empty();
    }

    @Override
    public int run(List<String> args, Output output)
            throws InterruptedException
    {
        String name = args.get(0);
        InstallLayout layout = new InstallLayout(config.installDir().orElseThrow());
        Path temp = null;
        try {
            Path downloads = layout.install().resolve("downloads");
            Files.createDirectories(downloads);
            temp = Files.createTempFile(downloads, "." + name + ".", ".part", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            DownloadsBuiltin.Transfer transfer = DownloadsBuiltin.fetch(source, name, temp, output);
            if (!transfer.matches()) {
                audit.info("updateself with {} refused: checksum mismatch", name);
                output.err("checksum mismatch for " + name + ": received sha256 " + HexFormat.of().formatHex(transfer.sha256()) + ", the master's store says "
                        + transfer.expectedSha256() + "; nothing was changed\n");
                return 1;
            }
            UpdateManifest manifest = UpdatePackage.verifyAndStage(temp, config.trustedKeys(), layout.versions(), Optional.of(runningVersion));
            output.out("verified " + manifest.files().size() + " files of version " + manifest.version() + " (signature, size and sha256 of each)\n");
            String from = layout.current().orElse(runningVersion);
            new UpdateState(UpdateState.State.PENDING, from, manifest.version(), name, clock.instant(), "").write(stateDir);
            layout.activate(manifest.version());
            audit.info("updateself: swapped from {} to {} (package {})", from, manifest.version(), name);
            output.out("swapped to " + manifest.version() + " (previous: " + from + ")\n");
            output.out("restarting: the supervisor starts " + manifest.version() + " and rolls back to " + from + " unless it announces itself within "
                    + config.healthTimeout().toSeconds() + " s\n");
            scheduleRestart(output);
            return 0;
        }
        catch (UpdateRefused e) {
            audit.info("updateself with {} refused: {}", name, e.getMessage());
            output.err(e.getMessage() + "; nothing was swapped\n");
            return 2;
        }
        catch (AgentError e) {
            output.err("the master refused the download of " + name + ": " + e.getCode() + " " + e.getMessage() + "; nothing was swapped\n");
            return 1;
        }
        catch (InterruptedException e) {
            throw e;
        }
        catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("updateself with " + name + " interrupted");
            }
            output.err("updateself with " + name + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage() + "; nothing was swapped\n");
            return 1;
        }
        finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                }
                catch (IOException e) {
                    output.err("cannot delete the temporary file " + temp + ": " + e.getMessage() + "\n");
                }
            }
        }
    }

    /** Restarts once the master has read the end, or after {@link #RESTART_FALLBACK} if it never does. */
    private void scheduleRestart(Output output)
    {
        AtomicBoolean once = new AtomicBoolean();
        Runnable restartOnce = () -> {
            if (once.compareAndSet(false, true)) {
                restart.run();
            }
        };
        output.afterEndRead(restartOnce);
        Thread.ofVirtual().name("updateself-restart-fallback").start(() -> {
            try {
                Thread.sleep(RESTART_FALLBACK.toMillis());
            }
            catch (InterruptedException e) {
                return;
            }
            restartOnce.run();
        });
    }
}
