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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patroni 4.x with etcd 3.5 (trixie) on dcs-65..67 (and dcs-68..69 to grow), Patroni on dcs-65 and dcs-66:
 * what {@link PatroniIT} proves on bookworm, each operation under Patroni with /primary polled every 0.5 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniTrixieIT {
    static final List<String> MEMBERS = List.of("dcs-65", "dcs-66", "dcs-67");
    static final List<String> PATRONI = List.of("dcs-65", "dcs-66");
    static final List<String> GROWN = List.of("dcs-65", "dcs-66", "dcs-67", "dcs-68", "dcs-69");
    PatroniScenario s;

    @BeforeAll
    void prepare() throws IOException {
        s = new PatroniScenario("trixie", MEMBERS, PATRONI);
        s.prepare();
    }

    @Test
    @Order(1)
    void applyAndPrimary() {
        s.dcsprovOk("apply", s.inventory.toString());
        s.startPatroni();
        assertTrue(Lab.sshOk("dcs-65", "patroni --version").contains("patroni 4."));
        assertEquals("dcs-65", Cli.etcdctl(s.pki(), Cli.endpoints(MEMBERS), "get", "--print-value-only", "/service/main/leader").out().strip());
        assertTrue(s.etcdctlAsPatroni("put", "/service/other/x", "1").all().contains("permission denied"));
    }

    @Test
    @Order(2)
    void statusShowsPatronisOwnView() throws Exception {
        assertTrue(s.dcsprovOk("status", s.inventory.toString()).out().contains("Patroni cluster 'main': leader dcs-65"));
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.dcsprovOk("status", "-o", "json", s.inventory.toString()).out());
        assertEquals("dcs-65", doc.path("patroni").path(0).path("leader").asText(), doc.toString());
        assertEquals(2, doc.path("patroni").path(0).path("members").size(), doc.toString());
    }

    @Test
    @Order(3)
    void leafAndClientRotation() {
        s.underPatroni("leaf rotation", "rotate-certs", s.inventory.toString());
        s.underPatroni("--clients rotation", "rotate-certs", "--clients", s.inventory.toString());
        assertEquals(Proc.run(List.of("sha256sum", s.pki().resolve("clients/patroni_main.crt").toString())).out().split(" ")[0],
                Lab.sshOk("dcs-65", "sha256sum < /etc/patroni/dcs/current/client.crt").split(" ")[0]);
    }

    @Test
    @Order(4)
    void oneCommandCaRotation() {
        s.underPatroni("CA rotation (3 phases)", "rotate-certs", "--ca", s.inventory.toString());
    }

    @Test
    @Order(5)
    void growTo5AndShrinkTo3() throws IOException {
        PatroniScenario.recreate("trixie", List.of("dcs-68", "dcs-69"));
        s.inventory = s.writeInventory(GROWN, PATRONI);
        s.underPatroni("grow 3->5", "apply", s.inventory.toString());
        assertTrue(Lab.sshOk("dcs-65", "cat /etc/patroni_env.conf").contains(Lab.address("dcs-69") + ":2379"));
        s.inventory = s.writeInventory(MEMBERS, PATRONI);
        s.underPatroni("shrink 5->3", "apply", "--remove-absent-members", s.inventory.toString());
    }

    @Test
    @Order(6)
    void memberReplace() {
        s.underPatroni("member replace dcs-67", "member", "replace", s.inventory.toString(), "dcs-67");
        s.log("done");
    }
}
