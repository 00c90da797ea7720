package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
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
 * rotate-certs --ca on its own lab hosts, with a client writing through the cluster the whole
 * time, and an interrupted CA rotation continued by a re-run. Checked with etcdctl, openssl and
 * ssh, never with dcsprov code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.ROTATION)
class RotateCaIT {
    private static final List<String> HOSTS = List.of("dcs-30", "dcs-31", "dcs-32");
    private final List<String> endpoints = Cli.endpoints(HOSTS);
    private Path inventory;
    private Path pki;
    private ClusterChecks checks;

    @BeforeAll
    void clusterOnFreshHosts() throws IOException {
        inventory = Lab.appliedCluster(HOSTS, "rotate-ca-it");
        pki = inventory.resolveSibling("pki/dcs");
        checks = new ClusterChecks(HOSTS, pki);
    }

    @AfterAll
    void everyMemberRunning() {
        HOSTS.forEach(h -> Lab.ssh(h, "systemctl start etcd"));
    }

    /**
     * As an operator with applications does it: phase 1; the applications take the CA bundle;
     * phase 2; the applications take their new client certificate; phase 3. The workload never stops.
     */
    @Test
    @Order(1)
    void caRotationUnderWriteLoadLosesNoWriteAndLeavesOnlyTheNewCa() throws Exception {
        Path oldMaterial = Files.createTempDirectory("rotate-ca-old");
        copyMaterial(pki.resolve("ca.crt"), oldMaterial);
        Map<String, String> serialsBefore = checks.servedSerials(oldMaterial);
        Workload workload = Workload.start(oldMaterial, endpoints, "/rotate-ca/");
        Thread.sleep(2000);

        Proc.Result one = Cli.dcsprov("rotate-certs", inventory.toString(), "--ca", "--stop-after-phase", "1");
        assertEquals(0, one.exit(), one::toString);
        assertTrue(one.out().contains("phase 1 of 3 (every member trusts the old and the new CA): done on every member"), one::toString);
        assertTrue(one.out().contains("moving leadership from"), "the leader goes last:\n" + one.out());
        for (String h : HOSTS) {
            assertEquals("2", Lab.sshOk(h, "grep -c 'BEGIN CERTIFICATE' /etc/dcs/cert/ca.crt").strip(),
                    h + " trusts a bundle of two CAs");
        }
        Proc.Result certs = Cli.dcsprov("certs", inventory.toString());
        assertEquals(0, certs.exit(), certs::toString);
        assertTrue(certs.out().contains("CA rotation: phase 2 of 3 (new leaf certificates)"), certs::toString);
        // apply agrees with phase 1: the bundle stays, nothing is reissued or restarted.
        Map<String, String> pids = checks.mainPids();
        Proc.Result apply = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
        assertEquals(pids, checks.mainPids(), "apply during a CA rotation restarts nothing:\n" + apply.out());

        // The application now trusts old and new CA, the PKI's ca-bundle.crt (still with its old client certificate).
        assertEquals(Files.readString(pki.resolve("ca.crt")) + Files.readString(pki.resolve("ca-next.crt")),
                Files.readString(pki.resolve("ca-bundle.crt")));
        Path bundle = Files.createTempDirectory("rotate-ca-bundle");
        Files.copy(pki.resolve("ca-bundle.crt"), bundle.resolve("ca.crt"));
        Files.copy(oldMaterial.resolve("root.crt"), bundle.resolve("root.crt"));
        Files.copy(oldMaterial.resolve("root.key"), bundle.resolve("root.key"));
        workload.use(bundle);

        Proc.Result two = Cli.dcsprov("rotate-certs", inventory.toString(), "--ca", "--stop-after-phase", "2");
        assertEquals(0, two.exit(), two::toString);
        assertTrue(two.out().contains("phase 2 of 3 (new leaf certificates): done on every member"), two::toString);
        // Members now present new-CA certificates: the operator's etcdctl from 'dcsprov env' trusts the bundle.
        Proc.Result viaEnv = Proc.run(List.of("bash", "-c", "eval \"$(" + Lab.REPO.resolve("dcsprov") + " env " + inventory
                + ")\" && echo \"$ETCDCTL_CACERT\" && etcdctl endpoint health"));
        assertEquals(0, viaEnv.exit(), viaEnv::toString);
        assertTrue(viaEnv.out().contains(pki.resolve("ca-bundle.crt").toString()), viaEnv::toString);
        // The application takes its new client certificate, signed by the new CA.
        Path fresh = Files.createTempDirectory("rotate-ca-new-client");
        copyMaterial(bundle.resolve("ca.crt"), fresh);
        workload.use(fresh);

        Proc.Result three = Cli.dcsprov("rotate-certs", inventory.toString(), "--ca");
        Thread.sleep(2000);
        Workload.Figures f = workload.stop();
        System.out.println("CA rotation under load: " + f);
        assertEquals(0, three.exit(), three::toString);
        assertTrue(three.out().contains("CA ROTATED"), three::toString);
        assertTrue(!Files.exists(pki.resolve("ca-bundle.crt")), "the bundle was only for the rotation");
        f.assertServedThroughout();
        f.assertStoredExactly(checks.keys("/rotate-ca/"));

        assertOnlyNewCaDeployed(oldMaterial, serialsBefore);
        // An application that kept its old-CA client certificate is now refused.
        Path stale = Files.createTempDirectory("rotate-ca-stale");
        Files.copy(pki.resolve("ca.crt"), stale.resolve("ca.crt"));
        Files.copy(oldMaterial.resolve("root.crt"), stale.resolve("root.crt"));
        Files.copy(oldMaterial.resolve("root.key"), stale.resolve("root.key"));
        assertNotEquals(0, Workload.put(stale, endpoints, "/rotate-ca-stale", "x").exit(), "old-CA client certificate is refused");

        checks.health();
        assertEquals(0, Cli.dcsprov("certs", inventory.toString()).exit());
        Map<String, String> pidsAfter = checks.mainPids();
        Proc.Result again = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, again.exit(), again::toString);
        assertEquals(pidsAfter, checks.mainPids(), "apply after the CA rotation restarts nothing:\n" + again.out());
    }

    @Test
    @Order(2)
    void anInterruptedCaRotationContinuesWhenRunAgain() throws Exception {
        Path oldMaterial = Files.createTempDirectory("rotate-ca-old2");
        copyMaterial(pki.resolve("ca.crt"), oldMaterial);
        Map<String, String> serialsBefore = checks.servedSerials(oldMaterial);
        Process p = new ProcessBuilder(Lab.REPO.resolve("dcsprov").toString(), "rotate-certs", inventory.toString(), "--ca")
                .redirectErrorStream(true).start();
        boolean phaseOneDone = false;
        StringBuilder out = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.append(line).append('\n');
                if (line.contains("phase 1 of 3") && line.contains("done on every member")) {
                    phaseOneDone = true;
                    p.destroyForcibly();   // as if the operator's laptop died between phases
                    break;
                }
            }
        }
        p.waitFor(30, TimeUnit.SECONDS);
        assertTrue(phaseOneDone, "phase 1 finished before the interruption:\n" + out);
        Proc.Result midway = Cli.dcsprov("certs", inventory.toString());
        assertTrue(midway.out().contains("CA rotation: phase "), midway::toString);
        checks.health();
        Proc.Result leaf = Cli.dcsprov("rotate-certs", inventory.toString());
        assertEquals(6, leaf.exit(), "a leaf rotation does not start in the middle of a CA rotation:\n" + leaf);
        assertTrue(leaf.err().contains("a CA rotation is under way"), leaf::toString);

        Proc.Result again = Cli.dcsprov("rotate-certs", inventory.toString(), "--ca");
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("continuing the CA rotation at phase"), again::toString);
        assertEquals(6, again.out().lines().filter(l -> l.contains("] restarting ")).count(),
                "phase 1 is not repeated: one restart per member in phase 2 and in phase 3:\n" + again.out());
        assertTrue(again.out().contains("CA ROTATED"), again::toString);
        assertOnlyNewCaDeployed(oldMaterial, serialsBefore);
        checks.health();
        assertEquals(0, Cli.dcsprov("certs", inventory.toString()).exit());
    }

    // ---- independent checks ------------------------------------------------------------------

    /** Every member serves a certificate issued by the local (new) CA, not the old one, and trusts only the new CA. */
    private void assertOnlyNewCaDeployed(Path oldMaterial, Map<String, String> serialsBefore) throws IOException {
        String newCa = Files.readString(pki.resolve("ca.crt"));
        assertNotEquals(Files.readString(oldMaterial.resolve("ca.crt")), newCa, "the local CA changed");
        assertEquals(1, newCa.split("BEGIN CERTIFICATE", -1).length - 1);
        String newSubject = openssl("x509", "-noout", "-subject", "-in", pki.resolve("ca.crt").toString())
                .replace("subject=", "").strip();
        Path current = Files.createTempDirectory("rotate-ca-current");
        copyMaterial(pki.resolve("ca.crt"), current);
        for (String h : HOSTS) {
            String served = checks.served(h, current);
            assertTrue(served.contains("issuer=" + newSubject), h + " serves a certificate of the new CA: " + served);
            assertNotEquals(serialsBefore.get(h), ClusterChecks.serial(served), h + " serves a new certificate");
            assertEquals(newCa.strip(), Lab.sshOk(h, "cat /etc/dcs/cert/ca.crt").strip(), h + " trusts the new CA only");
            assertEquals(0, Lab.ssh(h, "ls /etc/dcs/cert/archive/*/ca.crt").exit(), h + " keeps its old CA file in the archive");
            // The old CA no longer verifies what the member serves.
            Proc.Result old = Proc.run(List.of("sh", "-c", "openssl s_client -connect " + Lab.address(h) + ":2379 -CAfile "
                    + oldMaterial.resolve("ca.crt") + " -verify_return_error </dev/null"));
            assertNotEquals(0, old.exit(), h + " must not verify against the old CA:\n" + old);
        }
    }

    private static String openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Proc.Result r = Proc.run(cmd);
        assertEquals(0, r.exit(), r::toString);
        return r.out();
    }

    private void copyMaterial(Path ca, Path into) throws IOException {
        Files.copy(ca, into.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pki.resolve("clients/root.crt"), into.resolve("root.crt"));
        Files.copy(pki.resolve("clients/root.key"), into.resolve("root.key"));
    }
}
