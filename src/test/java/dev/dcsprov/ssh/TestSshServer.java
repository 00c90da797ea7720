package dev.dcsprov.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;

/**
 * A real SSH server in the test JVM (Apache MINA sshd) on 127.0.0.1, running exec requests with /bin/sh,
 * accepting one client key. Commands received are recorded so tests can check what was sent.
 */
final class TestSshServer implements AutoCloseable {
    /** A login for which sudo behaves as on a host without NOPASSWD. */
    static final String USER_WITHOUT_SUDO = "nosudo";

    final SshServer server;
    final KeyPair hostKey;
    final Path clientKey;
    final List<String> commands = new CopyOnWriteArrayList<>();

    private TestSshServer(SshServer server, KeyPair hostKey, Path clientKey) {
        this.server = server;
        this.hostKey = hostKey;
        this.clientKey = clientKey;
    }

    static TestSshServer start(Path dir) throws Exception {
        return start(dir, TestKeys.ecKeyPair(), s -> { });
    }

    /** With a host key of the test's choice and server settings changed before it starts (e.g. signature algorithms). */
    static TestSshServer start(Path dir, KeyPair hostKey, java.util.function.Consumer<SshServer> customise) throws Exception {
        Path clientKey = dir.resolve("id_client");
        TestKeys.sshKeygen(clientKey, "ed25519");
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(Path.of(clientKey + ".pub")));
        TestSshServer fixture = new TestSshServer(server, hostKey, clientKey);
        server.setCommandFactory((channel, command) -> {
            fixture.commands.add(command);
            String user = channel.getSession().getUsername();
            if (USER_WITHOUT_SUDO.equals(user) && command.startsWith("sudo -n -- ")) {
                // What Debian's sudo prints for a user without NOPASSWD when -n forbids prompting.
                command = "printf 'sudo: a password is required\\n' >&2; exit 1";
            }
            return ProcessShellCommandFactory.INSTANCE.createCommand(channel, command);
        });
        customise.accept(server);
        server.start();
        return fixture;
    }

    int port() {
        return server.getPort();
    }

    SshTarget target(String name) {
        return new SshTarget(name, "127.0.0.1", port(), "tester", Optional.of(clientKey), false);
    }

    /** The known_hosts line OpenSSH would write for this server, made with MINA (not the code under test). */
    String knownHostsLine(String hostPattern) {
        return knownHostsLine(hostPattern, hostKey.getPublic());
    }

    static String knownHostsLine(String hostPattern, PublicKey key) {
        return hostPattern + " " + PublicKeyEntry.toString(key);
    }

    String hostPattern() {
        return "[127.0.0.1]:" + port();
    }

    Path writeKnownHosts(Path file) throws IOException {
        Files.writeString(file, knownHostsLine(hostPattern()) + "\n");
        return file;
    }

    HostKeyPolicy strict(Path knownHosts) {
        return new HostKeyPolicy(List.of(knownHosts), HostKeyPolicy.Mode.STRICT, knownHosts);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
