package org.omserver.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.omserver.agent.daemon.AgentConfig;
import org.omserver.agent.daemon.AgentMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The restart supervisor: the process {@code omserver agent} runs when {@code update.install-dir} is set. It keeps one
 * child JVM, the agent started from the version {@code current} points at ({@code versions/<v>/lib/*} on the class
 * path, {@code OMSERVER_AGENT_VERSION=<v>} in its environment), and:
 * <ul>
 * <li>child exits {@link #RESTART_FOR_UPDATE}: the updateself built-in swapped {@code current}; start the new one;</li>
 * <li>after such a swap (update state PENDING for that version) the new child must announce itself to the master
 *     within {@code update.health-timeout} (it writes {@link UpdateState#ANNOUNCED_FILE} with its version and pid); if
 *     it exits first, or does not announce in time, the supervisor stops it, points {@code current} back at
 *     {@code previous}, records ROLLED_BACK with the reason and starts the old version, which reports the rollback
 *     to the master when it announces;</li>
 * <li>child exits 2 (configuration or enrollment problem): the supervisor exits 2 too, a restart would not help;</li>
 * <li>any other exit: restart the same version after {@link #CRASH_DELAY}.</li>
 * </ul>
 */
public final class AgentSupervisor
{
    /** The agent's exit code when it wants to be started again from the new {@code current}. */
    public static final int RESTART_FOR_UPDATE = 75;
    /** Set in the child's environment: the version it was started as. */
    public static final String VERSION_VARIABLE = "OMSERVER_AGENT_VERSION";
    static final Duration CRASH_DELAY = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(AgentSupervisor.class);

    private final Path configFile;
    private final InstallLayout layout;
    private final Path stateDir;
    private final Duration healthTimeout;
    private volatile boolean stopping;
    private volatile Process child;

    public AgentSupervisor(Path configFile, AgentConfig config)
    {
        this.configFile = requireNonNull(configFile, "configFile is null").toAbsolutePath();
        this.layout = new InstallLayout(config.selfUpdate().installDir().orElseThrow(
                () -> new IllegalArgumentException("update.install-dir is not set: the supervisor needs the install layout to start the agent from")));
        this.stateDir = config.stateDir();
        this.healthTimeout = config.selfUpdate().healthTimeout();
    }

    /** {@code AgentSupervisor --config agent.properties}; exit code 2 on a configuration problem. */
    public static void main(String[] args)
    {
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: AgentSupervisor --config <agent.properties>");
            System.exit(2);
        }
        try {
            Path config = Path.of(args[1]);
            System.exit(new AgentSupervisor(config, AgentConfig.fromProperties(AgentMain.load(config))).run());
        }
        catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("omserver agent: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Runs until stopped (SIGTERM: the child is stopped first) or the child reports a configuration problem; returns the exit code. */
    public int run()
    {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopChild, "agent-supervisor-stop"));
        try {
            while (!stopping) {
                String version = layout.current().orElseThrow(() -> new IllegalStateException(layout.install()
                        + " has no 'current' link: install a version under versions/ and link current to it (see executors/native-agent/README.md)"));
                Optional<UpdateState> update = UpdateState.read(stateDir);
                UpdateState.clearAnnounced(stateDir);
                Process process = start(version);
                if (update.isPresent() && update.get().state() == UpdateState.State.PENDING && update.get().to().equals(version)) {
                    Optional<String> unhealthy = healthCheck(process, version);
                    if (unhealthy.isPresent()) {
                        rollBack(process, update.get(), unhealthy.get());
                        continue;
                    }
                    update.get().with(UpdateState.State.UPDATED, "version " + version + " announced itself within " + healthTimeout.toSeconds() + " s")
                            .write(stateDir);
                    log.info("update to {} is healthy", version);
                }
                int exit = process.waitFor();
                if (stopping) {
                    break;
                }
                if (exit == RESTART_FOR_UPDATE) {
                    log.info("agent {} exited for an update; starting the new current version", version);
                }
                else if (exit == 2) {
                    log.error("agent {} exited 2 (a configuration or enrollment problem, see above); not restarting", version);
                    return 2;
                }
                else {
                    log.warn("agent {} exited with code {}; restarting it in {} s", version, exit, CRASH_DELAY.toSeconds());
                    Thread.sleep(CRASH_DELAY.toMillis());
                }
            }
            return 0;
        }
        catch (IOException e) {
            throw new IllegalStateException("the supervisor cannot manage " + layout.install() + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Empty when the new version announced itself in time; otherwise why not. */
    private Optional<String> healthCheck(Process process, String version)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + healthTimeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (UpdateState.announced(stateDir, version, process.pid())) {
                return Optional.empty();
            }
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                return Optional.of("version " + version + " exited with code " + process.exitValue() + " before it announced itself to the master");
            }
        }
        return Optional.of("version " + version + " did not announce itself to the master within " + healthTimeout.toSeconds() + " s");
    }

    private void rollBack(Process process, UpdateState update, String reason)
            throws IOException, InterruptedException
    {
        stop(process);
        String back = layout.rollback();
        update.with(UpdateState.State.ROLLED_BACK, reason + "; rolled back to " + back).write(stateDir);
        log.error("update to {} failed its health check: {}; rolled back to {}", update.to(), reason, back);
    }

    private Process start(String version)
            throws IOException
    {
        Path lib = layout.versions().resolve(version).resolve("lib");
        if (!Files.isDirectory(lib)) {
            log.warn("version {} has no lib/ directory; the agent will not start from it", version);
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                lib + "/*", "org.omserver.agent.daemon.AgentMain", "--config", configFile.toString())).inheritIO();
        builder.environment().put(VERSION_VARIABLE, version);
        Process process = builder.start();
        child = process;
        log.info("started agent version {} from {} (pid {}) at {}", version, lib, process.pid(), Instant.now());
        return process;
    }

    private void stopChild()
    {
        stopping = true;
        Process process = child;
        if (process != null) {
            try {
                stop(process);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void stop(Process process)
            throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
