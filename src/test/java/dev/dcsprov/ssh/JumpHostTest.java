package dev.dcsprov.ssh;

import dev.dcsprov.ExitCode;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ProxyJump through real SSH servers: the tunnel really goes through the jump host, whose host key is verified too. */
class JumpHostTest {
    @TempDir
    static Path dir;
    static TestSshServer jump;
    static TestSshServer target;
    /** A second jump host, behind the first. */
    static TestSshServer jump2;
    /** Where the jump host was asked to open a direct-tcpip channel to. */
    static final List<Integer> tunnelled = new CopyOnWriteArrayList<>();
    static final List<Integer> tunnelled2 = new CopyOnWriteArrayList<>();

    /** Allows direct-tcpip channels only, noting the port each goes to. */
    private static ForwardingFilter logging(List<Integer> log) {
        return new ForwardingFilter() {
            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, org.apache.sshd.common.session.Session session) {
                log.add(address.getPort());
                return true;
            }

            @Override
            public boolean canForwardAgent(org.apache.sshd.common.session.Session session, String requestType) {
                return false;
            }

            @Override
            public boolean canForwardX11(org.apache.sshd.common.session.Session session, String requestType) {
                return false;
            }

            @Override
            public boolean canListen(SshdSocketAddress address, org.apache.sshd.common.session.Session session) {
                return false;
            }
        };
    }

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("t"));
        target = TestSshServer.start(dir.resolve("t"));
        Files.createDirectories(dir.resolve("j"));
        jump = TestSshServer.start(dir.resolve("j"), TestKeys.ecKeyPair(), s -> s.setForwardingFilter(logging(tunnelled)));
        Files.createDirectories(dir.resolve("j2"));
        jump2 = TestSshServer.start(dir.resolve("j2"), TestKeys.ecKeyPair(), s -> s.setForwardingFilter(logging(tunnelled2)));
        Files.copy(target.clientKey.resolveSibling("id_client.pub"), jump2.clientKey.resolveSibling("id_client.pub"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // The jump host accepts the target's client key too, as a bastion with the operator's key would.
        Files.copy(target.clientKey.resolveSibling("id_client.pub"), jump.clientKey.resolveSibling("id_client.pub"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterAll
    static void stop() throws Exception {
        jump.close();
        jump2.close();
        target.close();
    }

    private static SshTarget through(int jumpPort) {
        SshTarget hop = new SshTarget("bastion", "127.0.0.1", jumpPort, "tester", Optional.of(target.clientKey), false);
        return new SshTarget("node1", "127.0.0.1", target.port(), "tester", Optional.of(target.clientKey), false, List.of(hop));
    }

    @Test
    void commandsRunThroughTheJumpHost() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, target.knownHostsLine(target.hostPattern()) + "\n" + jump.knownHostsLine(jump.hostPattern()) + "\n");
        tunnelled.clear();
        try (Connection c = new SshConnector().connect(through(jump.port()), target.strict(kh))) {
            assertEquals("ok\n", c.run(RemoteCommand.of("echo ok")).stdout());
        }
        assertEquals(List.of(target.port()), tunnelled, "the jump host opened the channel to the target");
    }

    @Test
    void anUnknownHostKeyAtTheHopIsRefusedNamingTheHop() throws Exception {
        Path kh = dir.resolve("known_hosts_target_only");
        Files.writeString(kh, target.knownHostsLine(target.hostPattern()) + "\n");
        tunnelled.clear();
        int before = target.commands.size();
        RemoteException e = assertThrows(RemoteException.class, () -> new SshConnector().connect(through(jump.port()), target.strict(kh)));
        assertEquals(ExitCode.UNREACHABLE, e.exitCode());
        assertTrue(e.summary().startsWith("node1: jump host bastion (on the way to node1): unknown host key for 127.0.0.1"), e.summary());
        assertTrue(tunnelled.isEmpty(), "no tunnel opened through an unverified hop");
        assertEquals(before, target.commands.size());
    }

    @Test
    void anUnreachableHopIsNamed() throws Exception {
        Path kh = dir.resolve("known_hosts");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        RemoteException e = assertThrows(RemoteException.class, () -> new SshConnector().connect(through(closed), target.strict(kh)));
        assertTrue(e.summary().startsWith("node1: jump host bastion (on the way to node1): connection refused by 127.0.0.1 port " + closed), e.summary());
    }

    /** bastion, then hop2, then the member: the tunnel goes through both, in that order. */
    private static SshTarget throughTwo() {
        SshTarget hop1 = new SshTarget("bastion", "127.0.0.1", jump.port(), "tester", Optional.of(target.clientKey), false);
        SshTarget hop2 = new SshTarget("hop2", "127.0.0.1", jump2.port(), "tester", Optional.of(target.clientKey), false);
        return new SshTarget("node1", "127.0.0.1", target.port(), "tester", Optional.of(target.clientKey), false, List.of(hop1, hop2));
    }

    @Test
    void twoHopsEachWithItsHostKeyVerified() throws Exception {
        Path kh = dir.resolve("known_hosts_two_hops");
        Files.writeString(kh, target.knownHostsLine(target.hostPattern()) + "\n" + jump.knownHostsLine(jump.hostPattern()) + "\n"
                + jump2.knownHostsLine(jump2.hostPattern()) + "\n");
        tunnelled.clear();
        tunnelled2.clear();
        try (Connection c = new SshConnector().connect(throughTwo(), target.strict(kh))) {
            assertEquals("ok\n", c.run(RemoteCommand.of("echo ok")).stdout());
        }
        assertEquals(List.of(jump2.port()), tunnelled, "the first hop opened the channel to the second");
        assertEquals(List.of(target.port()), tunnelled2, "the second hop opened the channel to the target");
    }

    @Test
    void anUnknownHostKeyAtTheSecondHopIsRefusedNamingIt() throws Exception {
        Path kh = dir.resolve("known_hosts_first_hop_only");
        Files.writeString(kh, target.knownHostsLine(target.hostPattern()) + "\n" + jump.knownHostsLine(jump.hostPattern()) + "\n");
        tunnelled.clear();
        tunnelled2.clear();
        int before = target.commands.size();
        RemoteException e = assertThrows(RemoteException.class, () -> new SshConnector().connect(throughTwo(), target.strict(kh)));
        assertEquals(ExitCode.UNREACHABLE, e.exitCode());
        assertTrue(e.summary().startsWith("node1: jump host hop2 (on the way to node1): unknown host key for 127.0.0.1 port "
                + jump2.port()), e.summary());
        assertEquals(List.of(jump2.port()), tunnelled, "the first hop, whose key is known, was passed");
        assertTrue(tunnelled2.isEmpty(), "no tunnel opened through the unverified second hop");
        assertEquals(before, target.commands.size());
    }

    @Test
    void aChangedHostKeyAtTheFirstHopStopsBeforeTheSecond() throws Exception {
        Path kh = dir.resolve("known_hosts_first_hop_changed");
        Files.writeString(kh, target.knownHostsLine(target.hostPattern()) + "\n"
                + TestSshServer.knownHostsLine(jump.hostPattern(), TestKeys.ecKeyPair().getPublic()) + "\n"
                + jump2.knownHostsLine(jump2.hostPattern()) + "\n");
        tunnelled.clear();
        tunnelled2.clear();
        RemoteException e = assertThrows(RemoteException.class, () -> new SshConnector().connect(throughTwo(), target.strict(kh)));
        assertTrue(e.summary().startsWith("node1: jump host bastion (on the way to node1): "), e.summary());
        assertTrue(tunnelled.isEmpty() && tunnelled2.isEmpty(), "no tunnel through a hop whose key changed");
    }
}
