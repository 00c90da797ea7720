package dev.dcsprov.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patroni 3.0.2 (bookworm) as the first client: dcs-60..62 are etcd members, Patroni runs on dcs-60 (primary)
 * and dcs-61 (replica) with a config.yml without any etcd section. Everything etcd-related comes from dcsprov;
 * every change runs with the primary's /primary polled every 0.5 s: zero non-200 answers, no failover.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniIT {
    static final List<String> MEMBERS = List.of("dcs-60", "dcs-61", "dcs-62");
    static final List<String> GROWN = List.of("dcs-60", "dcs-61", "dcs-62", "dcs-63", "dcs-64");
    static final List<String> PATRONI = List.of("dcs-60", "dcs-61");
    PatroniScenario s;

    @BeforeAll
    void prepare() throws IOException {
        s = new PatroniScenario("bookworm", MEMBERS, PATRONI);
        s.prepare();
    }

    @Test
    @Order(1)
    void aPatroniHostWithoutPatroniIsRefusedBeforeAnyMemberIsTouched() throws IOException {
        var wrong = s.writeInventory(MEMBERS, List.of("dcs-60", "dcs-62"));
        Proc.Result r = s.dcsprov("apply", wrong.toString());
        assertEquals(6, r.exit(), r::toString);
        assertTrue(r.err().contains("Patroni host dcs-62 has no systemd unit 'patroni'"), r::toString);
        assertTrue(r.err().contains("install Patroni on dcs-62"), r::toString);
        // Nothing was touched: no member has etcd's config yet.
        for (String h : MEMBERS) {
            assertEquals(1, Lab.ssh(h, "test -e /etc/dcs/etcd").exit(), h);
        }
        s.inventory = s.writeInventory(MEMBERS, PATRONI);
    }

    @Test
    @Order(2)
    void applyDeliversEverythingAndPatroniBecomesPrimary() {
        Proc.Result r = s.dcsprovOk("apply", s.inventory.toString());
        assertTrue(r.out().contains("/etc/patroni_env.conf"), r::toString);
        for (String h : PATRONI) {
            assertEquals("root postgres 640", Lab.sshOk(h, "stat -c '%U %G %a' /etc/patroni_env.conf").strip());
            assertEquals("postgres 600", Lab.sshOk(h, "stat -Lc '%U %a' /etc/patroni/dcs/current/client.key").strip());
            assertTrue(Lab.sshOk(h, "readlink /etc/patroni/dcs/current").strip().matches("[0-9a-f]{16}"));
            assertFalse(Lab.sshOk(h, "cat /etc/patroni/config.yml").matches("(?ms).*^etcd3?:.*"), "config.yml has no etcd section");
            // The client certificate has no CN: etcd's JSON gateway, which Patroni speaks, refuses one with a CN.
            String subject = Proc.run(List.of("openssl", "x509", "-noout", "-subject", "-in",
                    s.pki().resolve("clients/patroni_main.crt").toString())).out();
            assertFalse(subject.contains("CN"), subject);
        }
        s.startPatroni();
        assertEquals("dcs-60 timeline 1", s.leaderAndTimeline());
        assertEquals(0, s.dcsprov("apply", s.inventory.toString()).exit());
        assertTrue(s.dcsprov("plan", s.inventory.toString()).out().contains("No changes"), "Patroni running changes nothing");
    }

    @Test
    @Order(3)
    void patronisLeaderKeyIsUnderItsScopeAndItsUserIsRefusedOutside() {
        Proc.Result leader = Cli.etcdctl(s.pki(), Cli.endpoints(MEMBERS), "get", "--print-value-only", "/service/main/leader");
        assertEquals(0, leader.exit(), leader::toString);
        assertEquals("dcs-60", leader.out().strip());
        Proc.Result own = s.etcdctlAsPatroni("get", "--print-value-only", "/service/main/leader");
        assertEquals("dcs-60", own.out().strip(), own::toString);
        Proc.Result outside = s.etcdctlAsPatroni("put", "/service/other/x", "1");
        assertTrue(outside.exit() != 0 && outside.all().contains("permission denied"), outside::toString);
    }

    @Test
    @Order(4)
    void leafRotation() {
        s.underPatroni("leaf rotation", "rotate-certs", s.inventory.toString());
    }

    @Test
    @Order(5)
    void clientRotationHandsPatroniItsNewCertificate() {
        String before = Lab.sshOk("dcs-60", "readlink /etc/patroni/dcs/current");
        Proc.Result r = s.underPatroni("--clients rotation", "rotate-certs", "--clients", s.inventory.toString());
        assertTrue(r.out().contains("reload patroni"), r::toString);
        String after = Lab.sshOk("dcs-60", "readlink /etc/patroni/dcs/current");
        assertFalse(before.equals(after), "a new generation");
        Lab.sshOk("dcs-60", "test -d /etc/patroni/dcs/" + before.strip()); // the old one is kept
        assertEquals(Proc.run(List.of("sha256sum", s.pki().resolve("clients/patroni_main.crt").toString())).out().split(" ")[0],
                Lab.sshOk("dcs-60", "sha256sum < /etc/patroni/dcs/current/client.crt").split(" ")[0]);
    }

    @Test
    @Order(6)
    void aRotationIsRefusedBeforeAnythingChangesWhenPatronisRestApiDoesNotAnswer() throws IOException {
        String localCa = sha256(s.pki().resolve("ca.crt"));
        String deployedCa = Lab.sshOk("dcs-62", "sha256sum < /etc/dcs/cert/ca.crt").split(" ")[0];
        Proc.Result r = s.dcsprov("rotate-certs", "--ca", "-e", "dcsprov_patroni_rest_port=8999", s.inventory.toString());
        assertEquals(6, r.exit(), r::toString);
        assertTrue(r.err().contains("REST API does not answer on port 8999"), r::toString);
        assertTrue(r.err().contains("dcsprov_patroni_rest_port"), "the fix names the setting: " + r);
        assertEquals(localCa, sha256(s.pki().resolve("ca.crt")), "no new CA was made");
        assertEquals(deployedCa, Lab.sshOk("dcs-62", "sha256sum < /etc/dcs/cert/ca.crt").split(" ")[0]);
        // The same command with Patroni's real port is the next test, and it finishes the whole rotation.
    }

    private static String sha256(java.nio.file.Path file) {
        return Proc.run(List.of("sha256sum", file.toString())).out().split(" ")[0];
    }

    @Test
    @Order(7)
    void oneCommandCaRotation() {
        Proc.Result r = s.underPatroni("CA rotation (3 phases)", "rotate-certs", "--ca", s.inventory.toString());
        assertTrue(r.out().contains("CA ROTATED"), r::toString);
        // Patroni ends with the new CA alone, as the members do.
        assertEquals(Proc.run(List.of("sha256sum", s.pki().resolve("ca.crt").toString())).out().split(" ")[0],
                Lab.sshOk("dcs-61", "sha256sum < /etc/patroni/dcs/current/ca.crt").split(" ")[0]);
        assertEquals("dcs-60", s.etcdctlAsPatroni("get", "--print-value-only", "/service/main/leader").out().strip());
    }

    @Test
    @Order(8)
    void aConfigurationChangeRestartsEveryMemberUnderPatroni() {
        // apply's rolling restart waits, like the rotations, until Patroni reached etcd again after each member.
        Proc.Result r = s.underPatroni("config change (3 restarts)", "apply", "-e", "etcd_snapshot_count=20000", s.inventory.toString());
        for (String h : MEMBERS) {
            assertTrue(Lab.sshOk(h, "cat /etc/dcs/etcd").contains("ETCD_SNAPSHOT_COUNT=\"20000\""), h);
        }
        assertTrue(r.out().contains("waiting for Patroni on dcs-60 to talk to etcd after"), r::toString);
    }

    @Test
    @Order(9)
    void growTo5() throws IOException {
        PatroniScenario.recreate("bookworm", List.of("dcs-63", "dcs-64"));
        s.inventory = s.writeInventory(GROWN, PATRONI);
        s.underPatroni("grow 3->5", "apply", s.inventory.toString());
        assertTrue(Lab.sshOk("dcs-60", "cat /etc/patroni_env.conf").contains(Lab.address("dcs-64") + ":2379"));
    }

    @Test
    @Order(10)
    void shrinkTo3() throws IOException {
        s.inventory = s.writeInventory(MEMBERS, PATRONI);
        s.underPatroni("shrink 5->3", "apply", "--remove-absent-members", s.inventory.toString());
        assertFalse(Lab.sshOk("dcs-60", "cat /etc/patroni_env.conf").contains(Lab.address("dcs-64") + ":2379"));
    }

    @Test
    @Order(11)
    void memberReplace() {
        s.underPatroni("member replace dcs-62", "member", "replace", s.inventory.toString(), "dcs-62");
        s.log("done");
    }
}
