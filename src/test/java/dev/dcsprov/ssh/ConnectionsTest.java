package dev.dcsprov.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dcsprov.ExitCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionsTest {
    @TempDir
    Path dir;

    @Test
    void oneBadHostDoesNotStopTheOthers() throws Exception {
        try (TestSshServer a = TestSshServer.start(java.nio.file.Files.createDirectories(dir.resolve("a")));
             TestSshServer b = TestSshServer.start(java.nio.file.Files.createDirectories(dir.resolve("b")))) {
            Path kh = dir.resolve("known_hosts");
            java.nio.file.Files.writeString(kh, a.knownHostsLine(a.hostPattern()) + "\n"
                    + b.knownHostsLine(b.hostPattern()) + "\n");
            HostKeyPolicy policy = a.strict(kh);
            int closed = ConnectFailureTest.closedPort();
            List<SshTarget> targets = List.of(
                    a.target("n1"),
                    new SshTarget("n2", "127.0.0.1", closed, "u", Optional.of(a.clientKey), false),
                    b.target("n3"),
                    a.target("n4"));
            Connections all;
            try (Connections c = Connections.open(new SshConnector(), targets, policy, 2)) {
                all = c;
                assertEquals(List.of("n1", "n3", "n4"), List.copyOf(c.open().keySet()));
                assertEquals(List.of("n2"), List.copyOf(c.failed().keySet()));
                assertFalse(c.allOpen());
                RemoteException bad = c.failed().get("n2");
                assertEquals(ExitCode.UNREACHABLE, bad.exitCode());
                assertTrue(bad.getMessage().contains("port " + closed), bad.getMessage());
                for (Connection conn : c.open().values()) {
                    assertEquals(conn.hostName() + "\n", conn.run(RemoteCommand.of("echo " + conn.hostName())).stdout());
                }
            }
            // Closed with the pool: the transport is gone.
            SshjConnection n1 = (SshjConnection) all.open().get("n1");
            assertTrue(org.junit.jupiter.api.Assertions.assertThrows(RemoteException.class,
                    () -> n1.run(RemoteCommand.of("true"))).getMessage().startsWith("n1: "));
        }
    }
}
