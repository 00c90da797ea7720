package dev.dcsprov.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dcsprov.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyVerificationTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    static TestSshServer server;
    /** The server's fingerprint as ssh-keygen computes it, independent of the code under test. */
    static String serverFingerprint;

    @BeforeAll
    static void start() throws Exception {
        server = TestSshServer.start(shared);
        Path pub = shared.resolve("host.pub");
        Files.writeString(pub, TestSshServer.knownHostsLine("", server.hostKey.getPublic()).strip() + "\n");
        serverFingerprint = TestKeys.fingerprint(pub);
        assertTrue(serverFingerprint.startsWith("SHA256:"), serverFingerprint);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private void assertConnects(SshTarget target, HostKeyPolicy policy) {
        try (Connection c = new SshConnector().connect(target, policy)) {
            assertEquals("ok\n", c.run(RemoteCommand.of("echo ok")).stdout());
        }
    }

    private RemoteException assertRefused(SshTarget target, HostKeyPolicy policy) {
        RemoteException e = assertThrows(RemoteException.class, () -> new SshConnector().connect(target, policy));
        assertEquals(ExitCode.UNREACHABLE, e.exitCode());
        assertEquals(target.hostName(), e.host());
        return e;
    }

    @Test
    void knownKeyByAddressAndPort() throws Exception {
        Path kh = server.writeKnownHosts(dir.resolve("known_hosts"));
        assertConnects(server.target("node1"), server.strict(kh));
    }

    @Test
    void knownKeyByInventoryName() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "# comment\n\n" + server.knownHostsLine("[node1.example]:" + server.port()) + "\n");
        assertConnects(server.target("node1.example"), server.strict(kh));
    }

    @Test
    void hashedEntryWorks() throws Exception {
        Path kh = server.writeKnownHosts(dir.resolve("known_hosts"));
        TestKeys.exec(List.of("ssh-keygen", "-H", "-f", kh.toString()));
        String hashed = Files.readString(kh);
        assertTrue(hashed.startsWith("|1|"), hashed);
        assertFalse(hashed.contains("127.0.0.1"), hashed);
        assertConnects(server.target("node1"), server.strict(kh));
    }

    @Test
    void unknownKeyStrictIsAnErrorWithFingerprintAndFix() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "[127.0.0.1]:1 " + TestSshServer.knownHostsLine("", TestKeys.ecKeyPair().getPublic()).strip() + "\n");
        RemoteException e = assertRefused(server.target("node1"), server.strict(kh));
        assertEquals("node1: unknown host key for 127.0.0.1 port " + server.port(), e.getMessage());
        assertTrue(e.detail().orElseThrow().contains("ecdsa-sha2-nistp256 " + serverFingerprint), e.detail().get());
        String fix = e.fix().orElseThrow();
        assertTrue(fix.contains("ssh-keyscan -H -p " + server.port() + " '127.0.0.1' >> '" + kh + "'"), fix);
        assertTrue(fix.contains("--accept-new-host-keys"), fix);
        assertEquals(1, Files.readAllLines(kh).size(), "STRICT must not write");
    }

    @Test
    void acceptNewRecordsKeyThenStrictAccepts() throws Exception {
        Path kh = dir.resolve("sub").resolve("known_hosts"); // directory does not exist yet
        HostKeyPolicy acceptNew = new HostKeyPolicy(List.of(), HostKeyPolicy.Mode.ACCEPT_NEW, kh);
        assertEquals(List.of(kh), acceptNew.knownHostsFiles());
        assertConnects(server.target("node1"), acceptNew);
        List<String> lines = Files.readAllLines(kh);
        assertEquals(1, lines.size(), lines.toString());
        // Only the address is recorded, as OpenSSH writes it: never the inventory name.
        assertTrue(lines.get(0).startsWith("[127.0.0.1]:" + server.port() + " ecdsa-sha2-nistp256 "), lines.get(0));
        // ssh-keygen agrees the recorded key is the server's.
        assertEquals(serverFingerprint, TestKeys.fingerprint(kh));
        assertConnects(server.target("node1"), server.strict(kh));
        // A second accept-new connect finds the key and adds nothing.
        assertConnects(server.target("node1"), acceptNew);
        assertEquals(1, Files.readAllLines(kh).size());
    }

    @Test
    void changedKeyIsAnErrorEvenWithAcceptNew() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Path oldPub = dir.resolve("old.pub");
        String oldKey = TestSshServer.knownHostsLine("", TestKeys.ecKeyPair().getPublic()).strip();
        Files.writeString(oldPub, oldKey + "\n");
        String oldFingerprint = TestKeys.fingerprint(oldPub);
        Files.writeString(kh, "# first line\n" + server.hostPattern() + " " + oldKey + "\n");
        String before = Files.readString(kh);

        for (HostKeyPolicy.Mode mode : HostKeyPolicy.Mode.values()) {
            RemoteException e = assertRefused(server.target("node1"), new HostKeyPolicy(List.of(kh), mode, kh));
            assertEquals("node1: HOST KEY CHANGED for 127.0.0.1 port " + server.port(), e.getMessage());
            String detail = e.detail().orElseThrow();
            assertTrue(detail.contains("presented ecdsa-sha2-nistp256 " + serverFingerprint), detail);
            assertTrue(detail.contains("ecdsa-sha2-nistp256 " + oldFingerprint + " at " + kh + ":2"), detail);
            assertFalse(serverFingerprint.equals(oldFingerprint));
            String fix = e.fix().orElseThrow();
            assertTrue(fix.contains("ssh-keygen -R '[127.0.0.1]:" + server.port() + "' -f '" + kh + "'"), fix);
            assertEquals(before, Files.readString(kh), mode + " must not touch the file");
        }
    }

    @Test
    void keyOfAnotherTypeThanKnownIsNotAcceptedAsNew() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Path rsa = dir.resolve("rsa");
        TestKeys.sshKeygen(rsa, "rsa");
        String rsaPub = Files.readString(Path.of(rsa + ".pub")).strip();
        Files.writeString(kh, server.hostPattern() + " " + rsaPub + "\n");
        RemoteException e = assertRefused(server.target("node1"),
                new HostKeyPolicy(List.of(kh), HostKeyPolicy.Mode.ACCEPT_NEW, kh));
        assertTrue(e.getMessage().contains("different type"), e.getMessage());
        assertTrue(e.detail().orElseThrow().contains("ssh-rsa SHA256:"), e.detail().get());
    }

    @Test
    void knownSshRsaEntryAsksForSha2Signatures() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Path rsa = dir.resolve("rsa");
        TestKeys.sshKeygen(rsa, "rsa");
        Files.writeString(kh, "10.0.0.5 " + Files.readString(Path.of(rsa + ".pub")).strip() + "\n"
                + "other " + TestSshServer.knownHostsLine("", server.hostKey.getPublic()).strip() + "\n");
        SshTarget target = new SshTarget("db1", "10.0.0.5", 22, "root", Optional.empty(), false);
        KnownHostsVerifier v = new KnownHostsVerifier(target, server.strict(kh), KnownHosts.load(List.of(kh), KnownHostsVerifier.namesFor(target)));
        assertEquals(List.of("rsa-sha2-512", "rsa-sha2-256"), v.findExistingAlgorithms("10.0.0.5", 22));
    }

    @Test
    void revokedKeyIsRefused() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "@revoked * " + TestSshServer.knownHostsLine("", server.hostKey.getPublic()).strip()
                + "\n" + server.knownHostsLine(server.hostPattern()) + "\n");
        RemoteException e = assertRefused(server.target("node1"), server.strict(kh));
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        assertTrue(e.detail().orElseThrow().contains(kh + ":1"), e.detail().get());
    }
}
