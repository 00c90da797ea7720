package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * apply and plan on fresh lab hosts, checked from this machine with Debian's etcdctl and openssl,
 * never with dcsprov's own code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.DEFAULT)
class ApplyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path inventory;
    private Path pki;
    private final List<String> endpoints = Cli.endpoints(Lab.HOSTS);

    @BeforeAll
    void freshHostsAndInventory() throws IOException {
        Lab.requireUp();
        Lab.recreate(Lab.HOSTS);
        Path dir = Files.createTempDirectory("dcsprov-apply-it");
        inventory = dir.resolve("lab.yml");
        Files.copy(Lab.defaultInventory(), inventory);
        pki = dir.resolve("pki/dcs");
    }

    @Test
    @Order(1)
    void planOnFreshHostsShowsTheBootstrapAndChangesNothing() {
        Proc.Result r = Cli.dcsprov("plan", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("a new cluster 'dcs' will be bootstrapped on 3 members"), r::toString);
        assertTrue(r.out().contains("+ package etcd-server etcd-client"), r::toString);
        assertTrue(r.out().contains("+ file /etc/dcs/cert/server.key") && r.out().contains("(sensitive)"), r::toString);
        assertTrue(r.out().contains("+ETCD_INITIAL_CLUSTER_STATE=\"new\""), r::toString);
        for (String host : Lab.HOSTS) {
            assertNotEquals(0, Lab.ssh(host, "dpkg -s etcd-server").exit(), host + " must not have etcd after plan");
            assertNotEquals(0, Lab.ssh(host, "test -e /etc/dcs").exit(), host + " must not have /etc/dcs after plan");
        }
    }

    @Test
    @Order(2)
    void applyBootstrapsAHealthyTlsCluster() throws IOException {
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("RECAP"), r::toString);

        Proc.Result members = Cli.etcdctl(pki, endpoints, "member", "list", "-w", "json");
        assertEquals(0, members.exit(), members::toString);
        JsonNode list = JSON.readTree(members.out()).get("members");
        assertEquals(3, list.size(), members.out());
        for (JsonNode m : list) {
            assertTrue(Lab.HOSTS.contains(m.get("name").asText()), "started member with a name: " + m);
            assertTrue(m.get("clientURLs").toString().contains("https://" + Lab.address(m.get("name").asText()) + ":2379"), m.toString());
            assertTrue(m.get("peerURLs").get(0).asText().startsWith("https://"), m.toString());
        }
        Proc.Result health = Cli.etcdctl(pki, endpoints, "endpoint", "health", "-w", "json");
        assertEquals(0, health.exit(), health::toString);
        JsonNode h = JSON.readTree(health.out());
        assertEquals(3, h.size(), health.out());
        h.forEach(e -> assertTrue(e.get("health").asBoolean(), e.toString()));
        // The package's stock single-member data must never have come to exist.
        for (String host : Lab.HOSTS) {
            assertNotEquals(0, Lab.ssh(host, "test -e /var/lib/etcd/default/member").exit(), host);
            assertEquals("existing", Lab.sshOk(host, ". /etc/default/etcd && echo $ETCD_INITIAL_CLUSTER_STATE").strip(), host);
        }
    }

    @Test
    @Order(3)
    void eachMemberPresentsACertificateWithItsSans() throws IOException {
        for (String host : Lab.HOSTS) {
            String addr = Lab.address(host);
            Proc.Result s = Proc.run(List.of("sh", "-c", "openssl s_client -connect " + addr + ":2379 -CAfile " + pki.resolve("ca.crt")
                    + " -cert " + pki.resolve("clients/root.crt") + " -key " + pki.resolve("clients/root.key")
                    + " -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName,extendedKeyUsage -subject"));
            assertEquals(0, s.exit(), s::toString);
            for (String san : List.of("IP Address:" + addr, "IP Address:127.0.0.1", "DNS:localhost", "DNS:" + host, "DNS:" + host + ".lab")) {
                assertTrue(s.out().contains(san), host + " lacks " + san + ":\n" + s.out());
            }
            assertTrue(s.out().contains("TLS Web Server Authentication") && s.out().contains("TLS Web Client Authentication"), s.out());
        }
    }

    @Test
    @Order(4)
    void clientsWithoutACertificateOrOverPlainHttpAreRefused() {
        Proc.Result noCert = Proc.run(List.of("etcdctl", "--endpoints=" + endpoints.get(0), "--cacert=" + pki.resolve("ca.crt"),
                "--dial-timeout=3s", "--command-timeout=5s", "put", "/probe", "x"), Map.of("ETCDCTL_API", "3"), null, 60);
        assertNotEquals(0, noCert.exit(), "a client without a certificate must be refused: " + noCert);
        Proc.Result http = Proc.run(List.of("etcdctl", "--endpoints=http://" + Lab.address(Lab.HOSTS.get(0)) + ":2379",
                "--dial-timeout=3s", "--command-timeout=5s", "put", "/probe", "x"), Map.of("ETCDCTL_API", "3"), null, 60);
        assertNotEquals(0, http.exit(), "plain http must be refused: " + http);
        Proc.Result withCert = Cli.etcdctl(pki, endpoints, "put", "/probe", "x");
        assertEquals(0, withCert.exit(), withCert::toString);
    }

    @Test
    @Order(5)
    void filesHaveTheirModesAndTheDefaultsLink() {
        // Root owns all of it; etcd may read what it opens and write none of it (issue 11).
        String stat = Lab.sshOk(Lab.HOSTS.get(0), "stat -c '%n %a %U %G' /etc/dcs /etc/dcs/cert /etc/dcs/cert/server.key /etc/dcs/cert/server.crt"
                + " /etc/dcs/cert/ca.crt /etc/dcs/cert/admin.key /etc/dcs/etcd /etc/dcs/etcdctl.env");
        for (String want : List.of("/etc/dcs 750 root etcd", "/etc/dcs/cert 750 root etcd", "/etc/dcs/cert/server.key 640 root etcd",
                "/etc/dcs/cert/server.crt 640 root etcd", "/etc/dcs/cert/ca.crt 640 root etcd", "/etc/dcs/cert/admin.key 600 root root",
                "/etc/dcs/etcd 640 root etcd", "/etc/dcs/etcdctl.env 644 root root")) {
            assertTrue(stat.contains(want + "\n"), want + "\n" + stat);
        }
        assertEquals("/etc/dcs/etcd", Lab.sshOk(Lab.HOSTS.get(0), "readlink /etc/default/etcd").strip());
        assertEquals(0, Lab.ssh(Lab.HOSTS.get(0), "test -f /etc/default/etcd.dcsprov-orig").exit(), "the stock file is kept aside");
    }

    @Test
    @Order(6)
    void aSecondApplyChangesNothingAndRestartsNothing() throws IOException {
        Map<String, String> pids = mainPids();
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("No changes"), r::toString);
        for (String host : Lab.HOSTS) {
            assertTrue(r.out().matches("(?s).*" + host + "\\s+ok=\\d+\\s+changed=0\\s+failed=0.*"), r::toString);
        }
        Proc.Result json = Cli.dcsprov("apply", "--output", "json", inventory.toString());
        assertEquals(0, json.exit(), json::toString);
        JsonNode doc = JSON.readTree(json.out());
        assertEquals(3, doc.get("recap").size(), json.out());
        doc.get("recap").forEach(h -> assertEquals(0, h.get("changed").asInt(), h.toString()));
        assertEquals(0, doc.get("results").size(), json.out());
        assertEquals(pids, mainPids(), "no member may restart on a no-op apply");
    }

    @Test
    @Order(7)
    void planAfterATemplateVariableChangeShowsExactlyThatDiff() throws IOException {
        String yaml = Files.readString(inventory).replace("  vars:\n", "  vars:\n    etcd_heartbeat_interval: 150\n");
        Files.writeString(inventory, yaml);
        Proc.Result r = Cli.dcsprov("plan", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        List<String> changedLines = r.out().lines().map(String::strip)
                .filter(l -> (l.startsWith("+") || l.startsWith("-")) && !l.startsWith("+++") && !l.startsWith("---")
                        && l.contains("ETCD_")).toList();
        assertEquals(List.of("-ETCD_HEARTBEAT_INTERVAL=\"100\"", "+ETCD_HEARTBEAT_INTERVAL=\"150\"").stream().toList(),
                changedLines.subList(0, 2), r::toString);
        assertEquals(6, changedLines.size(), "two lines per member and nothing else:\n" + r.out());
        assertTrue(r.out().contains("@ service etcd"), "each member is planned for a restart:\n" + r.out());
    }

    @Test
    @Order(8)
    void applyingItRestartsMembersOneAtATimeAndTheClusterStaysHealthy() throws IOException {
        // This run goes through sudo as a non-root user: writes and restarts work the same.
        Files.writeString(inventory, Files.readString(inventory).replace("ansible_user: root",
                "ansible_user: dcsadmin\n    ansible_become: true"));
        Map<String, String> before = mainPids();
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        Map<String, String> after = mainPids();
        List<Long> restartedAt = new java.util.ArrayList<>();
        for (String host : Lab.HOSTS) {
            assertNotEquals(before.get(host), after.get(host), host + " must have restarted");
            assertEquals("150", Lab.sshOk(host, ". /etc/default/etcd && echo $ETCD_HEARTBEAT_INTERVAL").strip());
            // CLOCK_MONOTONIC is shared by all lab hosts (one kernel), so these instants compare across hosts.
            restartedAt.add(Long.parseLong(Lab.sshOk(host, "systemctl show -p ActiveEnterTimestampMonotonic --value etcd").strip()));
        }
        // One at a time: each member became active again only after the previous one had rejoined
        // (a health check in between), so their start instants are apart, never together.
        List<Long> sorted = restartedAt.stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertTrue(sorted.get(i) - sorted.get(i - 1) > 100_000, "restarts overlap (µs): " + sorted);
        }
        assertTrue(r.out().indexOf("waiting for") > 0, "each restart waits for the member to rejoin:\n" + r.out());
        Proc.Result health = Cli.etcdctl(pki, endpoints, "endpoint", "health", "-w", "json");
        assertEquals(0, health.exit(), health::toString);
        assertEquals("x", Cli.etcdctl(pki, endpoints, "get", "/probe", "--print-value-only").out().strip(),
                "data written before the restarts is still there");
    }

    @Test
    @Order(9)
    void aMemberRunningWithFilesWrittenAfterItStartedIsPlannedForARestart() {
        // As if an earlier run wrote a file etcd must restart for and was killed before the restart:
        // the marker it leaves is all that says so, since the file itself already matches.
        Lab.sshOk(Lab.HOSTS.get(1), "touch /etc/dcs/.dcsprov-restart-pending");
        Proc.Result r = Cli.dcsprov("plan", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains(Lab.HOSTS.get(1) + ": @ service etcd (to load files an interrupted run wrote"), r::toString);
        String pid = Lab.sshOk(Lab.HOSTS.get(1), "systemctl show -p MainPID --value etcd").strip();
        assertEquals(0, Cli.dcsprov("apply", inventory.toString()).exit());
        assertNotEquals(pid, Lab.sshOk(Lab.HOSTS.get(1), "systemctl show -p MainPID --value etcd").strip(), "dcs-01 restarted");
        assertNotEquals(0, Lab.ssh(Lab.HOSTS.get(1), "test -e /etc/dcs/.dcsprov-restart-pending").exit(), "the restart removed the marker");
        assertTrue(Cli.dcsprov("plan", inventory.toString()).out().contains("No changes"));
    }

    @Test
    @Order(10)
    void aLocalPkiWithAnotherCaIsRefusedBeforeAnythingIsWritten() throws IOException {
        String before = Lab.sshOk(Lab.HOSTS.get(0), "sha256sum /etc/dcs/cert/ca.crt /etc/dcs/cert/server.crt");
        Path otherPki = inventory.getParent().resolve("lost-pki");
        Files.writeString(inventory, Files.readString(inventory).replace("  vars:\n", "  vars:\n    dcsprov_pki_dir: " + otherPki + "\n"));
        for (String command : List.of("plan", "apply")) {
            Proc.Result r = Cli.dcsprov(command, inventory.toString());
            assertEquals(6, r.exit(), r::toString);
            assertTrue(r.err().contains("trusts a CA that the local PKI does not have"), r::toString);
            assertTrue(r.err().contains("rotate-certs --ca"), r::toString);
        }
        assertEquals(before, Lab.sshOk(Lab.HOSTS.get(0), "sha256sum /etc/dcs/cert/ca.crt /etc/dcs/cert/server.crt"), "nothing pushed");
        assertTrue(!Files.exists(otherPki.resolve("ca.key")), "no CA was made in the wrong PKI dir");
    }

    private Map<String, String> mainPids() {
        Map<String, String> pids = new HashMap<>();
        for (String host : Lab.HOSTS) {
            pids.put(host, Lab.sshOk(host, "systemctl show -p MainPID --value etcd").strip());
        }
        return pids;
    }
}
