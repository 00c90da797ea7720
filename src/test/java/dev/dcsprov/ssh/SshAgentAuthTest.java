package dev.dcsprov.ssh;

import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys held by a real OpenSSH ssh-agent (started here on its own socket) log in to a real SSH
 * server (MINA, in this JVM): a passphrase-protected key file is used through the agent, and the
 * errors say what to do when the agent does not hold it.
 */
class SshAgentAuthTest {
    @TempDir
    static Path dir;
    static TestSshServer server;
    static HostKeyPolicy policy;
    static Process agent;
    static Path socket;

    @BeforeAll
    static void start() throws Exception {
        server = TestSshServer.start(dir);
        policy = server.strict(server.writeKnownHosts(dir.resolve("known_hosts")));
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(socket), "ssh-agent started");
        sshAdd(server.clientKey);
        // The file on disk now needs a passphrase; the agent still holds the key unlocked.
        TestKeys.exec(List.of("ssh-keygen", "-q", "-p", "-P", "", "-N", "a long passphrase", "-f", server.clientKey.toString()));
        assertTrue(ClientKeys.isEncrypted(server.clientKey));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        agent.destroy();
        agent.waitFor(5, TimeUnit.SECONDS);
    }

    static void sshAdd(Path key) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("ssh-add", "-q", key.toString()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("SSH_AUTH_SOCK", socket.toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    private static SshConnector withAgent() {
        return new SshConnector(SshConnector.DEFAULT_CONNECT_TIMEOUT, Optional.of(socket));
    }

    @Test
    void aPassphraseProtectedKeyFileLogsInThroughTheAgent() throws Exception {
        try (SshjConnection c = withAgent().connect(server.target("node1"), policy)) {
            CommandResult r = c.run(RemoteCommand.of("echo via-agent"));
            assertEquals("via-agent\n", r.stdout());
        }
    }

    @Test
    void anRsaKeyInTheAgentSignsWithSha256() throws Exception {
        Path rsa = dir.resolve("id_rsa_agent");
        TestKeys.sshKeygen(rsa, "rsa", "");
        sshAdd(rsa);
        // The server accepts this key too; the file on disk is locked, so only the agent can sign.
        Files.writeString(Path.of(server.clientKey + ".pub"), Files.readString(Path.of(rsa + ".pub")), java.nio.file.StandardOpenOption.APPEND);
        Files.setLastModifiedTime(Path.of(server.clientKey + ".pub"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        TestKeys.exec(List.of("ssh-keygen", "-q", "-p", "-P", "", "-N", "another passphrase", "-f", rsa.toString()));
        SshTarget t = new SshTarget("node2", "127.0.0.1", server.port(), "tester", Optional.of(rsa), false);
        try (SshjConnection c = withAgent().connect(t, policy)) {
            assertEquals(0, c.run(RemoteCommand.of("true")).exitStatus());
        }
    }

    @Test
    void aLockedKeyTheAgentDoesNotHoldIsExplained() throws Exception {
        Path locked = dir.resolve("id_not_in_agent");
        TestKeys.sshKeygen(locked, "ed25519", "secret phrase");
        SshTarget t = new SshTarget("node3", "127.0.0.1", server.port(), "tester", Optional.of(locked), false);
        RemoteException e = assertThrows(RemoteException.class, () -> withAgent().connect(t, policy));
        assertEquals(ExitCode.UNREACHABLE, e.exitCode());
        assertTrue(e.detail().orElseThrow().contains("does not hold it"), e.detail().get());
        assertTrue(e.fix().orElseThrow().contains("ssh-add '" + locked + "'"), e.fix().get());
    }
}
