package org.omserver.launcher.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static java.util.Objects.requireNonNull;

/**
 * The demo's target hosts: one embedded SSH server (Apache MINA SSHD) per loopback address, running commands as
 * the current user. The master's SSH backend connects to them exactly as to any sshd: public-key auth with a
 * client key made here, host key pinned in a known_hosts file made here.
 */
public final class DemoHosts
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(DemoHosts.class);

    private final List<SshServer> servers;
    private final List<String> addresses;
    private final int port;
    private final Path clientKey;
    private final Path knownHosts;

    private DemoHosts(List<SshServer> servers, List<String> addresses, int port, Path clientKey, Path knownHosts)
    {
        this.servers = servers;
        this.addresses = addresses;
        this.port = port;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
    }

    /** Starts one SSH server per address, all on {@code port}; key files go into {@code directory}. */
    public static DemoHosts start(Path directory, List<String> addresses, int port)
            throws IOException, GeneralSecurityException
    {
        requireNonNull(directory, "directory is null");
        for (String address : addresses) {
            if (!address.startsWith("127.")) {
                throw new IllegalArgumentException("demo hosts live on loopback addresses (127.0.0.0/8) only, not " + address);
            }
        }
        KeyPair client = newKeyPair();
        Path clientKey = writePrivateKey(directory.resolve("demo_client_key"), client);

        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(directory.resolve("demo_host_key"));
        hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        PublicKey hostKey = hostKeys.loadKeys(null).iterator().next().getPublic();

        String user = System.getProperty("user.name");
        List<SshServer> servers = new ArrayList<>();
        StringBuilder known = new StringBuilder();
        try {
            for (String address : addresses) {
                SshServer server = SshServer.setUpDefaultServer();
                server.setHost(address);
                server.setPort(port);
                server.setKeyPairProvider(hostKeys);
                server.setPublickeyAuthenticator((name, key, session) -> name.equals(user) && KeyUtils.compareKeys(key, client.getPublic()));
                server.setPasswordAuthenticator(null);
                server.setKeyboardInteractiveAuthenticator(null);
                server.setCommandFactory((channel, command) -> new ShellCommand(command));
                try {
                    server.start();
                }
                catch (BindException e) {
                    throw new IOException("cannot listen on " + address + ":" + port + " for a demo host (" + e.getMessage()
                            + "); is another demo running? Choose another port with --ssh-port", e);
                }
                servers.add(server);
                known.append('[').append(address).append("]:").append(port).append(' ').append(PublicKeyEntry.toString(hostKey)).append('\n');
            }
        }
        catch (IOException | RuntimeException e) {
            servers.forEach(DemoHosts::stop);
            throw e;
        }
        Path knownHosts = directory.resolve("demo_known_hosts");
        Files.writeString(knownHosts, known, UTF_8);
        log.info("demo hosts listening on {} port {} (user {})", addresses, port, user);
        return new DemoHosts(servers, List.copyOf(addresses), port, clientKey, knownHosts);
    }

    public List<String> addresses()
    {
        return addresses;
    }

    public int port()
    {
        return port;
    }

    public Path clientKey()
    {
        return clientKey;
    }

    public Path knownHosts()
    {
        return knownHosts;
    }

    @Override
    public void close()
    {
        servers.forEach(DemoHosts::stop);
    }

    private static void stop(SshServer server)
    {
        try {
            server.stop(true);
        }
        catch (IOException e) {
            log.warn("demo host {} did not stop cleanly: {}", server.getHost(), e.toString());
        }
    }

    private static KeyPair newKeyPair()
            throws GeneralSecurityException
    {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static Path writePrivateKey(Path file, KeyPair keyPair)
            throws IOException, GeneralSecurityException
    {
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(Set.of(OWNER_READ, OWNER_WRITE)));
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "omserver-demo", null, out);
        }
        return file;
    }
}
