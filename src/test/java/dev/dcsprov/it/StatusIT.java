package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dcsprov status against a healthy cluster and one with a member stopped (run after RbacIT on the same hosts, or alone). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.AUTH)
class StatusIT {
    private static final List<String> HOSTS = RbacIT.HOSTS;
    private Path inventory;

    @BeforeAll
    void cluster() throws IOException {
        inventory = Lab.appliedCluster(HOSTS, "status-it");
    }

    @AfterAll
    void startAgain() {
        Lab.ssh("dcs-12", "systemctl start etcd");
    }

    @Test
    @Order(1)
    void healthyClusterShowsTheThreeTablesAndExitsZero() throws IOException {
        Proc.Result r = Cli.dcsprov("status", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        for (String s : List.of("ID", "STATUS", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER", "HEALTH", "TOOK", "RAFT APPLIED INDEX", "DAYS LEFT")) {
            assertTrue(r.out().contains(s), s);
        }
        String ids = Cli.etcdctl(inventory.getParent().resolve("pki/dcs"), Cli.endpoints(HOSTS), "member", "list").out();
        for (String line : ids.lines().toList()) {
            assertTrue(r.out().contains(line.split(",")[0].strip()), "member ID from etcdctl: " + line);
        }
        // The deployed certificate, read over OpenSSH and dated by the machine's openssl.
        Path crt = Files.createTempFile("dcs-11", ".crt");
        Files.writeString(crt, Lab.sshOk("dcs-11", "cat /etc/dcs/cert/server.crt"));
        String end = Proc.run(List.of("openssl", "x509", "-noout", "-enddate", "-in", crt.toString())).out().strip();
        java.time.Instant notAfter = java.time.ZonedDateTime.parse(end.replace("notAfter=", "").replaceAll("\\s+", " "),
                java.time.format.DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy zzz", java.util.Locale.ROOT)).toInstant();
        JsonNode doc = new ObjectMapper().readTree(Cli.dcsprov("status", "-o", "json", inventory.toString()).out());
        JsonNode cert11 = null;
        for (JsonNode c : doc.get("certificates")) {
            cert11 = c.get("member").asText().equals("dcs-11") ? c : cert11;
        }
        assertEquals(notAfter.toString(), cert11.get("not_after").asText(), end);
        assertTrue(doc.get("healthy").asBoolean());
        assertEquals(3, doc.get("endpoint_status").size());
        assertEquals(1, countLeaders(doc));
        doc.get("certificates").forEach(c -> assertTrue(c.get("days_left").asLong() > 300, c.toString()));
    }

    @Test
    @Order(2)
    void aStoppedMemberShowsAsDownAndTheExitCodeIsSeven() throws IOException {
        Lab.sshOk("dcs-12", "systemctl stop etcd");
        Proc.Result r = Cli.dcsprov("status", inventory.toString());
        assertEquals(7, r.exit(), r::toString);
        assertTrue(r.out().matches("(?s).*https://192\\.168\\.56\\.22:2379\\s+false.*"), r::toString);
        assertTrue(r.out().contains("NOT HEALTHY"), r::toString);
        JsonNode doc = new ObjectMapper().readTree(Cli.dcsprov("status", "-o", "json", inventory.toString()).out());
        assertFalse(doc.get("healthy").asBoolean());
        assertEquals(1, countLeaders(doc), "the two others still have a leader");
    }

    private static int countLeaders(JsonNode doc) {
        int n = 0;
        for (JsonNode s : doc.get("endpoint_status")) {
            n += s.path("is_leader").asBoolean(false) ? 1 : 0;
        }
        return n;
    }
}
