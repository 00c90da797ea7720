package dev.dcsprov.it;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dcsprov upgrade on one bookworm cluster (etcd 3.4.23) with auth and a user: refused with a member down, a forced
 * failure on the second member put back and rolled back with --to, then 3.4 -> 3.5.16 from Debian 13's package under a
 * retrying writer, and the way back after the cluster version moved (restore); then a release tarball made of Debian 13's
 * binaries: one with a wrong SHA-256 and one for arm64 refused, the real one 3.4 -> 3.5 under a writer, and README's way back from it
 * (the drop-in removed, the snapshot that upgrade took restored). Versions are read with curl from etcd's
 * /version and with dpkg on the hosts, never with dcsprov code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HOSTS = List.of("dcs-85", "dcs-86", "dcs-87");
    private static final String ROOT_PW = "upgrade-Root-9x";
    private static final String APP_PW = "upgrade-App-4k";
    private static final String DROP_IN = "/etc/systemd/system/etcd.service.d/zz-upgrade-it-fail.conf";
    private final List<String> endpoints = Cli.endpoints(HOSTS);
    private Path dir;
    private Path inventory;
    private Path pki;
    private ClusterChecks checks;
    private Path snapshot;
    private Path goodTarball;
    private Path tarballSnapshot;
    private static final Map<String, String> ENV = Map.of("UPGRADE_IT_ROOT_PW", ROOT_PW);
    private final long killSeed = Long.getLong("chaos.seed", System.nanoTime());
    private final java.util.Random killTime = new java.util.Random(killSeed);
    private final ChaosFigures figures = new ChaosFigures(3);

    @BeforeAll
    void bookwormClusterWithAuth() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        dir = Files.createTempDirectory("dcsprov-upgrade-it");
        Files.writeString(dir.resolve("app.pw"), APP_PW + "\n");
        Files.setPosixFilePermissions(dir.resolve("app.pw"), PosixFilePermissions.fromString("rw-------"));
        inventory = writeInventory("");
        pki = dir.resolve("pki/dcs");
        checks = new ClusterChecks(HOSTS, pki);
        Proc.Result r = dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        HOSTS.forEach(h -> assertEquals("3.4.23", serverVersion(h), h));
        assertOk(asApp("put", "/service/main/before", "v1"));
        // From here on the inventory asks for Debian 13's etcd.
        writeInventory("    etcd_package_release: trixie\n");
    }

    @AfterAll
    void everyMemberRunning() {
        // One line per operation for bench/chaos.sh: kills, re-runs needed, failures.
        figures.print();
        HOSTS.forEach(h -> Lab.ssh(h, "rm -f " + DROP_IN + "; systemctl daemon-reload; systemctl start etcd"));
    }

    @Test
    @Order(1)
    void aMemberDownIsRefusedBeforeAnyMemberChanges() {
        Lab.sshOk("dcs-87", "systemctl stop etcd");
        try {
            Proc.Result r = dcsprov("upgrade", inventory.toString());
            assertEquals(6, r.exit(), r::toString);
            assertTrue(r.err().contains("upgrade refused: the cluster is not healthy") && r.err().contains("dcs-87"), r::toString);
            assertTrue(r.err().contains("systemctl start etcd"), "the fix: " + r);
            HOSTS.forEach(h -> assertEquals("3.4.23-4+b4", packageVersion(h), h));
            assertAptUntouched("after a refused run");
        } finally {
            Lab.sshOk("dcs-87", "systemctl start etcd");
        }
        checks.health();
        Proc.Result check = dcsprov("upgrade", "--check", inventory.toString());
        assertEquals(0, check.exit(), check::toString);
        assertTrue(check.out().contains("will run 3.5.16"), "--check saw trixie's etcd without adding its source: " + check);
        assertAptUntouched("after --check");
    }

    /** README: gates and --check are read-only; no source, pin or list of trixie on any member. */
    private static void assertAptUntouched(String when) {
        for (String h : HOSTS) {
            assertEquals("", Lab.sshOk(h, "ls /etc/apt/sources.list.d/dcsprov-etcd-trixie.list /etc/apt/preferences.d/dcsprov-etcd-trixie"
                    + " /var/lib/apt/lists/*trixie* /tmp/dcsprov-apt.* 2>/dev/null; true").strip(), h + " " + when);
        }
    }

    @Test
    @Order(2)
    void aMemberThatFailsOnTheNewVersionIsPutBackThenUpgradeToRollsTheRestBack() {
        List<String> order = upgradeOrder();
        String first = order.get(0);
        String second = order.get(1);
        // Test-only: etcd on this member refuses to start unless it is 3.4 (a broken new binary, as far as the run can tell).
        Lab.sshOk(second, "mkdir -p /etc/systemd/system/etcd.service.d && printf '[Service]\\nExecStartPre=/bin/sh -c \"/usr/bin/etcd --version | grep -q \\x27Version: 3.4\\x27\"\\n' > "
                + DROP_IN + " && systemctl daemon-reload");
        Proc.Result r = dcsprov("upgrade", inventory.toString());
        assertEquals(5, r.exit(), r::toString);
        assertTrue(r.err().contains(second + " did not come back healthy on etcd 3.5.16; it was put back on etcd 3.4.23"), r::toString);
        assertTrue(r.out().contains("snapshot "), "a snapshot first: " + r);
        checks.health();
        assertEquals("3.5.16", serverVersion(first));
        assertEquals("3.4.23", serverVersion(second));
        assertEquals("3.4.0", clusterVersion(), "the cluster stays on 3.4");
        Lab.sshOk(second, "rm -f " + DROP_IN + " && systemctl daemon-reload");

        Proc.Result back = dcsprov("upgrade", "--to", "3.4.23", inventory.toString());
        assertEquals(0, back.exit(), back::toString);
        checks.health();
        HOSTS.forEach(h -> assertEquals("3.4.23", serverVersion(h), h));
        HOSTS.forEach(h -> assertEquals("3.4.23-4+b4", packageVersion(h), h));
        assertEquals("3.4.0", clusterVersion());
        assertEquals("v1", assertOk(asApp("get", "/service/main/before", "--print-value-only")).strip());
    }

    @Test
    @Order(3)
    void threeFourToThreeFiveUnderAWriterKilledMidwayFinishesWithTheSameCommandAndLosesNothing() throws Exception {
        Proc.Result applyPlan = dcsprov("plan", inventory.toString());
        assertEquals(0, applyPlan.exit(), applyPlan::toString);
        assertTrue(applyPlan.out().contains("dcs-85 etcd-server 3.4.23-4+b4"), "plan names the installed version: " + applyPlan);
        for (String h : HOSTS) {
            // apply's own plan shows the move it would make last, per member (the same rows as upgrade --check).
            assertTrue(applyPlan.out().lines().anyMatch(l -> l.contains(h) && l.contains("etcd-version")), h + ": " + applyPlan);
        }
        assertTrue(applyPlan.out().contains("runs 3.4.23") && applyPlan.out().contains("will run 3.5.16"), applyPlan::toString);
        Proc.Result plan = dcsprov("upgrade", "--check", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        for (String h : HOSTS) {
            assertTrue(plan.out().lines().anyMatch(l -> l.startsWith(h) && l.contains("runs 3.4.23") && l.contains("will run 3.5.16")), plan::toString);
        }
        java.util.Set<String> ids = memberIds();
        Map<String, String> dataDirs = new java.util.HashMap<>();
        HOSTS.forEach(h -> dataDirs.put(h, Lab.sshOk(h, "ls -1 /var/lib/etcd")));
        Workload workload = Workload.start(Workload.clientMaterial(pki), endpoints, "/upgrade/");
        Thread.sleep(1500);
        // Issue #19: the run is killed (as kill -9) right after it recorded the second member's restart, and that member
        // is left stopped, as a restart that died would leave it; the same command, run again, finishes the job.
        String killed = killAtTheSecondRestart();
        assertEquals("3.5.16", serverVersion(upgradeOrderBefore.get(0)), "the first member was moved before the kill");
        assertEquals("3.4.23-4+b4", packageVersion(killed), "killed before its install");
        // What an apt-get killed between dpkg's unpack and configure leaves (the SSH session of a killed run takes its
        // apt-get with it): the new packages unpacked, not configured, as real dpkg state on the member.
        leaveTheNewPackagesUnpacked(killed);
        long t = System.nanoTime();
        Proc.Result r = this.figures.rerunUntilDone("upgrade", ENV, "upgrade", inventory.toString());
        System.out.printf("UpgradeIT re-run: exit %d in %.1f s%n", r.exit(), (System.nanoTime() - t) / 1e9);
        Workload.Figures figures = workload.stop();
        System.out.println("UpgradeIT 3.4 -> 3.5 under a writer, killed and resumed: " + figures);
        for (String h : HOSTS) {
            // dpkg's own view: nothing left unpacked or half-configured, both packages installed.
            assertEquals("", Lab.sshOk(h, "dpkg --audit").strip(), h + ": dpkg finished");
            assertEquals("installed 3.5.16-4\ninstalled 3.5.16-4", Lab.sshOk(h,
                    "dpkg-query -W -f='${db:Status-Status} ${Version}\n' etcd-server etcd-client").strip(), h);
        }
        Proc.Result last = r;
        last.out().lines().filter(l -> l.startsWith("upgraded:") || l.startsWith("done in")).forEach(l -> System.out.println("UpgradeIT re-run: " + l));
        assertTrue(last.out().contains("continuing an interrupted upgrade") && last.out().contains(killed + " is down"), last::toString);
        assertTrue(last.out().contains("upgraded: " + killed + " ("), "the member left down goes first: " + last);
        assertEquals(ids, memberIds(), "the same members, with the same IDs: no data dir was recreated");
        HOSTS.forEach(h -> assertEquals(dataDirs.get(h), Lab.sshOk(h, "ls -1 /var/lib/etcd"), h + " keeps its data dir"));
        assertEquals(List.of(), figures.failedWrites(), "zero failed writes: " + figures);
        figures.assertStoredExactly(checks.keys("/upgrade/"));
        assertTrue(figures.acknowledged().size() > 20, figures::toString);
        HOSTS.forEach(h -> assertEquals("3.5.16", serverVersion(h), h));
        HOSTS.forEach(h -> assertEquals("3.5.16-4", packageVersion(h), h));
        assertEquals("3.5.0", clusterVersion());
        assertTrue(r.out().contains("cluster version: 3.4.0 -> 3.5.0"), r::toString);
        // Only etcd comes from trixie: the C library (trixie has 2.41) is still bookworm's, installed and as candidate.
        for (String h : HOSTS) {
            String libc = Lab.sshOk(h, "dpkg-query -W -f='${Version}' libc6; echo; apt-cache policy libc6 | sed -n 's/^ *Candidate: *//p'");
            assertTrue(libc.lines().allMatch(l -> l.startsWith("2.36")), h + ": " + libc);
        }
        // RBAC and certificates survived: the user logs in with its password, certs match the local PKI.
        assertEquals("v1", assertOk(asApp("get", "/service/main/before", "--print-value-only")).strip());
        assertOk(asApp("put", "/service/main/after", "v2"));
        Proc.Result certs = dcsprov("certs", inventory.toString());
        assertEquals(0, certs.exit(), certs::toString);
        // The re-run's snapshot (taken while the cluster version was still 3.4): test 4 goes back with it.
        Matcher m = Pattern.compile("snapshot before the upgrade: (\\S+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        snapshot = Path.of(m.group(1));
        assertTrue(Files.isRegularFile(snapshot), snapshot.toString());
        Proc.Result again = dcsprov("upgrade", inventory.toString());
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("nothing to do"), again::toString);
        assertTrue(!again.out().contains("continuing an interrupted upgrade"), "the resumed run recorded the upgrade finished: " + again);
    }

    @Test
    @Order(4)
    void afterTheClusterVersionMovedGoingBackIsRestore() throws IOException {
        Proc.Result refused = dcsprov("upgrade", "--to", "3.4.23", inventory.toString());
        assertEquals(6, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("dcsprov restore"), "the fix names restore: " + refused);
        HOSTS.forEach(h -> assertEquals("3.5.16", serverVersion(h), h));
        // README, Upgrades: stop etcd, put the old package back, restore the snapshot taken before the upgrade.
        writeInventory("");
        for (String h : HOSTS) {
            Lab.sshOk(h, "systemctl stop etcd && rm -f /etc/apt/preferences.d/dcsprov-etcd-trixie /etc/apt/sources.list.d/dcsprov-etcd-trixie.list"
                    + " && apt-get update -q >/dev/null && printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d"
                    + " && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades -o Dpkg::Options::=--force-confold"
                    + " etcd-server=3.4.23-4+b4 etcd-client=3.4.23-4+b4 >/dev/null; s=$?; rm -f /usr/sbin/policy-rc.d; exit $s");
        }
        Proc.Result restore = dcsprov("restore", inventory.toString(), snapshot.toString());
        assertEquals(0, restore.exit(), restore::toString);
        checks.health();
        HOSTS.forEach(h -> assertEquals("3.4.23", serverVersion(h), h));
        assertEquals("3.4.0", clusterVersion());
        assertEquals("v1", assertOk(asApp("get", "/service/main/before", "--print-value-only")).strip(), "the data of the snapshot");
    }

    @Test
    @Order(5)
    void aTarballWithAnotherSha256OrForAnotherArchitectureIsRefusedBeforeAnyHostChanges() throws Exception {
        Path good = tarballFromDebianPackages(false);
        goodTarball = good;
        writeInventory("    etcd_tarball: " + good + "\n    etcd_tarball_sha256: " + "0".repeat(64) + "\n");
        Proc.Result sha = dcsprov("upgrade", inventory.toString());
        assertEquals(3, sha.exit(), sha::toString);
        assertTrue(sha.err().contains("SHA-256 differs") && sha.err().contains(sha256(good)), sha::toString);

        Path arm = tarballFromDebianPackages(true);
        writeInventory("    etcd_tarball: " + arm + "\n    etcd_tarball_sha256: " + sha256(arm) + "\n");
        Proc.Result arch = dcsprov("upgrade", inventory.toString());
        assertEquals(3, arch.exit(), arch::toString);
        assertTrue(arch.err().contains("is for arm64, but dcs-85 is amd64") && arch.err().contains("linux-amd64.tar.gz"), arch::toString);
        // A tarball that says 3.6 (Debian's 3.5 binaries under that name): 3.4 -> 3.6 skips a minor.
        Path jump = tarballFromDebianPackages(false, "3.6.0");
        writeInventory("    etcd_tarball: " + jump + "\n    etcd_tarball_sha256: " + sha256(jump) + "\n");
        Proc.Result skip = dcsprov("upgrade", inventory.toString());
        assertEquals(6, skip.exit(), skip::toString);
        assertTrue(skip.err().contains("skips 3.5") && skip.err().contains("latest 3.5 release first"), skip::toString);
        for (String h : HOSTS) {
            assertEquals("3.4.23", serverVersion(h), h);
            assertEquals("none", Lab.sshOk(h, "ls /opt/dcsprov 2>/dev/null || echo none").strip(), h);
        }
    }

    @Test
    @Order(6)
    void applyMovesTheClusterToATarballOfTheDebianBinariesUnderAWriter() throws Exception {
        Path good = goodTarball != null ? goodTarball : tarballFromDebianPackages(false);
        writeInventory("    etcd_tarball: " + good + "\n    etcd_tarball_sha256: " + sha256(good) + "\n");
        Workload workload = Workload.start(Workload.clientMaterial(pki), endpoints, "/upgrade-tarball/");
        Thread.sleep(1500);
        // The desired version changed in the inventory: apply moves the cluster, by the upgrade's choreography. Issue #19:
        // killed (SIGKILL) at a random moment of the move (from its snapshot through the last member's restart, about 8 s
        // here), then the same apply until it exits 0.
        long after = killTime.nextInt(9000);
        ChaosFigures.Run run = this.figures.runKillingAfter("upgrade", ENV, "snapshot before the upgrade", after, "apply", inventory.toString());
        String out;
        if (run.killed()) {
            System.out.println("UpgradeIT apply's move killed (seed " + killSeed + ") " + after + " ms after its snapshot began; status: "
                    + dcsprov("status", inventory.toString()).out().lines().filter(l -> l.contains("INTERRUPTED") || l.contains("finish it with"))
                    .toList());
            out = this.figures.rerunUntilDone("upgrade", ENV, "apply", inventory.toString()).out();
        } else {
            System.out.println("UpgradeIT apply's move (seed " + killSeed + ") finished before " + after + " ms after its snapshot began");
            out = run.output();
        }
        Workload.Figures figures = workload.stop();
        Proc.Result r = new Proc.Result(0, out, "");
        System.out.println("UpgradeIT 3.4 -> 3.5 from a tarball under a writer: " + figures);
        assertEquals(List.of(), figures.failedWrites(), "zero failed writes: " + figures);
        figures.assertStoredExactly(checks.keys("/upgrade-tarball/"));
        for (String h : HOSTS) {
            assertEquals("3.5.16", serverVersion(h), h);
            assertEquals("/opt/dcsprov/etcd/3.5.16/etcd", Lab.sshOk(h, "readlink /proc/$(systemctl show -p MainPID --value etcd)/exe").strip(), h);
            assertEquals("3.4.23-4+b4", packageVersion(h), h + ": the package stays, for its unit, user and etcdctl");
        }
        assertEquals("3.5.0", clusterVersion());
        assertEquals("v1", assertOk(asApp("get", "/service/main/before", "--print-value-only")).strip());
        // The snapshot of the run that moved the members (the re-run's, or the killed run's when that had moved them all).
        Matcher m = Pattern.compile("snapshot before the upgrade: (\\S+)").matcher(r.out());
        Matcher killedRuns = Pattern.compile("snapshot (/\\S+) \\(sha256").matcher(run.output());
        if (m.find()) {
            tarballSnapshot = Path.of(m.group(1));
        } else {
            assertTrue(run.killed() && killedRuns.find(), r::toString);
            tarballSnapshot = Path.of(killedRuns.group(1));
        }
        assertTrue(r.out().contains("cluster version: 3.4.0 -> 3.5.0") || run.killed(), r::toString);
        Proc.Result again = dcsprov("plan", inventory.toString());
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("No changes"), "after the move apply has nothing left to do: " + again);
    }

    /**
     * README, Upgrades, "after it moved, with etcd_tarball", word for word: etcd_tarball out of the inventory; on every
     * member stop etcd, remove dcsprov's drop-in, daemon-reload (check /usr/bin/etcd --version); restore the snapshot
     * the tarball upgrade took. Reuses test 6's cluster (3.5.16 from /opt/dcsprov/etcd/3.5.16, cluster version 3.5).
     */
    @Test
    @Order(7)
    void afterTheTarballUpgradeMovedTheClusterVersionGoingBackIsRestore() throws IOException {
        assertTrue(tarballSnapshot != null && Files.isRegularFile(tarballSnapshot), "test 6 took a snapshot: " + tarballSnapshot);
        Proc.Result refused = dcsprov("upgrade", "--to", "3.4.23", inventory.toString());
        assertEquals(6, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("cluster version is already 3.5") && refused.err().contains("dcsprov restore")
                && refused.err().contains("'rm /etc/systemd/system/etcd.service.d/dcsprov-etcd.conf'"),
                "the fix names the drop-in and restore: " + refused);
        for (String h : HOSTS) {
            assertEquals("3.5.16", serverVersion(h), h + ": the refused run changed nothing");
            assertTrue(Lab.sshOk(h, "systemctl cat etcd").contains("ExecStart=/opt/dcsprov/etcd/3.5.16/etcd $DAEMON_ARGS"), h);
        }
        // What the snapshot holds, read without dcsprov: its revision (this machine's etcdctl), then the keyspace at that
        // revision from the running cluster (auto-compaction keeps an hour of history).
        Proc.Result st = Proc.run(List.of("etcdctl", "snapshot", "status", tarballSnapshot.toString(), "-w", "json"), Map.of("ETCDCTL_API", "3"), null, 60);
        assertEquals(0, st.exit(), st::toString);
        long revision = JSON.readTree(st.out()).get("revision").asLong();
        Map<String, String> inSnapshot = keyspace("--rev=" + revision);
        assertEquals("v1", inSnapshot.get("/service/main/before"), "a key written before the snapshot: " + inSnapshot.keySet());
        assertOk(asApp("put", "/service/main/after-tarball-snapshot", "v3"));
        Map<String, String> before = keyspace();
        assertTrue(before.containsKey("/service/main/after-tarball-snapshot") && before.size() > inSnapshot.size() + 1,
                "the writer of test 6 wrote keys after the snapshot too: " + before.size() + " keys now, " + inSnapshot.size() + " in it");
        String oldClusterId = clusterIds().iterator().next();
        Map<String, List<String>> dataDirs = new java.util.HashMap<>();
        HOSTS.forEach(h -> dataDirs.put(h, Lab.sshOk(h, "ls -1 /var/lib/etcd").lines().toList()));

        writeInventory("");
        for (String h : HOSTS) {
            String v = Lab.sshOk(h, "systemctl stop etcd && rm /etc/systemd/system/etcd.service.d/dcsprov-etcd.conf && systemctl daemon-reload"
                    + " && /usr/bin/etcd --version");
            assertTrue(v.contains("etcd Version: 3.4.23"), h + ": " + v);
        }
        Proc.Result restore = dcsprov("restore", inventory.toString(), tarballSnapshot.toString());
        assertEquals(0, restore.exit(), restore::toString);

        checks.health();
        for (String h : HOSTS) {
            assertEquals("3.4.23", serverVersion(h), h);
            String unit = Lab.sshOk(h, "systemctl cat etcd");
            assertTrue(!unit.contains("dcsprov-etcd.conf") && !unit.contains("/opt/dcsprov") && unit.contains("ExecStart=/usr/bin/etcd $DAEMON_ARGS"),
                    h + ": Debian's unit as shipped: " + unit);
            assertEquals("/usr/bin/etcd", Lab.sshOk(h, "readlink /proc/$(systemctl show -p MainPID --value etcd)/exe").strip(), h);
            assertEquals("3.4.23-4+b4", packageVersion(h), h);
            // Nothing deleted: the unpacked tarball stays, every data dir that was there is still there (the 3.5 one moved aside).
            assertEquals("etcd\netcdctl\netcdutl", Lab.sshOk(h, "ls -1 /opt/dcsprov/etcd/3.5.16").strip(), h);
            List<String> now = Lab.sshOk(h, "ls -1 /var/lib/etcd").lines().toList();
            assertTrue(now.containsAll(dataDirs.get(h)) && now.size() == dataDirs.get(h).size() + 1
                    && now.stream().filter(d -> !dataDirs.get(h).contains(d)).allMatch(d -> d.contains(".before-restore-")),
                    h + ": " + dataDirs.get(h) + " -> " + now);
            String aside = now.stream().filter(d -> !dataDirs.get(h).contains(d)).findFirst().orElseThrow();
            assertEquals("kept", Lab.sshOk(h, "test -s /var/lib/etcd/" + aside + "/member/snap/db && echo kept").strip(), h + ": the 3.5 data in " + aside);
        }
        assertEquals("3.4.0", clusterVersion());
        java.util.Set<String> ids = clusterIds();
        assertEquals(1, ids.size(), "one cluster: " + ids);
        assertTrue(!ids.contains(oldClusterId), "a new cluster ID (a new token): " + ids);
        assertEquals(inSnapshot, keyspace(), "exactly the keys and values of the snapshot");
        assertEquals("v1", assertOk(asApp("get", "/service/main/before", "--print-value-only")).strip(), "the user still logs in");
        assertEquals("", assertOk(asApp("get", "/service/main/after-tarball-snapshot")).strip(), "written after the snapshot: gone");
        Proc.Result plan = dcsprov("plan", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        assertTrue(plan.out().contains("No changes"), "the cluster matches the inventory without etcd_tarball: " + plan);
    }

    /** Every key and its value, read as root with this machine's etcdctl over the lab; {@code rev}: at a past revision. */
    private Map<String, String> keyspace(String... rev) throws IOException {
        List<String> args = new ArrayList<>(List.of("get", "", "--prefix", "-w", "json"));
        args.addAll(List.of(rev));
        Proc.Result r = Cli.etcdctl(pki, endpoints, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
        Map<String, String> kv = new java.util.TreeMap<>();
        java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
        for (JsonNode n : JSON.readTree(r.out()).path("kvs")) {
            kv.put(new String(b64.decode(n.get("key").asText()), java.nio.charset.StandardCharsets.UTF_8),
                    n.has("value") ? new String(b64.decode(n.get("value").asText()), java.nio.charset.StandardCharsets.UTF_8) : "");
        }
        return kv;
    }

    /** The cluster ID each member reports (etcdctl endpoint status). */
    private java.util.Set<String> clusterIds() throws IOException {
        Proc.Result s = Cli.etcdctl(pki, endpoints, "endpoint", "status", "-w", "json");
        assertEquals(0, s.exit(), s::toString);
        java.util.Set<String> ids = new java.util.TreeSet<>();
        JsonNode all = JSON.readTree(s.out());
        assertEquals(HOSTS.size(), all.size(), s::toString);
        for (JsonNode n : all) {
            ids.add(n.get("Status").get("header").get("cluster_id").asText());
        }
        return ids;
    }

    /**
     * An etcd release tarball made of Debian 13's binaries (the .debs apt cached on dcs-85 in test 3):
     * etcd-v3.5.16-linux-ARCH/{etcd,etcdctl,etcdutl}; {@code arm} patches the ELF machine to aarch64.
     */
    private Path tarballFromDebianPackages(boolean arm) throws IOException {
        return tarballFromDebianPackages(arm, "3.5.16");
    }

    private Path tarballFromDebianPackages(boolean arm, String version) throws IOException {
        Path work = Files.createTempDirectory(dir, arm ? "tar-arm" : "tar");
        for (String p : List.of("etcd-server", "etcd-client")) {
            Path deb = work.resolve(p + ".deb");
            Proc.Result copy = Proc.run(List.of("sh", "-c", "ssh -q -i " + Lab.SSH_KEY + " -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="
                    + Lab.KNOWN_HOSTS + " root@" + Lab.address("dcs-85") + " cat /var/cache/apt/archives/" + p + "_3.5.16-4_amd64.deb > " + deb
                    + " && dpkg-deb -x " + deb + " " + work.resolve("x")));
            assertEquals(0, copy.exit(), copy::toString);
        }
        String top = "etcd-v" + version + "-linux-" + (arm ? "arm64" : "amd64");
        Path d = Files.createDirectories(work.resolve(top));
        for (String b : List.of("etcd", "etcdctl", "etcdutl")) {
            Files.copy(work.resolve("x/usr/bin/" + b), d.resolve(b));
        }
        if (arm) {
            try (var f = new java.io.RandomAccessFile(d.resolve("etcd").toFile(), "rw")) {
                f.seek(18);
                f.write(new byte[] {(byte) 183, 0});
            }
        }
        Path out = work.resolve(top + ".tar.gz");
        Proc.Result tar = Proc.run(List.of("tar", "-I", "gzip -1", "-cf", out.toString(), "-C", work.toString(), top));
        assertEquals(0, tar.exit(), tar::toString);
        return out;
    }

    private static String sha256(Path file) {
        return Proc.run(List.of("sha256sum", file.toString())).out().split(" ")[0];
    }

    private List<String> upgradeOrderBefore = List.of();

    /**
     * dcsprov upgrade halted by DCSPROV_KILL_AT right after it recorded the second member's restart (before its install);
     * that member is then stopped. Its own journal (read with ssh) says the step started; status (asked before the stop)
     * says INTERRUPTED and names the same command. Returns the member.
     */
    private String killAtTheSecondRestart() {
        upgradeOrderBefore = upgradeOrder();
        Map<String, String> env = new java.util.HashMap<>(Map.of("UPGRADE_IT_ROOT_PW", ROOT_PW));
        env.put("DCSPROV_KILL_AT", "upgrade:members:restart#2");
        long t = System.nanoTime();
        Proc.Result k = Cli.dcsprov(env, "upgrade", inventory.toString());
        System.out.printf("UpgradeIT killed run: exit %d in %.1f s%n", k.exit(), (System.nanoTime() - t) / 1e9);
        assertEquals(137, k.exit(), k::toString);
        assertTrue(k.err().contains("DCSPROV_KILL_AT: halting at upgrade:members:restart on "), k::toString);
        figures.killed("upgrade");
        String member = k.err().replaceAll("(?s).*halting at \\S+ on (\\S+).*", "$1").strip();
        assertEquals(upgradeOrderBefore.get(1), member, "the second member of the order: " + k);
        String journal = Lab.sshOk(member, "cat /var/lib/dcsprov/journal");
        assertTrue(journal.contains("operation=upgrade") && journal.contains("step=restart") && journal.contains("state=started"), journal);
        // Asked while every member still answers (status's exit stays the health rule: 0), which keeps it quick.
        Proc.Result status = dcsprov("status", inventory.toString());
        assertEquals(0, status.exit(), status::toString);
        assertTrue(status.out().contains("INTERRUPTED: upgrade (members): stopped while restarting on " + member), status::toString);
        assertTrue(status.out().contains(member + "'s own journal: restart started (upgrade, members)"), status::toString);
        assertTrue(status.out().contains("finish it with: dcsprov upgrade " + inventory), status::toString);
        Lab.sshOk(member, "systemctl stop etcd");
        return member;
    }

    /**
     * On the stopped member: Debian 13's etcd-server and etcd-client unpacked by dpkg but not configured (dpkg --unpack,
     * under a policy-rc.d that starts nothing), so dpkg --audit reports them, as after an apt-get killed midway.
     */
    private static void leaveTheNewPackagesUnpacked(String host) {
        String state = Lab.sshOk(host, "set -e; d=$(mktemp -d); cd \"$d\"; apt-get download -q etcd-server=3.5.16-4 etcd-client=3.5.16-4 >/dev/null; "
                + "printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; "
                + "s=0; DEBIAN_FRONTEND=noninteractive dpkg --unpack ./*.deb >/dev/null 2>&1 || s=$?; rm -f /usr/sbin/policy-rc.d; cd /; rm -rf \"$d\"; "
                + "[ $s = 0 ]; dpkg-query -W -f='${db:Status-Status} ${Version}\\n' etcd-server etcd-client; dpkg --audit | head -3").strip();
        assertTrue(state.startsWith("unpacked 3.5.16-4\nunpacked 3.5.16-4"), host + ": " + state);
        assertTrue(state.contains("not yet configured") || state.contains("unpacked but not"), host + ": dpkg --audit sees it: " + state);
        System.out.println("UpgradeIT left on " + host + ": " + state.replace('\n', ' '));
    }

    private java.util.Set<String> memberIds() {
        Proc.Result r = Cli.etcdctl(pki, endpoints, "member", "list");
        assertEquals(0, r.exit(), r::toString);
        return new java.util.TreeSet<>(r.out().lines().filter(l -> !l.isBlank()).map(l -> l.split(",")[0].strip()).toList());
    }

    /** Followers in inventory order, then the leader: the order RollingRestart takes. */
    private List<String> upgradeOrder() {
        Proc.Result s = Cli.etcdctl(pki, endpoints, "endpoint", "status", "-w", "json");
        assertEquals(0, s.exit(), s::toString);
        String leader = null;
        try {
            for (JsonNode n : JSON.readTree(s.out())) {
                if (n.get("Status").get("leader").asLong() == n.get("Status").get("header").get("member_id").asLong()) {
                    String ep = n.get("Endpoint").asText();
                    leader = HOSTS.get(endpoints.indexOf(ep));
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<String> order = new ArrayList<>(HOSTS);
        order.remove(leader);
        order.add(leader);
        return order;
    }

    private Path writeInventory(String more) throws IOException {
        return Lab.writeInventory(dir, HOSTS, """
                    etcd_auth_enabled: true
                    etcd_auth_root_password: {env: UPGRADE_IT_ROOT_PW}
                    etcd_roles:
                      patroni_main: [{prefix: /service/main/, permission: readwrite}]
                    etcd_users:
                      patroni_main: {password: {file: app.pw}, roles: [patroni_main]}
                """ + more);
    }

    private static Proc.Result dcsprov(String... args) {
        return Cli.dcsprov(Map.of("UPGRADE_IT_ROOT_PW", ROOT_PW), args);
    }

    /** etcdctl on this machine as the application: its client certificate (no CN) and its password. */
    private Proc.Result asApp(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                "--cacert=" + pki.resolve("ca.crt"), "--cert=" + pki.resolve("clients/patroni_main.crt"),
                "--key=" + pki.resolve("clients/patroni_main.key"), "--user=patroni_main:" + APP_PW,
                "--dial-timeout=3s", "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("ETCDCTL_API", "3"), null, 60);
    }

    private String versionJson(String host) {
        Proc.Result r = Proc.run(List.of("curl", "-sS", "--max-time", "5", "--cacert", pki.resolve("ca.crt").toString(),
                "--cert", pki.resolve("clients/root.crt").toString(), "--key", pki.resolve("clients/root.key").toString(),
                "https://" + Lab.address(host) + ":2379/version"));
        assertEquals(0, r.exit(), r::toString);
        return r.out();
    }

    private String serverVersion(String host) {
        try {
            return JSON.readTree(versionJson(host)).get("etcdserver").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String clusterVersion() {
        try {
            return JSON.readTree(versionJson(HOSTS.get(0))).get("etcdcluster").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String packageVersion(String host) {
        return Lab.sshOk(host, "dpkg-query -W -f='${Version}' etcd-server").strip();
    }

    private static String assertOk(Proc.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r.out();
    }
}
