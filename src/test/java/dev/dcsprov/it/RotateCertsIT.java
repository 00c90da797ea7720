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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rotate-certs and certs on their own lab hosts, with a client writing through the cluster the
 * whole time. Outcomes are checked with Debian's etcdctl, openssl and ssh, never with dcsprov code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.ROTATION)
class RotateCertsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HOSTS = Lab.hosts("dcs-30", "dcs-31", "dcs-32");
    private final List<String> endpoints = Cli.endpoints(HOSTS);
    private Path inventory;
    private Path pki;
    private ClusterChecks checks;

    @BeforeAll
    void clusterOnFreshHosts() throws IOException {
        inventory = Lab.appliedCluster(HOSTS, "rotate-it");
        pki = inventory.resolveSibling("pki/dcs");
        checks = new ClusterChecks(HOSTS, pki);
    }

    @AfterAll
    void everyMemberRunning() {
        HOSTS.forEach(h -> Lab.ssh(h, "systemctl start etcd"));
    }

    @Test
    @Order(1)
    void certsShowsLocalAndDeployedMatchingAndExitsZero() throws IOException {
        Proc.Result r = Cli.dcsprov("certs", inventory.toString(), "-o", "json");
        assertEquals(0, r.exit(), r::toString);
        JsonNode doc = JSON.readTree(r.out());
        assertTrue(doc.get("ok").asBoolean(), r.out());
        assertEquals(9, doc.get("certificates").size(), "ca, server and admin for three members:\n" + r.out());
        for (JsonNode c : doc.get("certificates")) {
            assertEquals("match", c.get("match").asText(), c.toString());
        }
        // The deployed server certificate, read with openssl over TLS, is the one certs reports.
        JsonNode server30 = find(doc, HOSTS.get(0), "server");
        assertEquals(ClusterChecks.serial(checks.served(HOSTS.get(0), Workload.clientMaterial(pki))), server30.get("deployed").get(0).get("serial").asText());
        assertTrue(server30.get("local").get(0).get("ip_addresses").toString().contains(Lab.address(HOSTS.get(0))), server30.toString());
    }

    @Test
    @Order(2)
    void certsExitsNonZeroWhenCertificatesExpireWithinTheThreshold() {
        // Member certificates are valid 365 days: a 400-day threshold flags them, the 3650-day CA stays fine.
        Proc.Result r = Cli.dcsprov("certs", inventory.toString(), "--warn-days", "400");
        assertEquals(9, r.exit(), r::toString);
        assertTrue(r.out().contains("expires in 36"), r::toString);
        assertTrue(r.out().contains("ATTENTION"), r::toString);
    }

    @Test
    @Order(3)
    void rotationUnderWriteLoadLosesNoWriteAndGivesEveryMemberANewCertificate() throws Exception {
        Map<String, String> before = checks.servedSerials(Workload.clientMaterial(pki));
        Map<String, String> pidsBefore = checks.mainPids();
        // --check first: the plan, and nothing changed (served certificates, restarts, the local PKI).
        byte[] localCert = Files.readAllBytes(pki.resolve("hosts/" + HOSTS.get(0) + ".crt"));
        Proc.Result check = Cli.dcsprov("rotate-certs", inventory.toString(), "--check");
        assertEquals(0, check.exit(), check::toString);
        assertTrue(check.out().contains("Plan for rotate-certs") && check.out().contains("move leadership to")
                && check.out().contains("--check: nothing was changed"), check::toString);
        Proc.Result checkJson = Cli.dcsprov("rotate-certs", inventory.toString(), "--check", "-o", "json");
        assertEquals(0, checkJson.exit(), checkJson::toString);
        assertTrue(JSON.readTree(checkJson.out()).get("plan").get("steps").size() > 6, checkJson::toString);
        assertTrue(!checkJson.out().contains("BEGIN"), "no key or certificate content in the plan");
        assertEquals(before, checks.servedSerials(Workload.clientMaterial(pki)), "--check deploys nothing");
        assertEquals(pidsBefore, checks.mainPids(), "--check restarts nothing");
        assertTrue(java.util.Arrays.equals(localCert, Files.readAllBytes(pki.resolve("hosts/" + HOSTS.get(0) + ".crt"))),
                "--check issues nothing in the local PKI");
        Workload workload = Workload.start(Workload.clientMaterial(pki), endpoints, "/rotate-leaf/");
        Thread.sleep(2000);
        Proc.Result r = Cli.dcsprov("rotate-certs", inventory.toString());
        Thread.sleep(2000);
        Workload.Figures f = workload.stop();
        System.out.println("leaf rotation under load: " + f);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("moving leadership from"), "the leader goes last, after a leader move:\n" + r.out());
        f.assertServedThroughout();
        f.assertStoredExactly(checks.keys("/rotate-leaf/"));

        Map<String, String> after = checks.servedSerials(Workload.clientMaterial(pki));
        Map<String, String> pidsAfter = checks.mainPids();
        for (String h : HOSTS) {
            assertNotEquals(before.get(h), after.get(h), h + " serves a new certificate");
            assertNotEquals(pidsBefore.get(h), pidsAfter.get(h), h + " restarted");
            // The hosts have no openssl: read the file with ssh, look at it with this machine's openssl.
            Path file = Files.createTempFile("deployed", ".crt");
            Files.writeString(file, Lab.sshOk(h, "cat /etc/dcs/cert/server.crt"));
            Proc.Result x = Proc.run(List.of("openssl", "x509", "-noout", "-serial", "-issuer", "-in", file.toString()));
            assertEquals(0, x.exit(), x::toString);
            assertTrue(x.out().contains("CN = dcs etcd CA") && x.out().contains("serial=" + after.get(h)), x.out());
            assertEquals(0, Lab.ssh(h, "ls /etc/dcs/cert/archive/*/server.crt").exit(), h + " keeps the old certificate in the archive");
            assertEquals("640 root etcd", Lab.sshOk(h, "stat -c '%a %U %G' /etc/dcs/cert/server.key").strip());
            assertEquals("600 root root", Lab.sshOk(h, "stat -c '%a %U %G' /etc/dcs/cert/admin.key").strip());
        }
        assertTrue(Files.list(pki.resolve("archive")).findAny().isPresent(), "old certificates archived in the local PKI");
        checks.health();
        assertEquals(0, Cli.dcsprov("certs", inventory.toString()).exit());
        // apply agrees with the result: nothing to change, nothing restarted.
        Proc.Result apply = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
        assertEquals(pidsAfter, checks.mainPids(), "apply after rotation restarts nothing:\n" + apply.out());
    }

    @Test
    @Order(4)
    void rotationWithAMemberDownRefusesAndChangesNothing() throws IOException {
        Lab.sshOk(HOSTS.get(2), "systemctl stop etcd");
        try {
            byte[] cert = Files.readAllBytes(pki.resolve("hosts/" + HOSTS.get(0) + ".crt"));
            Proc.Result r = Cli.dcsprov("rotate-certs", inventory.toString());
            assertEquals(6, r.exit(), r::toString);
            assertTrue(r.err().contains("rotate-certs refused: the cluster is not healthy"), r::toString);
            assertTrue(r.err().contains(Lab.address(HOSTS.get(2))), "names the member that is down:\n" + r);
            assertTrue(r.err().contains("Nothing was changed"), r::toString);
            assertTrue(java.util.Arrays.equals(cert, Files.readAllBytes(pki.resolve("hosts/" + HOSTS.get(0) + ".crt"))), "no certificate issued");
        } finally {
            Lab.sshOk(HOSTS.get(2), "systemctl start etcd");
        }
    }

    @Test
    @Order(5)
    void anInterruptedRotationContinuesWhenRunAgain() throws Exception {
        Workload workload = Workload.start(Workload.clientMaterial(pki), endpoints, "/rotate-resume/");
        Process p = new ProcessBuilder(Lab.REPO.resolve("dcsprov").toString(), "rotate-certs", inventory.toString())
                .redirectErrorStream(true).start();
        String firstDone = null;
        StringBuilder out = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.append(line).append('\n');
                if (line.contains("is back with its new certificate")) {
                    firstDone = line.replaceAll(".*\\] (\\S+) is back.*", "$1");
                    p.destroyForcibly();   // as if the operator's laptop died mid-rotation
                    break;
                }
            }
        }
        p.waitFor(30, TimeUnit.SECONDS);
        assertTrue(firstDone != null, "the first member finished before the interruption:\n" + out);
        byte[] firstCert = Files.readAllBytes(pki.resolve("hosts/" + firstDone + ".crt"));

        Proc.Result midway = Cli.dcsprov("certs", inventory.toString());
        assertEquals(9, midway.exit(), "deployed and local differ on the members not done yet:\n" + midway);
        assertTrue(midway.out().contains("DEPLOYED DIFFERS FROM LOCAL"), midway::toString);

        Proc.Result again = Cli.dcsprov("rotate-certs", inventory.toString());
        Workload.Figures f = workload.stop();
        System.out.println("interrupted rotation and re-run under load: " + f);
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("continuing an interrupted rotation"), again::toString);
        assertTrue(!again.out().contains("restarting " + firstDone + "\n"), "the member already done is not restarted again:\n" + again);
        assertTrue(java.util.Arrays.equals(firstCert, Files.readAllBytes(pki.resolve("hosts/" + firstDone + ".crt"))),
                "the re-run issues nothing new");
        assertEquals(0, Cli.dcsprov("certs", inventory.toString()).exit());
        f.assertServedThroughout();
        f.assertStoredExactly(checks.keys("/rotate-resume/"));
        checks.health();
    }

    @Test
    @Order(6)
    void limitWithAnUnknownHostIsABadCommandLine() {
        Proc.Result r = Cli.dcsprov("rotate-certs", inventory.toString(), "--limit", HOSTS.get(0) + ",nope");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("nope"), r::toString);
    }

    @Test
    @Order(7)
    void limitRotatesOnlyTheNamedMember() throws IOException {
        Map<String, String> before = checks.servedSerials(Workload.clientMaterial(pki));
        Proc.Result r = Cli.dcsprov("rotate-certs", inventory.toString(), "--limit", HOSTS.get(1));
        assertEquals(0, r.exit(), r::toString);
        Map<String, String> after = checks.servedSerials(Workload.clientMaterial(pki));
        assertNotEquals(before.get(HOSTS.get(1)), after.get(HOSTS.get(1)));
        assertEquals(before.get(HOSTS.get(0)), after.get(HOSTS.get(0)));
        assertEquals(before.get(HOSTS.get(2)), after.get(HOSTS.get(2)));
        checks.health();
    }

    private static JsonNode find(JsonNode doc, String host, String role) {
        for (JsonNode c : doc.get("certificates")) {
            if (c.get("host").asText().equals(host) && c.get("role").asText().equals(role)) {
                return c;
            }
        }
        throw new AssertionError("no " + role + " row for " + host);
    }

    /**
     * A client writing through the cluster: Debian's etcdctl put with every endpoint (etcdctl's own
     * balancer moves to another endpoint when one is down), one process per write, with its own
     * copy of the client certificate taken before the rotation starts, as an application has.
     */
}
