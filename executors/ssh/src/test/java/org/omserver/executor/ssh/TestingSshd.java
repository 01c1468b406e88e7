package org.omserver.executor.ssh;

import org.omserver.executor.api.ExecutorConfig;
import org.omserver.executor.api.HostTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A real OpenSSH server for tests: {@code /usr/sbin/sshd -D -e} with its own configuration, ed25519 host key,
 * client key pair, authorized_keys and PID file in a temporary directory, listening on one free port on each
 * given loopback address. Logs in as the current user. {@link #close()} stops it by its own process and deletes
 * the directory.
 *
 * <pre>{@code
 * try (TestingSshd sshd = TestingSshd.start("127.0.0.2", "127.0.0.3");
 *         Executor executor = new SshExecutorFactory().create(sshd.executorConfig())) {
 *     executor.execute(new Invocation(1, sshd.target("127.0.0.2"), List.of("echo", "hi"), Duration.ofSeconds(5), false), sink);
 * }
 * }</pre>
 */
public final class TestingSshd
        implements AutoCloseable
{
    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    public static final String SSH_KEYGEN = "ssh-keygen";

    private static final long START_TIMEOUT_MILLIS = 10_000;
    private static final Pattern OPENSSH_VERSION = Pattern.compile("OpenSSH_(\\d+)\\.(\\d+)");

    private final Path directory;
    private final List<String> addresses;
    private final int port;
    private final Path clientKey;
    private final Path hostPublicKey;
    private final Path knownHosts;
    private final Path logFile;
    // replaced by restart()
    private Process process;

    private TestingSshd(Path directory, List<String> addresses, int port, Path clientKey, Path hostPublicKey, Path knownHosts, Path logFile, Process process)
    {
        this.directory = directory;
        this.addresses = List.copyOf(addresses);
        this.port = port;
        this.clientKey = clientKey;
        this.hostPublicKey = hostPublicKey;
        this.knownHosts = knownHosts;
        this.logFile = logFile;
        this.process = process;
    }

    /** Starts sshd on a free port of every address (loopback, e.g. {@code 127.0.0.2}); blocks until all accept TCP. */
    public static TestingSshd start(String... addresses)
    {
        if (addresses.length == 0) {
            throw new IllegalArgumentException("give at least one address to listen on");
        }
        for (String address : addresses) {
            requireNonNull(address, "address is null");
            if (!address.startsWith("127.")) {
                throw new IllegalArgumentException("tests listen on loopback only (127.0.0.0/8), not " + address);
            }
        }
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: the SSH tests need a real OpenSSH server; run scripts/test-prereqs.sh "
                    + "(or apt-get install openssh-server)");
        }
        Path directory = null;
        try {
            directory = Files.createTempDirectory("testing-sshd-");
            return start(directory, List.of(addresses));
        }
        catch (IOException | RuntimeException e) {
            if (directory != null) {
                deleteRecursively(directory);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot start sshd: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteRecursively(directory);
            throw new IllegalStateException("interrupted while starting sshd", e);
        }
    }

    private static TestingSshd start(Path directory, List<String> addresses)
            throws IOException, InterruptedException
    {
        // sshd refuses to start without its privilege separation directory
        Files.createDirectories(Path.of("/run/sshd"));

        Path hostKey = generateKeyPair(directory.resolve("ssh_host_ed25519_key"));
        Path clientKey = generateKeyPair(directory.resolve("client_ed25519"));
        Path authorizedKeys = directory.resolve("authorized_keys");
        Files.copy(publicKeyOf(clientKey), authorizedKeys);
        Path hostPublicKey = publicKeyOf(hostKey);

        int port = freePort(addresses.getFirst());

        StringBuilder config = new StringBuilder();
        config.append("Port ").append(port).append('\n');
        for (String address : addresses) {
            config.append("ListenAddress ").append(address).append(':').append(port).append('\n');
        }
        config.append("HostKey ").append(hostKey).append('\n')
                .append("AuthorizedKeysFile ").append(authorizedKeys).append('\n')
                .append("PidFile ").append(directory.resolve("sshd.pid")).append('\n')
                .append("StrictModes no\n")
                .append("UsePAM no\n")
                .append("PermitRootLogin prohibit-password\n")
                .append("PubkeyAuthentication yes\n")
                .append("PasswordAuthentication no\n")
                .append("KbdInteractiveAuthentication no\n")
                .append("X11Forwarding no\n")
                .append("PrintMotd no\n")
                .append("UseDNS no\n")
                // tests open many connections quickly
                .append("MaxStartups 200\n")
                .append("MaxSessions 20\n")
                .append("Subsystem sftp internal-sftp\n")
                .append("LogLevel INFO\n");
        if (openSshAtLeast(9, 8)) {
            // from 9.8 sshd penalises sources with failed logins; the tests fail logins on purpose
            config.append("PerSourcePenalties no\n");
        }
        Path configFile = directory.resolve("sshd_config");
        Files.writeString(configFile, config.toString());

        Path logFile = directory.resolve("sshd.log");
        String check = run(List.of(SSHD.toString(), "-t", "-f", configFile.toString()));
        if (check != null) {
            throw new IllegalStateException("sshd -t rejected the test configuration " + configFile + ":\n" + check + "\n" + config);
        }

        StringBuilder knownHostsLines = new StringBuilder();
        String hostKeyLine = publicKeyLine(hostPublicKey);
        for (String address : addresses) {
            knownHostsLines.append('[').append(address).append("]:").append(port).append(' ').append(hostKeyLine).append('\n');
        }
        Path knownHosts = directory.resolve("known_hosts");
        Files.writeString(knownHosts, knownHostsLines.toString());

        Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        TestingSshd sshd = new TestingSshd(directory, addresses, port, clientKey, hostPublicKey, knownHosts, logFile, process);
        try {
            sshd.awaitListening();
            return sshd;
        }
        catch (RuntimeException | InterruptedException e) {
            sshd.stopProcess();
            throw e;
        }
    }

    private void awaitListening()
            throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        List<String> waiting = new ArrayList<>(addresses);
        while (!waiting.isEmpty()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with code " + process.exitValue() + " before listening on port " + port + "; its log:\n" + log());
            }
            waiting.removeIf(this::accepts);
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("sshd did not listen on " + waiting + " port " + port + " within " + START_TIMEOUT_MILLIS + " ms; its log:\n" + log());
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts(String address)
    {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), 200);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    /** Creates an unencrypted ed25519 key pair at {@code privateKey} and {@code privateKey.pub}. */
    public static Path generateKeyPair(Path privateKey)
    {
        try {
            String failure = run(List.of(SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "testing-sshd", "-f", privateKey.toString()));
            if (failure != null) {
                throw new IllegalStateException("ssh-keygen failed for " + privateKey + ": " + failure);
            }
            return privateKey;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run ssh-keygen (apt-get install openssh-client)", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running ssh-keygen", e);
        }
    }

    /** {@code type base64} of a public key file, without its comment. */
    public static String publicKeyLine(Path publicKey)
    {
        try {
            String[] parts = Files.readString(publicKey).trim().split("\\s+");
            return parts[0] + " " + parts[1];
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path publicKeyOf(Path privateKey)
    {
        return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
    }

    public int port()
    {
        return port;
    }

    public List<String> addresses()
    {
        return addresses;
    }

    /** The client's private key; its public half is the only entry in sshd's authorized_keys. */
    public Path clientKey()
    {
        return clientKey;
    }

    /** The server's ed25519 host public key ({@code .pub} file). */
    public Path hostPublicKey()
    {
        return hostPublicKey;
    }

    /** A known_hosts file with a {@code [address]:port} line for every address. */
    public Path knownHosts()
    {
        return knownHosts;
    }

    /** The account sshd lets in: the user running the tests. */
    public String user()
    {
        return System.getProperty("user.name");
    }

    /** sshd's own log (stdout and stderr). */
    public Path logFile()
    {
        return logFile;
    }

    /** The temporary directory holding keys, configuration and log; deleted on {@link #close()}. */
    public Path directory()
    {
        return directory;
    }

    /** Configuration for {@link SshExecutorFactory}: this server's client key, known_hosts and user, 5s connect timeout. */
    public ExecutorConfig executorConfig()
    {
        return new ExecutorConfig(Map.of(
                SshConfig.PRIVATE_KEY, clientKey.toString(),
                SshConfig.KNOWN_HOSTS, knownHosts.toString(),
                SshConfig.USER, user(),
                SshConfig.CONNECT_TIMEOUT, "5s"));
    }

    /** A host target for one of this server's addresses, default user. */
    public HostTarget target(String address)
    {
        if (!addresses.contains(address)) {
            throw new IllegalArgumentException(address + " is not one of " + addresses);
        }
        return new HostTarget(address, "host-" + address, port, Optional.empty());
    }

    /** The first address's target. */
    public HostTarget target()
    {
        return target(addresses.getFirst());
    }

    /** The sshd log so far, for assertion messages. */
    public String log()
    {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "(no log)";
        }
        catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public void close()
    {
        try {
            stopProcess();
        }
        finally {
            deleteRecursively(directory);
        }
    }

    /**
     * Ends every open SSH connection (the per-connection sshd processes and what they run) while the listener keeps
     * accepting new ones: what a client's idle connections see when a host drops them.
     */
    public void dropConnections()
    {
        // what runs in the sessions: the executor's shell relay ignores SIGTERM (it stops its commands when the
        // connection ends), so it is killed outright once the connections are gone, as a host going down would
        List<ProcessHandle> sessions = process.descendants().toList();
        List<ProcessHandle> connections = process.children().toList();
        connections.forEach(ProcessHandle::destroy);
        for (ProcessHandle connection : connections) {
            try {
                connection.onExit().get(5, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                connection.destroyForcibly();
            }
        }
        sessions.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Stops the listener and every connection, keeping the directory: the host is down until {@link #restart}. */
    public void stop()
    {
        dropConnections();
        stopProcess();
    }

    /**
     * Stops sshd (if running) and starts it again on the same addresses and port; with {@code newHostKey} it first
     * replaces its host key, so clients holding the old key in known_hosts see a changed key (a reinstalled host).
     */
    public void restart(boolean newHostKey)
            throws IOException, InterruptedException
    {
        stop();
        if (newHostKey) {
            Path hostKey = directory.resolve("ssh_host_ed25519_key");
            Files.delete(hostKey);
            Files.delete(publicKeyOf(hostKey));
            generateKeyPair(hostKey);
        }
        process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", directory.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        awaitListening();
    }

    private void stopProcess()
    {
        // our own child only: the listener; per-connection sshd processes end with their connections
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort(String address)
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return socket.getLocalPort();
        }
    }

    private static boolean openSshAtLeast(int major, int minor)
            throws IOException, InterruptedException
    {
        // "sshd -V" prints the version and exits (older versions print it with a usage error)
        Process version = new ProcessBuilder(SSHD.toString(), "-V").redirectErrorStream(true).start();
        String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        Matcher matcher = OPENSSH_VERSION.matcher(output);
        if (!matcher.find()) {
            return false;
        }
        int foundMajor = Integer.parseInt(matcher.group(1));
        int foundMinor = Integer.parseInt(matcher.group(2));
        return foundMajor > major || (foundMajor == major && foundMinor >= minor);
    }

    /** Runs a short command; returns null on exit 0, else its exit code and output. */
    private static String run(List<String> command)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out: " + output;
        }
        return process.exitValue() == 0 ? null : "exit code " + process.exitValue() + ": " + output;
    }

    private static void deleteRecursively(Path directory)
    {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                }
                catch (IOException e) {
                    // best effort: a leftover temp file is not worth failing a test for
                }
            });
        }
        catch (IOException e) {
            // best effort
        }
    }
}
