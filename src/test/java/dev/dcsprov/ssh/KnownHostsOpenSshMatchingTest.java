package dev.dcsprov.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * known_hosts lines are matched as OpenSSH matches them: negated patterns exclude a line, markers other than
 * {@code @revoked} do not accept a plain key, and accept-new records the address and nothing else.
 * ssh-keygen -F (OpenSSH's own matcher) is the oracle for which lines name a host.
 */
class KnownHostsOpenSshMatchingTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    static TestSshServer server;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        server = TestSshServer.start(shared);
        key = TestSshServer.knownHostsLine("", server.hostKey.getPublic()).strip();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private String addr() {
        return server.hostPattern(); // [127.0.0.1]:port
    }

    /** Named by its address in the inventory too, so the line's patterns are tried against one name. */
    private static SshTarget target() {
        return server.target("127.0.0.1");
    }

    private RemoteException refused(String knownHosts) throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, knownHosts);
        return assertThrows(RemoteException.class, () -> new SshConnector().connect(target(), server.strict(kh)));
    }

    private void connects(String knownHosts) throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, knownHosts);
        try (Connection c = new SshConnector().connect(target(), server.strict(kh))) {
            assertEquals("ok\n", c.run(RemoteCommand.of("echo ok")).stdout());
        }
    }

    @Test
    void aNegatedMatchExcludesTheLineEvenWhenAWildcardMatches() throws Exception {
        RemoteException e = refused("!" + addr() + ",* " + key + "\n");
        assertTrue(e.getMessage().contains("unknown host key"), e.getMessage());
    }

    @Test
    void aNegatedPatternAloneMatchesNothing() throws Exception {
        RemoteException e = refused("!other.example " + key + "\n");
        assertTrue(e.getMessage().contains("unknown host key"), e.getMessage());
    }

    @Test
    void aNegationOfAnotherHostLeavesTheLineValid() throws Exception {
        connects("!other.example,* " + key + "\n");
    }

    @Test
    void revokedWithANegationOfAnotherHostStillRevokes() throws Exception {
        RemoteException e = refused("@revoked !other.example,* " + key + "\n" + addr() + " " + key + "\n");
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
    }

    @Test
    void aRevokedLineThatExcludesThisHostDoesNotRevoke() throws Exception {
        connects("@revoked !" + addr() + ",* " + key + "\n" + addr() + " " + key + "\n");
    }

    @Test
    void certAuthorityAndUnknownMarkersDoNotAcceptAPlainKey() throws Exception {
        assertTrue(refused("@cert-authority * " + key + "\n").getMessage().contains("unknown host key"));
        assertTrue(refused("@bogus " + addr() + " " + key + "\n").getMessage().contains("unknown host key"));
    }

    @Test
    void matchingAgreesWithSshKeygen() throws Exception {
        List<String> fields = List.of("db1", "DB1", "db1,db2", "!db1,*", "*,!db1", "!db1", "db?", "d*1", "*.example.com",
                "!bad.example.com,*.example.com", "[db1]:2222", "[db1]:*", "db1.example.com,!db1", "*");
        List<String> hosts = List.of("db1", "db2", "db12", "bad.example.com", "good.example.com", "[db1]:2222");
        Path file = dir.resolve("oracle");
        StringBuilder lines = new StringBuilder();
        for (String f : fields) {
            lines.append(f).append(' ').append(key).append('\n');
        }
        Files.writeString(file, lines);
        for (String host : hosts) {
            // ssh-keygen -F prints "# Host h found: line N" for every line that names h, negation included.
            Process p = new ProcessBuilder("ssh-keygen", "-F", host, "-f", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                if (out.contains("found: line " + (i + 1) + "\n") || out.contains("found: line " + (i + 1) + " ")) {
                    expected.add(fields.get(i));
                }
                if (KnownHosts.names(fields.get(i), host)) {
                    actual.add(fields.get(i));
                }
            }
            assertFalse(host.equals("db1") && expected.isEmpty(), "the oracle found nothing:\n" + out);
            assertEquals(expected, actual, "lines naming " + host);
        }
    }

    @Test
    void acceptNewRecordsTheAddressNeverTheInventoryName() throws Exception {
        Path kh = dir.resolve("known_hosts");
        HostKeyPolicy acceptNew = new HostKeyPolicy(List.of(), HostKeyPolicy.Mode.ACCEPT_NEW, kh);
        SshTarget target = new SshTarget("db1,*\n@revoked * x", "127.0.0.1", server.port(), "tester",
                Optional.of(server.clientKey), false);
        try (Connection c = new SshConnector().connect(target, acceptNew)) {
            assertEquals("ok\n", c.run(RemoteCommand.of("echo ok")).stdout());
        }
        List<String> lines = Files.readAllLines(kh);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals(addr() + " " + key, lines.get(0));
        // ssh-keygen finds the line for the address only, not for some other host.
        assertTrue(TestKeys.exec(List.of("ssh-keygen", "-F", addr(), "-f", kh.toString())).contains("found: line 1"));
        Process other = new ProcessBuilder("ssh-keygen", "-F", "[evil.example]:" + server.port(), "-f", kh.toString()).start();
        assertEquals(1, other.waitFor(), "no line for another host");
    }

    @Test
    void anAddressThatIsNotOneIsNeverRecorded() throws Exception {
        SshTarget target = new SshTarget("db1", "127.0.0.1,*", server.port(), "tester", Optional.of(server.clientKey), false);
        assertThrows(IllegalArgumentException.class, () -> KnownHostsVerifier.recordedName(target));
        assertEquals("[127.0.0.1]:" + server.port(), KnownHostsVerifier.recordedName(server.target("x")));
        assertEquals("db1.example", KnownHostsVerifier.recordedName(
                new SshTarget("x", "DB1.example", 22, "root", Optional.empty(), false)));
        assertEquals("[::1]:2222", KnownHostsVerifier.recordedName(new SshTarget("x", "::1", 2222, "root", Optional.empty(), false)));
    }
}
