package dev.dcsprov.it;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of rotate-certs and rotate-certs --ca, at recorded step boundaries (DCSPROV_KILL_AT makes
 * the process halt itself right after the journal recorded that step) and at a random moment
 * (SIGKILL from here), under a retrying writer; then the SAME command again until it succeeds.
 * One kill also leaves the member it hit stopped, as the reported failure did. Checked with
 * etcdctl, openssl and ssh: the end state, health, every acknowledged write, no data dir lost.
 * {@code CHAOS_RANDOM_KILLS} (bench/chaos.sh) adds random kills per operation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
    private static final List<String> HOSTS = List.of("dcs-80", "dcs-81", "dcs-82");
    private static final int MAX_RERUNS = 3;
    private static final String START_SNAPSHOT = "systemctl reset-failed dcsprov-snapshot.service; systemctl start dcsprov-snapshot.service";
    private final List<String> endpoints = Cli.endpoints(HOSTS);
    private final Random random = new Random(Long.getLong("chaos.seed", System.nanoTime()));
    private final int randomKills = Integer.getInteger("chaos.randomKills", 1);
    private Path inventory;
    private Path pki;
    private ClusterChecks checks;
    private final ChaosFigures figures = new ChaosFigures(MAX_RERUNS);

    @BeforeAll
    void clusterOnFreshHosts() throws IOException {
        inventory = Lab.appliedCluster(HOSTS, "chaos-it");
        pki = inventory.resolveSibling("pki/dcs");
        checks = new ClusterChecks(HOSTS, pki);
    }

    @AfterAll
    void printFigures() {
        // One line per operation for bench/chaos.sh: kills, re-runs needed, failures.
        figures.print();
        HOSTS.forEach(h -> Lab.ssh(h, "systemctl start etcd"));
    }

    @Test
    @Order(1)
    void leafRotationKilledAtEachStepBoundaryFinishesWithTheSameCommand() throws Exception {
        List<String> points = new ArrayList<>(List.of("rotate-certs:leaf:issued", "rotate-certs:leaf:files#1",
                "rotate-certs:leaf:restart#2", "rotate-certs:leaf:restart#3"));
        Set<String> ids = memberIds();
        Writer writer = Writer.start(pki, endpoints, "/chaos-leaf/");
        for (String point : points) {
            Map<String, String> before = checks.servedSerials(material());
            killAt("rotate-certs", point, point.endsWith("restart#2"), "rotate-certs", inventory.toString());
            figures.rerunUntilDone("rotate-certs", "rotate-certs", inventory.toString());
            assertEndStateOfLeafRotation(before);
        }
        for (int i = 0; i < randomKills; i++) {
            Map<String, String> before = checks.servedSerials(material());
            if (figures.killAtRandom("rotate-certs", 500 + random.nextInt(9000), "rotate-certs", inventory.toString())) {
                figures.rerunUntilDone("rotate-certs", "rotate-certs", inventory.toString());
            }
            assertEndStateOfLeafRotation(before);
        }
        writer.stopAndAssertEveryAcknowledgedWriteStored(checks);
        assertDataDirsKept(ids);
    }

    @Test
    @Order(2)
    void caRotationKilledInEveryPhaseFinishesWithTheSameCommand() throws Exception {
        Set<String> ids = memberIds();
        Writer writer = Writer.start(pki, endpoints, "/chaos-ca/");
        String oldCa = Files.readString(pki.resolve("ca.crt"));
        // One rotation, killed in each phase in turn; the restart kill leaves its member stopped (the reported failure).
        killAt("rotate-certs-ca", "rotate-certs-ca:TRUST_BOTH:restart#2", true, "rotate-certs", inventory.toString(), "--ca");
        killAt("rotate-certs-ca", "rotate-certs-ca:NEW_LEAVES:files#1", false, "rotate-certs", inventory.toString(), "--ca");
        killAt("rotate-certs-ca", "rotate-certs-ca:DROP_OLD:restart#1", false, "rotate-certs", inventory.toString(), "--ca");
        figures.rerunUntilDone("rotate-certs-ca", "rotate-certs", inventory.toString(), "--ca");
        assertOnlyTheNewCa(oldCa);
        for (int i = 0; i < randomKills; i++) {
            String previous = Files.readString(pki.resolve("ca.crt"));
            if (figures.killAtRandom("rotate-certs-ca", 1000 + random.nextInt(30000), "rotate-certs", inventory.toString(), "--ca")) {
                figures.rerunUntilDone("rotate-certs-ca", "rotate-certs", inventory.toString(), "--ca");
            }
            assertOnlyTheNewCa(previous);
        }
        writer.stopAndAssertEveryAcknowledgedWriteStored(checks);
        assertDataDirsKept(ids);
    }

    /**
     * backup killed at random moments (it takes ~2 s here): never a file under a backup name that is not a whole,
     * verified snapshot with its checksum; the same command then backs up. What a killed run left stays under hidden
     * names only (removed by a later run once older than a backup can take; unit-tested in LocalBackupsTest).
     */
    @Test
    @Order(3)
    void backupKilledAtRandomLeavesNoPartialBackupAndTheNextRunBacksUp() throws Exception {
        Path backups = inventory.resolveSibling("backups/dcs");
        for (int i = 0; i < Math.max(3, randomKills); i++) {
            if (figures.killAtRandom("backup", 200 + random.nextInt(1300), "backup", inventory.toString())) {
                assertEveryBackupWhole(backups, false);
                figures.rerunUntilDone("backup", "backup", inventory.toString());
            }
            assertEveryBackupWhole(backups, true);
        }
        for (String h : HOSTS) {
            for (String d : Lab.sshOk(h, "ls -d /var/tmp/dcsprov-backup.* 2>/dev/null || :").lines().filter(l -> !l.isBlank()).toList()) {
                assertEquals("700 root", Lab.sshOk(h, "stat -c '%a %U' " + d).strip(), h + ": a killed run's copy stays private: " + d);
            }
        }
    }

    /**
     * restore (of a healthy cluster, so with --replace-healthy-cluster in the command) killed at recorded step boundaries
     * (the first member started on the restored data, the second not yet; every member started, before the restored
     * cluster was seen healthy) and at random moments (mostly before every member was restored: the re-run restores
     * again; RestoreResumeTest decides each step): status names the
     * interrupted restore and the same command, and that command leaves the cluster as the snapshot had it (a key written
     * after it gone), healthy with one new cluster ID, every data dir it replaced moved aside and kept, and no snapshot copy
     * left in /var/tmp. After a kill once members started, the re-run finishes the restore (the journal: that run restored
     * these members from this snapshot) and restores nothing again: no data dir is moved aside by it.
     */
    @Test
    @Order(4)
    void restoreKilledAtEachStepBoundaryAndAtRandomFinishesWithTheSameCommand() throws Exception {
        assertEquals(0, Cli.etcdctl(pki, endpoints, "put", "/restore-chaos/before", "in the snapshot").exit());
        Proc.Result b = Cli.dcsprov("backup", inventory.toString());
        assertEquals(0, b.exit(), b::toString);
        String snapshot = b.out().lines().filter(l -> l.contains(" saved as ")).findFirst().orElseThrow(() -> new AssertionError(b.toString()))
                .replaceAll(".* saved as ", "").strip();
        String[] restore = {"restore", inventory.toString(), snapshot, "--replace-healthy-cluster"};
        int rounds = 0;
        for (String point : List.of("restore:members:start#2", "restore:members:started")) {
            long t0 = System.nanoTime();
            assertEquals(0, Cli.etcdctl(pki, endpoints, "put", "/restore-chaos/after", "not in the snapshot").exit());
            killAtAndSeeItInStatus("restore", point, restore);
            Map<String, List<String>> asideBefore = movedAside();
            Proc.Result done = figures.rerunUntilDone("restore", restore);
            assertTrue(done.out().contains("finished the interrupted restore"), done::toString);
            assertEquals(asideBefore, movedAside(), "a finish moves no data dir aside: nothing was restored again");
            assertRestoredFromTheSnapshot(++rounds);
            System.out.println("CHAOS-ROUND restore " + point + " " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        // Killed while the members move their data aside and restore (0-300 ms after that line): sshd leaves those
        // commands running, and the member run lock keeps the next run out until they ended (the next test).
        for (int i = 0; i < Math.max(1, randomKills); i++) {
            assertEquals(0, Cli.etcdctl(pki, endpoints, "put", "/restore-chaos/after", "not in the snapshot").exit());
            long t0 = System.nanoTime();
            if (figures.killAtRandomAfter("restore", Map.of(), "restoring member by member data from the snapshot", random.nextInt(300), restore)) {
                figures.rerunUntilDone("restore", restore);
            }
            assertRestoredFromTheSnapshot(++rounds);
            System.out.println("CHAOS-ROUND restore killed while restoring " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        for (int i = 0; i < Math.max(1, randomKills); i++) {
            assertEquals(0, Cli.etcdctl(pki, endpoints, "put", "/restore-chaos/after", "not in the snapshot").exit());
            long t0 = System.nanoTime();
            if (figures.killAtRandom("restore", 500 + random.nextInt(6000), restore)) {
                figures.rerunUntilDone("restore", restore);
            }
            assertRestoredFromTheSnapshot(++rounds);
            System.out.println("CHAOS-ROUND restore random " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    /**
     * The scheduled snapshot (dcsprov-snapshot.service, what the timer starts) killed with SIGKILL, every process of
     * the unit at once as a crash or an OOM kill would, at a random moment of a run (one takes ~0.1-0.3 s here,
     * measured first): never a file under a snapshot name that is not a whole snapshot etcdctl restores, 0600 root;
     * what the killed run left stays in a private (0700 root) hidden temp dir; the next start of the unit succeeds
     * and takes a snapshot, and removes a killed run's temp dir once older than a run can take.
     */
    @Test
    @Order(5)
    void aScheduledSnapshotKilledAtRandomLeavesNoPartialSnapshotAndTheNextRunTakesOne() throws Exception {
        Lab.addVars(inventory, "dcsprov_backup_schedule: daily");
        Proc.Result apply = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
        String host = HOSTS.get(0);
        String dir = "/var/lib/dcs/backup";
        long runMillis = Long.parseLong(Lab.sshOk(host, "t0=$(date +%s%N); systemctl start dcsprov-snapshot.service; "
                + "echo $(( ($(date +%s%N) - t0) / 1000000 ))").strip());
        assertSnapshotsWhole(host, dir, 1);
        for (int i = 0; i < Math.max(2, randomKills); i++) {
            long after = Math.max(1, (long) (runMillis * (0.1 + 0.9 * random.nextDouble())));
            // On the member, so the moment is the unit's own: every pid in its cgroup (v2 or the hybrid layout's unified
            // tree); then, once the unit is done, its Result: signal (killed, a failed unit as an operator sees it) or
            // success (the kill came after the run had ended, or before it began: not counted).
            String result = Lab.sshOk(host, "u=dcsprov-snapshot.service; systemctl start --no-block $u; sleep " + after / 1000.0 + "; "
                    + "cg=$(systemctl show -p ControlGroup --value $u); procs=; "
                    + "for f in /sys/fs/cgroup$cg/cgroup.procs /sys/fs/cgroup/unified$cg/cgroup.procs; do [ -n \"$cg\" ] && [ -r \"$f\" ] && procs=$(cat \"$f\") && break; done; "
                    + "[ -z \"$procs\" ] || kill -KILL $procs 2>/dev/null || :; "
                    + "for i in $(seq 100); do [ \"$(systemctl is-active $u)\" = activating ] || systemctl list-jobs | grep -q $u || break; sleep 0.1; done; "
                    + "systemctl show -p Result --value $u").strip();
            assertTrue(result.equals("signal") || result.equals("success"), host + ": " + result);
            String left = "";
            if (result.equals("signal")) {
                figures.killed("scheduled-snapshot");
                left = ", " + assertSnapshotsWhole(host, dir, 0) + " temp dir(s) left";
            }
            System.out.println("CHAOS-ROUND scheduled-snapshot " + (result.equals("signal") ? "killed" : "finished") + " after " + after
                    + " ms of a " + runMillis + " ms run" + left);
            // reset-failed only clears systemd's start rate limit (5 starts in 10 s), which this test hits and a daily timer never does.
            Proc.Result next = Lab.ssh(host, START_SNAPSHOT);
            assertEquals(0, next.exit(), () -> "the next run succeeds: " + next + Lab.ssh(host, "journalctl -u dcsprov-snapshot -n 20 --no-pager"));
            if (result.equals("signal")) {
                figures.ranAgain("scheduled-snapshot", 1);
            }
            assertSnapshotsWhole(host, dir, 1);
        }
        // A killed run's temp dir, once older than a run can take, is removed by the next run; a fresh one is not.
        Lab.sshOk(host, "d=$(mktemp -d " + dir + "/.dcsprov-snapshot.XXXXXX) && touch -d '-20 min' \"$d\" && echo $d > /root/aged-tmp");
        Lab.sshOk(host, START_SNAPSHOT);
        assertEquals(1, Lab.ssh(host, "test -e \"$(cat /root/aged-tmp)\"").exit(), "an aged temp dir of a killed run is removed");
        assertSnapshotsWhole(host, dir, 1);
    }

    /**
     * On the member: every file under a snapshot name restores with etcdctl and is 0600 root; anything else in the
     * directory is a killed run's temp dir, 0700 root; at least {@code atLeast} snapshots. Returns how many temp dirs.
     */
    private static long assertSnapshotsWhole(String host, String dir, int atLeast) {
        List<String> lines = Lab.sshOk(host, "cd " + dir + " && for f in * .[!.]*; do [ -e \"$f\" ] || continue; "
                + "case $f in *-[0-9]*T[0-9]*Z.db) r=/tmp/chaos-restore.$$; "
                + "if ETCDCTL_API=3 etcdctl snapshot restore \"$f\" --data-dir $r >/dev/null 2>&1; then ok=restores; else ok=BROKEN; fi; rm -rf $r; "
                + "echo \"snapshot $f $ok $(stat -c '%a %U' \"$f\")\";; "
                + "*) echo \"other $f $(stat -c '%F %a %U' \"$f\")\";; esac; done").lines().filter(l -> !l.isBlank()).toList();
        List<String> snapshots = lines.stream().filter(l -> l.startsWith("snapshot ")).toList();
        assertTrue(snapshots.size() >= atLeast, host + ": at least " + atLeast + " snapshot(s): " + lines);
        for (String s : snapshots) {
            assertTrue(s.endsWith(" restores 600 root"), host + ": a whole snapshot, root's 0600: " + s);
        }
        for (String o : lines.stream().filter(l -> l.startsWith("other ")).toList()) {
            assertTrue(o.matches("other \\.dcsprov-snapshot\\.\\S+ directory 700 root"), host + ": only a killed run's private temp dir: " + o);
        }
        return lines.stream().filter(l -> l.startsWith("other ")).count();
    }

    /**
     * A command of a killed run that is still running on a member (sshd leaves a dead client's commands running) holds
     * the next run off until it ended. The killed run is a real one (apply on this cluster, SIGKILLed while it holds the
     * members' lock); its leftover is a process started on dcs-80 with that run's own marker, read there from the lock's
     * shell (/proc/PID/environ), which writes its time to a file after 4 s. The same command, run at once after the kill,
     * is not refused: it waits, and holds the lock on dcs-80 (the lock file's time) only once the leftover ended.
     */
    @Test
    @Order(6)
    void aCommandAKilledRunLeftRunningOnAMemberHoldsTheNextRunOffUntilItEnded() throws Exception {
        String host = HOSTS.get(0);
        Lab.sshOk(host, "rm -f /root/leftover-done");
        List<String> cmd = new ArrayList<>(List.of(Lab.REPO.resolve("dcsprov").toString(), "apply", inventory.toString()));
        Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String marker;
        boolean aliveAtKill;
        try {
            // On the host, at once: wait for the lock's shell (the marked processes whose fd 9 is the lock file, the shell
            // and its cat), read the run's marker from its environ, and start the leftover under it.
            marker = Lab.sshOk(host, "for i in $(seq 600); do m=$(for d in /proc/[0-9]*; do "
                    + "[ $d/fd/9 -ef /run/dcsprov/run.lock ] || continue; "
                    + "tr '\\0' '\\n' < $d/environ | grep '^DCSPROV_RUN='; done | sort -u); [ -n \"$m\" ] && break; sleep 0.02; done; "
                    + "if [ -n \"$m\" ]; then setsid -f env \"$m\" sh -c 'sleep 4; date +%s%N > /root/leftover-done' </dev/null >/dev/null 2>&1; fi; "
                    + "echo \"$m\"").strip();
        } finally {
            aliveAtKill = run.isAlive();
            new ProcessBuilder("kill", "-KILL", String.valueOf(run.pid())).start().waitFor();
            run.waitFor();
        }
        assertTrue(marker.matches("DCSPROV_RUN=[0-9a-f]{16}"), "the run held the lock on " + host + " under its marker: " + marker);
        assertTrue(aliveAtKill, "killed while it ran (it held the lock)");
        figures.killed("apply");
        long t0 = System.nanoTime();
        Proc.Result again = Cli.dcsprov("apply", inventory.toString());
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, again.exit(), () -> "the same command is not refused: it waits for the leftover, then runs: " + again);
        figures.ranAgain("apply", 1);
        // Written by the leftover before the re-run's lock shell on dcs-80 wrote its holder line there (ssh, host clock).
        String times = Lab.sshOk(host, "cat /root/leftover-done; stat -c %.9Y /run/dcsprov/run.lock | tr -d .").strip();
        System.out.println("CHAOS-ROUND leftover: the re-run took " + waited + " ms; leftover done, lock file written (ns): " + times.replace('\n', ' '));
        String[] t = times.split("\\s+");
        assertEquals(2, t.length, "the leftover ran to its end: " + times);
        assertTrue(Long.parseLong(t[0]) < Long.parseLong(t[1]), "the leftover ended before the re-run held the lock: " + times);
    }

    private void assertRestoredFromTheSnapshot(int rounds) throws IOException {
        checks.health();
        assertEquals(Set.of("/restore-chaos/before"), checks.keys("/restore-chaos/"), "the snapshot's keys, nothing after it");
        Set<String> clusterIds = new java.util.HashSet<>();
        Proc.Result st = Cli.etcdctl(pki, endpoints, "endpoint", "status", "-w", "json");
        assertEquals(0, st.exit(), st::toString);
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(st.out())
                .forEach(e -> clusterIds.add(e.path("Status").path("header").path("cluster_id").asText()));
        assertEquals(1, clusterIds.size(), st::toString);
        for (String h : HOSTS) {
            // One round trip per member: the moved-aside dirs, each one's WAL, and any snapshot copy left in /var/tmp.
            List<String> lines = Lab.sshOk(h, "for d in /var/lib/etcd/dcs.before-restore-*; do [ -e \"$d\" ] || continue; "
                    + "if [ -d \"$d/member/wal\" ]; then echo \"aside $d\"; else echo \"emptied $d\"; fi; done; "
                    + "ls -d /var/tmp/dcsprov-restore.* 2>/dev/null | sed 's/^/copy /' || :").lines().filter(l -> !l.isBlank()).toList();
            assertTrue(lines.stream().filter(l -> l.startsWith("aside ")).count() >= rounds, h + ": every replaced data dir moved aside: " + lines);
            assertEquals(List.of(), lines.stream().filter(l -> l.startsWith("emptied ")).toList(), h + ": moved-aside dirs kept, not deleted");
            assertEquals(List.of(), lines.stream().filter(l -> l.startsWith("copy ")).toList(), h + ": no snapshot copy left");
        }
    }

    /** Per member, the data dirs restores moved aside (ssh). */
    private Map<String, List<String>> movedAside() {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (String h : HOSTS) {
            m.put(h, Lab.sshOk(h, "ls -d /var/lib/etcd/dcs.before-restore-* 2>/dev/null || :").lines().filter(l -> !l.isBlank()).toList());
        }
        return m;
    }

    /** Every file under a backup name is whole and matches its checksum; {@code some}: at least one (after a run that succeeded). */
    private static void assertEveryBackupWhole(Path backups, boolean some) throws Exception {
        List<Path> dbs = new ArrayList<>();
        if (!some && !Files.exists(backups)) {
            return; // killed before it made the backups dir
        }
        try (var files = Files.list(backups)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".db")) {
                    dbs.add(f);
                } else {
                    assertTrue(name.endsWith(".db.sha256") || name.startsWith(".download-") && name.endsWith(".part"),
                            "only backups, their checksums and hidden downloads: " + name);
                }
            }
        }
        assertTrue(!some || !dbs.isEmpty(), "at least one backup in " + backups);
        for (Path db : dbs) {
            String recorded = Files.readString(db.resolveSibling(db.getFileName() + ".sha256")).split("\\s+")[0];
            Proc.Result sum = Proc.run(List.of("sha256sum", db.toString()));
            assertEquals(recorded, sum.out().split("\\s+")[0], db + " matches its checksum");
            Proc.Result st = Proc.run(List.of("etcdctl", "snapshot", "status", db.toString(), "-w", "json"));
            assertEquals(0, st.exit(), () -> db + " is a whole snapshot for etcdctl: " + st);
        }
    }

    // ---- kills and re-runs ------------------------------------------------------------------------

    /** Runs the command with a kill point; it must halt there (exit 137). Optionally stops the member it hit. */
    private void killAt(String op, String point, boolean leaveMemberStopped, String... args) {
        Proc.Result r = Cli.dcsprov(Map.of("DCSPROV_KILL_AT", point), args);
        assertEquals(137, r.exit(), () -> "halted at " + point + ":\n" + r);
        assertTrue(r.err().contains("DCSPROV_KILL_AT: halting at"), r::toString);
        figures.killed(op);
        if (leaveMemberStopped) {
            String member = r.err().replaceAll("(?s).*halting at \\S+ on (\\S+).*", "$1").strip();
            assertTrue(HOSTS.contains(member), r::toString);
            // The member's own journal (read with ssh, not dcsprov) says what the run was doing to it.
            assertTrue(Lab.sshOk(member, "cat /var/lib/dcsprov/journal").contains("state=started"), member);
            Lab.sshOk(member, "systemctl stop etcd");
            // status names the interrupted operation and the command that finishes it: the same one.
            Proc.Result status = Cli.dcsprov("status", inventory.toString());
            assertEquals(7, status.exit(), status::toString);
            assertTrue(status.out().contains("INTERRUPTED: " + op + " ") && status.out().contains("on " + member), status::toString);
            assertTrue(status.out().contains("finish it with: dcsprov " + String.join(" ", args)), status::toString);
        }
    }

    /** Runs the command with a kill point; it must halt there; status then names the interrupted operation and the same command. */
    private void killAtAndSeeItInStatus(String op, String point, String... args) {
        Proc.Result r = Cli.dcsprov(Map.of("DCSPROV_KILL_AT", point), args);
        assertEquals(137, r.exit(), () -> "halted at " + point + ":\n" + r);
        assertTrue(r.err().contains("DCSPROV_KILL_AT: halting at " + point.replaceAll("#.*", "")), r::toString);
        figures.killed(op);
        Proc.Result status = Cli.dcsprov("status", inventory.toString());
        assertTrue(status.out().contains("INTERRUPTED: " + op + " "), status::toString);
        assertTrue(status.out().contains("finish it with: dcsprov " + String.join(" ", args)), status::toString);
    }

    // ---- independent checks ---------------------------------------------------------------------

    private Path material() throws IOException {
        Path m = Files.createTempDirectory("chaos-material");
        Files.copy(pki.resolve("ca.crt"), m.resolve("ca.crt"));
        Files.copy(pki.resolve("clients/root.crt"), m.resolve("root.crt"));
        Files.copy(pki.resolve("clients/root.key"), m.resolve("root.key"));
        return m;
    }

    private void assertEndStateOfLeafRotation(Map<String, String> before) throws IOException {
        Proc.Result certs = Cli.dcsprov("certs", inventory.toString());
        assertEquals(0, certs.exit(), certs::toString);
        checks.health();
        Map<String, String> after = checks.servedSerials(material());
        for (String h : HOSTS) {
            String local = openssl("x509", "-noout", "-serial", "-in", pki.resolve("hosts/" + h + ".crt").toString())
                    .replace("serial=", "").strip();
            assertEquals(local, after.get(h), h + " serves the local certificate");
            assertNotEquals(before.get(h), after.get(h), h + " serves a new certificate");
        }
    }

    private void assertOnlyTheNewCa(String oldCa) throws IOException {
        Proc.Result certs = Cli.dcsprov("certs", inventory.toString());
        assertEquals(0, certs.exit(), certs::toString);
        assertTrue(!certs.out().contains("CA rotation: phase"), certs::toString);
        checks.health();
        String newCa = Files.readString(pki.resolve("ca.crt"));
        assertNotEquals(oldCa, newCa, "a new CA");
        String subject = openssl("x509", "-noout", "-subject", "-in", pki.resolve("ca.crt").toString()).replace("subject=", "").strip();
        Path current = material();
        for (String h : HOSTS) {
            String served = checks.served(h, current);
            assertTrue(served.contains("issuer=" + subject), h + " serves a certificate of the new CA: " + served);
            assertEquals(newCa.strip(), Lab.sshOk(h, "cat /etc/dcs/cert/ca.crt").strip(), h + " trusts the new CA only");
        }
    }

    /** The members etcd lists (IDs): a data dir deleted and recreated would show as a new ID. */
    private Set<String> memberIds() {
        Proc.Result r = Cli.etcdctl(pki, endpoints, "member", "list");
        assertEquals(0, r.exit(), r::toString);
        return new java.util.TreeSet<>(r.out().lines().filter(l -> !l.isBlank()).map(l -> l.split(",")[0].strip()).toList());
    }

    private void assertDataDirsKept(Set<String> idsBefore) {
        assertEquals(idsBefore, memberIds(), "the same members, with the same IDs: no data dir was recreated");
        for (String h : HOSTS) {
            assertEquals(0, Lab.ssh(h, "test -d /var/lib/etcd/dcs/member/snap && test -d /var/lib/etcd/dcs/member/wal").exit(),
                    h + " keeps its data dir");
        }
    }

    private static String openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Proc.Result r = Proc.run(cmd);
        assertEquals(0, r.exit(), r::toString);
        return r.out();
    }

    /**
     * A retrying client that follows the PKI dir as an application would follow what it is handed:
     * it trusts the CA bundle while a CA rotation has one, and uses the current admin client pair.
     * A write counts as acknowledged when etcdctl said OK; those must all be stored at the end.
     */
    static final class Writer {
        private final Path pki;
        private final List<String> endpoints;
        private final String prefix;
        private final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean stop;
        private final Thread thread;
        private int attempted;

        private Writer(Path pki, List<String> endpoints, String prefix) {
            this.pki = pki;
            this.endpoints = endpoints;
            this.prefix = prefix;
            this.thread = new Thread(this::run, "chaos-writer");
            this.thread.setDaemon(true);
        }

        static Writer start(Path pki, List<String> endpoints, String prefix) {
            Writer w = new Writer(pki, endpoints, prefix);
            w.thread.start();
            return w;
        }

        private void run() {
            for (int i = 0; !stop && i < 100_000; i++) {
                String key = prefix + String.format("%06d", i);
                attempted++;
                for (int t = 0; t < 6; t++) {
                    Path ca = Files.exists(pki.resolve("ca-bundle.crt")) ? pki.resolve("ca-bundle.crt") : pki.resolve("ca.crt");
                    List<String> order = new ArrayList<>(endpoints);
                    Collections.rotate(order, -t);
                    Proc.Result r = Cli.etcdctl(ca, pki.resolve("clients/root.crt"), pki.resolve("clients/root.key"), order, 2, 5,
                            "put", key, "v" + i);
                    if (r.exit() == 0 && r.out().strip().equals("OK")) {
                        acknowledged.add(key);
                        break;
                    }
                    dev.dcsprov.Shell.pause(300);
                }
            }
        }

        void stopAndAssertEveryAcknowledgedWriteStored(ClusterChecks checks) throws InterruptedException {
            stop = true;
            thread.join(60_000);
            Set<String> stored = checks.keys(prefix);
            List<String> lost = acknowledged.stream().filter(k -> !stored.contains(k)).toList();
            System.out.println("chaos writer " + prefix + ": " + attempted + " writes, " + acknowledged.size() + " acknowledged, "
                    + lost.size() + " lost");
            assertEquals(List.of(), lost, "acknowledged writes lost");
            assertTrue(acknowledged.size() > 20, "the writer kept writing: " + acknowledged.size());
        }
    }
}
