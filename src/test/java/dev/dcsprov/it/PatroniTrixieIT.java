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
 * Patroni 4.x with etcd 3.5 (trixie) on dcs-65..67, Patroni on dcs-65 and dcs-66: the lean half of
 * {@link PatroniIT} (apply, primary, leader key, a one-command CA rotation and member replace under polling).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniTrixieIT {
    static final List<String> MEMBERS = List.of("dcs-65", "dcs-66", "dcs-67");
    static final List<String> PATRONI = List.of("dcs-65", "dcs-66");
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
    void oneCommandCaRotation() {
        s.underPatroni("CA rotation (3 phases)", "rotate-certs", "--ca", s.inventory.toString());
    }

    @Test
    @Order(4)
    void memberReplace() {
        s.underPatroni("member replace dcs-67", "member", "replace", s.inventory.toString(), "dcs-67");
        s.log("done");
    }
}
