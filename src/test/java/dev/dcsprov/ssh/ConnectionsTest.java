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

    /** -f N: at most N connections are being opened at once (a listener counts the sockets open at the same time). */
    @Test
    void forksBoundHowManyHostsAreConnectedToAtOnce() throws Exception {
        try (TestSshServer keys = TestSshServer.start(java.nio.file.Files.createDirectories(dir.resolve("k")))) {
            assertEquals(2, mostAtOnce(2, keys), "-f 2");
            assertEquals(4, mostAtOnce(4, keys), "-f 4: the same four hosts, all at once");
        }
    }

    /** Four hosts on one listener that holds each socket 1 s, then closes it (so each connect fails); the most held at once. */
    private int mostAtOnce(int forks, TestSshServer keys) throws Exception {
        java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        java.net.Socket s = listener.accept();
                        most.accumulateAndGet(now.incrementAndGet(), Math::max);
                        new Thread(() -> {
                            try {
                                Thread.sleep(1000);
                            } catch (InterruptedException ignored) {
                                // closed either way
                            }
                            // Counted out before the close: the client sees the close and may connect the next host
                            // at once, and under load this thread could otherwise count that one in first.
                            now.decrementAndGet();
                            try {
                                s.close();
                            } catch (java.io.IOException ignored) {
                                // closed either way
                            }
                        }).start();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            acceptor.start();
            List<SshTarget> targets = java.util.stream.IntStream.rangeClosed(1, 4).mapToObj(i -> new SshTarget("n" + i, "127.0.0.1",
                    listener.getLocalPort(), "u", Optional.of(keys.clientKey), false)).toList();
            try (Connections c = Connections.open(new SshConnector(java.time.Duration.ofSeconds(5)), targets,
                    keys.strict(dir.resolve("known_hosts")), forks)) {
                assertEquals(4, c.failed().size(), "the listener speaks no SSH");
            }
        }
        return most.get();
    }
}
