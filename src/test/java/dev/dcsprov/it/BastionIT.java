package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster behind a bastion: dcs-76 and dcs-77 refuse SSH from this machine (their sshd accepts logins only from
 * dcs-75, AllowUsers root@192.168.56.85: nspawn lab hosts may not change their firewall; the machine's is
 * untouched) and are reached through dcs-75 with
 * {@code ansible_ssh_common_args: -J root@dcs-75}. apply works through the hop (etcdctl from this machine finds
 * every member healthy, though dcs-76/77 take no SSH login from it); an unknown host key at the hop and an unreachable hop are refused, naming the hop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.ANSIBLE)
class BastionIT {
    static final List<String> HOSTS = List.of("dcs-75", "dcs-76", "dcs-77");
    private static final String JUMP = Lab.address("dcs-75");
    private Path dir;
    private Path inventory;

    @BeforeAll
    void bastionInFront() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        for (String h : List.of("dcs-76", "dcs-77")) {
            // nspawn lab hosts lack CAP_NET_ADMIN for nftables: sshd itself accepts logins only from the bastion.
            Lab.sshOk(h, "echo 'AllowUsers root@" + JUMP + "' >> /etc/ssh/sshd_config && (systemctl reload ssh || systemctl reload sshd)");
            assertNotEquals(0, Lab.ssh(h, "true").exit(), h + " is no longer reachable directly");
        }
        dir = Files.createTempDirectory("dcsprov-bastion-it");
        inventory = behindBastion(dir, "root@" + JUMP, "");
    }

    /** The lab inventory with dcs-76 and dcs-77 reached through the given jump host. */
    private static Path behindBastion(Path dir, String jump, String extraVars) throws IOException {
        Path file = Lab.writeInventory(dir, HOSTS, extraVars);
        String text = Files.readString(file);
        for (String h : List.of("dcs-76", "dcs-77")) {
            String line = "ansible_host: " + Lab.address(h) + "\n";
            text = text.replace(line, line + "          ansible_ssh_common_args: '-o ServerAliveInterval=10 -J " + jump + "'\n");
        }
        Files.writeString(file, text);
        return file;
    }

    @Test
    @Order(1)
    void applyWorksThroughTheBastion() {
        Proc.Result r = Cli.dcsprov("apply", "-vv", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("[dcs-76] connected to root@" + Lab.address("dcs-76")), r::toString);
        Proc.Result health = Cli.etcdctl(dir.resolve("pki/dcs"), Cli.endpoints(HOSTS), "endpoint", "health");
        assertEquals(0, health.exit(), health::toString);
        // etcdctl prints endpoint health on stderr
        assertEquals(3, (health.out() + health.err()).lines().filter(l -> l.contains("is healthy")).count(), health::toString);
    }

    @Test
    @Order(2)
    void anUnknownHostKeyAtTheHopIsRefused() throws IOException {
        Path other = Files.createDirectories(dir.resolve("unknown-hop"));
        Path knownHosts = other.resolve("known_hosts");
        // Every lab key but the bastion's: the members' keys are known, the hop's is not.
        Files.write(knownHosts, Files.readAllLines(Lab.KNOWN_HOSTS).stream().filter(l -> !l.startsWith("dcs-75,")).toList());
        Path inv = behindBastion(other, "root@" + JUMP, "");
        Files.writeString(inv, Files.readString(inv).replace(Lab.KNOWN_HOSTS.toString(), knownHosts.toString()));
        Proc.Result r = Cli.dcsprov("plan", inv.toString());
        assertEquals(4, r.exit(), r::toString);
        // "unknown host key", or "changed" where ~/.ssh/known_hosts still has an older lab key for the address
        assertTrue(r.err().contains("jump host " + JUMP + " (on the way to dcs-76): "), r::toString);
        assertTrue(r.err().contains("host key"), r::toString);
    }

    @Test
    @Order(3)
    void anUnreachableHopIsNamed() throws IOException {
        Path other = Files.createDirectories(dir.resolve("dead-hop"));
        Path inv = behindBastion(other, "root@192.168.56.254", "");
        Proc.Result r = Cli.dcsprov("plan", inv.toString());
        assertEquals(4, r.exit(), r::toString);
        assertTrue(r.err().contains("jump host 192.168.56.254 (on the way to dcs-76)"), r::toString);
    }
}
