package dev.dcsprov.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SSH against the lab's real OpenSSH: host keys verified by default, unreachable hosts and sudo.
 * Only plan runs here, so nothing is installed; hosts dcs-05 and dcs-06 are this class's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostAccessIT {
    static final List<String> HOSTS = List.of("dcs-05", "dcs-06");
    private Path dir;

    @BeforeAll
    void freshHosts() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        dir = Files.createTempDirectory("dcsprov-access-it");
    }

    @Test
    void planReachesHostsWithVerifiedKeys() throws IOException {
        Path inv = Lab.writeInventory(dir.resolve("ok"), HOSTS, "");
        Proc.Result r = Cli.dcsprov("plan", inv.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("+ package etcd-server etcd-client"), r::toString);
        for (String h : HOSTS) {
            assertNotEquals(0, Lab.ssh(h, "test -e /etc/dcs").exit(), "plan changes nothing on " + h);
        }
    }

    @Test
    void anUnreachableHostStopsTheRunBeforeAnyChangeAndIsNamed() throws IOException {
        Path inv = Lab.writeInventory(dir.resolve("down"), List.of("dcs-05", "dcs-88"), "");
        Proc.Result r = Cli.dcsprov("apply", inv.toString());
        assertEquals(4, r.exit(), r::toString);
        assertTrue(r.err().contains("dcs-88"), r::toString);
        assertTrue(r.err().contains("fix:"), r::toString);
        assertNotEquals(0, Lab.ssh("dcs-05", "test -e /etc/dcs").exit(), "the reachable host is untouched");
    }

    @Test
    void aChangedHostKeyStopsTheRunShowingBothFingerprints() throws IOException {
        Path wrongKey = dir.resolve("wrong_key");
        assertEquals(0, Proc.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrongKey.toString())).exit());
        Path knownHosts = dir.resolve("known_hosts_changed");
        String pub = Files.readString(Path.of(wrongKey + ".pub")).strip().split(" ")[0] + " "
                + Files.readString(Path.of(wrongKey + ".pub")).strip().split(" ")[1];
        Files.writeString(knownHosts, "dcs-05," + Lab.address("dcs-05") + " " + pub + "\n");
        Path inv = writeInventoryWithKnownHosts("changed", knownHosts);
        Proc.Result r = Cli.dcsprov(Map.of("JAVA_TOOL_OPTIONS", "-Duser.home=" + dir), "plan", inv.toString());
        assertEquals(4, r.exit(), r::toString);
        assertTrue(r.err().contains("dcs-05"), r::toString);
        String presented = Proc.run(List.of("sh", "-c", "ssh-keygen -lf " + Lab.KNOWN_HOSTS + " | grep " + Lab.address("dcs-05")
                + " | grep ED25519 | awk '{print $2}'")).out().strip();
        String expected = Proc.run(List.of("ssh-keygen", "-lf", wrongKey + ".pub")).out().split(" ")[1];
        assertTrue(r.err().contains(expected), "the known fingerprint is shown:\n" + r.err());
        assertTrue(!presented.isEmpty() && r.err().contains(presented), "the presented fingerprint " + presented + " is shown:\n" + r.err());
        assertTrue(r.err().contains("ssh-keygen -R"), r::toString);
    }

    @Test
    void anUnknownHostKeyIsRefusedUnlessAcceptNewIsAskedForThenItIsRecorded() throws IOException {
        Path empty = dir.resolve("known_hosts_empty");
        Files.writeString(empty, "");
        Path inv = writeInventoryWithKnownHosts("unknown", empty);
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        Proc.Result refused = Cli.dcsprov(env, "plan", inv.toString());
        assertEquals(4, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("--accept-new-host-keys"), refused::toString);

        Proc.Result accepted = Cli.dcsprov(env, "plan", "--accept-new-host-keys", inv.toString());
        assertEquals(0, accepted.exit(), accepted::toString);
        Path recorded = home.resolve(".ssh/known_hosts");
        // The recorded key is the host's real key: OpenSSH now accepts the host with only that file.
        Proc.Result ssh = Proc.run(List.of("ssh", "-q", "-i", Lab.SSH_KEY.toString(), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + recorded, "-o", "GlobalKnownHostsFile=/dev/null",
                "root@" + Lab.address("dcs-05"), "true"));
        assertEquals(0, ssh.exit(), "recorded key verifies with OpenSSH: " + ssh + "\n" + Files.readString(recorded));
        Proc.Result again = Cli.dcsprov(env, "plan", inv.toString());
        assertEquals(0, again.exit(), "strict checking now passes: " + again);
    }

    @Test
    void aNonRootUserWorksThroughPasswordlessSudo() throws IOException {
        Path inv = Lab.writeInventory(dir.resolve("sudo"), HOSTS, "");
        Files.writeString(inv, Files.readString(inv).replace("ansible_user: root", "ansible_user: dcsadmin\n    ansible_become: true"));
        String since = Lab.sshOk("dcs-05", "date '+%Y-%m-%d %H:%M:%S'").strip();
        Proc.Result r = Cli.dcsprov("plan", inv.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("a new cluster 'dcs' will be bootstrapped on 2 members"), r::toString);
        // The host's own journal, not dcsprov, says the commands ran through sudo as dcsadmin.
        String journal = Lab.sshOk("dcs-05", "journalctl -q --no-pager _COMM=sudo --since '" + since + "'");
        assertTrue(journal.contains("dcsadmin") && journal.contains("COMMAND="), journal);
    }

    private Path writeInventoryWithKnownHosts(String name, Path knownHosts) throws IOException {
        Path inv = Lab.writeInventory(dir.resolve(name), List.of("dcs-05"), "");
        Files.writeString(inv, Files.readString(inv).replace("dcsprov_known_hosts: " + Lab.KNOWN_HOSTS,
                "dcsprov_known_hosts: " + knownHosts));
        return inv;
    }
}
