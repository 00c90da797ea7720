package dev.dcsprov.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dcsprov.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RSA host key must sign with rsa-sha2-512/256. MINA, unlike OpenSSH >= 8.8, still offers SHA-1 ssh-rsa:
 * a server that offers only that is refused, and a known_hosts "ssh-rsa" key verifies through SHA-2.
 */
class RsaHostKeySignatureTest {
    @TempDir
    Path dir;
    static KeyPair rsa;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
    }

    private Path knownHosts(TestSshServer server) throws Exception {
        Path kh = dir.resolve("known_hosts");
        String line = server.knownHostsLine(server.hostPattern());
        assertTrue(line.contains(" ssh-rsa "), line); // the key type OpenSSH writes for any RSA key
        Files.writeString(kh, line + "\n");
        return kh;
    }

    @Test
    void aKnownSshRsaKeyVerifiesThroughSha2Signatures() throws Exception {
        try (TestSshServer server = TestSshServer.start(dir, rsa, s -> { })) {
            Path kh = knownHosts(server);
            try (Connection c = new SshConnector().connect(server.target("node1"), server.strict(kh))) {
                assertEquals("ok\n", c.run(RemoteCommand.of("echo ok")).stdout());
                Session session = server.server.getActiveSessions().get(0);
                String signature = session.getNegotiatedKexParameter(KexProposalOption.SERVERKEYS);
                assertTrue(signature.equals("rsa-sha2-512") || signature.equals("rsa-sha2-256"), signature);
            }
        }
    }

    @Test
    void aServerOfferingOnlySha1SshRsaIsRefused() throws Exception {
        try (TestSshServer server = TestSshServer.start(dir, rsa,
                s -> s.setSignatureFactories(List.of(BuiltinSignatures.rsa)))) {
            Path kh = knownHosts(server);
            RemoteException e = assertThrows(RemoteException.class,
                    () -> new SshConnector().connect(server.target("node1"), server.strict(kh)));
            assertEquals(ExitCode.UNREACHABLE, e.exitCode());
            assertTrue(e.getMessage().contains("no host key algorithm"), e.getMessage());
            assertTrue(e.fix().orElseThrow().contains("rsa-sha2"), e.fix().get());
        }
    }
}
