package dev.dcsprov.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dcsprov.ExitCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectFailureTest {
    @TempDir
    static Path dir;
    static TestSshServer server;
    static HostKeyPolicy policy;

    @BeforeAll
    static void start() throws Exception {
        server = TestSshServer.start(dir);
        policy = server.strict(server.writeKnownHosts(dir.resolve("known_hosts")));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A loopback port nothing listens on: bound once by us, then released. */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static RemoteException refused(SshTarget t) {
        // No ssh-agent, whatever this machine's environment says: the messages below are about that case.
        RemoteException e = assertThrows(RemoteException.class,
                () -> new SshConnector(SshConnector.DEFAULT_CONNECT_TIMEOUT, Optional.empty()).connect(t, policy));
        assertEquals(ExitCode.UNREACHABLE, e.exitCode());
        assertEquals(t.hostName(), e.host());
        return e;
    }

    @Test
    void wrongKeyIsRefusedWithFix() throws Exception {
        Path other = dir.resolve("id_other");
        TestKeys.sshKeygen(other, "ecdsa");
        SshTarget t = new SshTarget("node1", "127.0.0.1", server.port(), "deploy", Optional.of(other), false);
        RemoteException e = refused(t);
        assertEquals("node1: the key " + other + " was refused for user deploy", e.getMessage());
        assertTrue(e.fix().orElseThrow().contains("authorized_keys"), e.fix().get());
    }

    @Test
    void passphraseProtectedKeyIsExplained() throws Exception {
        Path locked = dir.resolve("id_locked");
        TestKeys.sshKeygen(locked, "ed25519", "secret phrase");
        assertTrue(ClientKeys.isEncrypted(locked));
        assertTrue(!ClientKeys.isEncrypted(server.clientKey));
        RemoteException e = refused(new SshTarget("node1", "127.0.0.1", server.port(), "u", Optional.of(locked), false));
        assertTrue(e.getMessage().contains("passphrase"), e.getMessage());
        assertTrue(e.detail().orElseThrow().contains("through ssh-agent. SSH_AUTH_SOCK is not set"), e.detail().get());
        assertTrue(e.fix().orElseThrow().contains("ssh-add '" + locked + "'"), e.fix().get());
    }

    @Test
    void missingKeyFileIsNamed() {
        Path missing = dir.resolve("nope");
        RemoteException e = refused(new SshTarget("node1", "127.0.0.1", server.port(), "u", Optional.of(missing), false));
        assertEquals("node1: cannot read the private key file " + missing, e.getMessage());
    }

    @Test
    void connectionRefusedNamesHostAndPort() throws Exception {
        int port = closedPort();
        SshTarget t = new SshTarget("node9", "127.0.0.1", port, "u", Optional.of(server.clientKey), false);
        RemoteException e = refused(t);
        assertEquals("node9: connection refused by 127.0.0.1 port " + port, e.getMessage());
        assertTrue(e.fix().orElseThrow().contains("sshd listening on port " + port), e.fix().get());
    }
}
