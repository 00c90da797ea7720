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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dcsprov maintain end to end on a cluster with a 16 MiB quota: filled with etcdctl from this
 * machine until etcd raises NOSPACE and refuses writes, then maintain brings it back to accepting
 * writes with every acknowledged write intact (checked with etcdctl); a member without the free
 * disk is refused; and under a retrying writer maintain fails no write. {@code kill -9} of maintain at recorded step
 * boundaries (DCSPROV_KILL_AT: just before the disarm, and just before a member's defragmentation, that member then
 * answering nothing as one still defragmenting does) and at a random moment: the same command again finishes the job
 * (etcdctl: every member defragmented, healthy, no alarm, every acknowledged write). One cluster, reused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaintainIT {
    static final List<String> HOSTS = List.of("dcs-70", "dcs-71", "dcs-72");
    static final long QUOTA = 16L * 1024 * 1024;
    /** Four keys overwritten again and again: the history is what fills the database, and what compaction frees. */
    static final int BIG_KEYS = 4;
    private Path inventory;
    private Path pki;
    private List<String> endpoints;
    /** Every acknowledged write's last value, by key. */
    private final Map<String, String> acknowledged = new LinkedHashMap<>();
    /**
     * Values a key may hold: its last acknowledged one, or one written after it that failed. etcd applies the
     * write that takes a member past the quota and then answers "database space exceeded" (its quota applier
     * checks after the put), so a refused write may be stored: newer than the acknowledged value, not a loss.
     */
    private final Map<String, java.util.Set<String>> possible = new LinkedHashMap<>();
    private final Random random = new Random(15);
    private final long killSeed = Long.getLong("chaos.seed", System.nanoTime());
    private final Random killTime = new Random(killSeed);
    private final ChaosFigures figures = new ChaosFigures(3);

    @BeforeAll
    void cluster() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        inventory = Lab.writeInventory(Files.createTempDirectory("dcsprov-maintain-it"), HOSTS,
                "    etcd_quota_backend_bytes: " + QUOTA + "\n");
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        // The preflight before the bootstrap measured every new host's disk and said so with the figure.
        for (String h : HOSTS) {
            assertTrue(r.out().matches("(?s).*fdatasync p99 of /var/lib/etcd/dcs on " + h + "(:| is) [0-9.]+ ms.*"), r::toString);
        }
        pki = inventory.getParent().resolve("pki/dcs");
        endpoints = Cli.endpoints(HOSTS);
    }

    @Test
    @Order(1)
    void aFullClusterRefusesWritesAndMaintainBringsItBackWithNothingAcknowledgedLost() throws IOException {
        Proc.Result refused = fillUntilNoSpace();
        assertTrue(refused.err().contains("database space exceeded"), refused::toString);
        assertTrue(etcdctl("alarm", "list").out().contains("alarm:NOSPACE"));
        assertFalse(etcdctl("put", "/after-full", "x").exit() == 0, "etcd refuses writes while NOSPACE is raised");

        Proc.Result status = Cli.dcsprov("status", inventory.toString());
        assertEquals(7, status.exit(), status::toString);
        assertTrue(status.out().matches("(?s).*Space\\n.*NOSPACE.*"), status::toString);

        Proc.Result check = Cli.dcsprov("maintain", "--check", inventory.toString());
        assertEquals(0, check.exit(), check::toString);
        assertTrue(check.out().contains("alarms: ") && check.out().contains("NOSPACE"), check::toString);
        assertTrue(etcdctl("alarm", "list").out().contains("alarm:NOSPACE"), "--check changes nothing");

        // Killed (as by kill -9) right after it recorded that it is about to disarm: every member is defragmented.
        Proc.Result m = killAt("maintain:disarm:disarm", "maintain", inventory.toString());
        // Followers first, the leader last after it handed over: the move comes before the last defragmentation.
        List<String> defrags = m.out().lines().filter(l -> l.startsWith("[cluster] defragmenting ")).toList();
        assertEquals(3, defrags.size(), m::toString);
        int move = m.out().indexOf("[cluster] moving leadership");
        assertTrue(move > m.out().indexOf(defrags.get(1)) && move < m.out().indexOf(defrags.get(2)), m::toString);
        assertTrue(etcdctl("alarm", "list").out().contains("alarm:NOSPACE"), "killed before the disarm");
        // The same command disarms, and neither compacts nor defragments again.
        Proc.Result again = Cli.dcsprov("maintain", inventory.toString());
        assertEquals(0, again.exit(), again::toString);
        figures.ranAgain("maintain", 1);
        assertTrue(again.out().contains("NOSPACE alarm: disarmed"), again::toString);
        assertTrue(again.out().contains("was disarming the NOSPACE alarm: finishing that"), again::toString);
        assertFalse(again.out().contains("[cluster] defragmenting ") || again.out().contains("[cluster] compacting"), again::toString);

        // Independently: no alarm, writes accepted, every acknowledged value as it was acknowledged.
        assertEquals("", etcdctl("alarm", "list").out().strip());
        assertEquals(0, etcdctl("put", "/after-maintain", "x").exit());
        assertAcknowledgedStored();
        for (JsonNode s : new ObjectMapper().readTree(etcdctl("endpoint", "status", "-w", "json").out())) {
            assertTrue(s.get("Status").get("dbSize").asLong() < QUOTA / 2, s.toString());
        }
        Proc.Result after = Cli.dcsprov("status", inventory.toString());
        assertEquals(0, after.exit(), after::toString);
    }

    @Test
    @Order(2)
    void aMemberWithoutFreeDiskForTheCopyIsRefusedWithTheFigures() throws IOException {
        overwrite(30);
        Map<String, Long> before = dbSizes();
        // A margin no lab disk has: every member is refused, as a member with a full disk would be.
        Proc.Result m = Cli.dcsprov("maintain", "--min-reclaimable", "0", "--disk-margin-mib", "100000000", inventory.toString());
        assertEquals(6, m.exit(), m::toString);
        assertTrue(m.out().matches("(?s).*dcs-70\\s+REFUSED: free disk [0-9.]+ GiB < database [0-9.]+ MiB \\+ margin .*"), m::toString);
        assertTrue(m.err().contains("maintenance left work undone"), m::toString);
        // The compaction ran (it may even grow the file a little); a defragmentation would have shrunk it.
        Map<String, Long> after = dbSizes();
        before.forEach((endpoint, size) -> assertTrue(after.get(endpoint) >= size, "not defragmented: " + before + " -> " + after));
        assertFalse(m.out().contains("[cluster] defragmenting "), m::toString);
        assertAcknowledgedStored();
    }

    @Test
    @Order(3)
    void underARetryingWriterMaintainFailsNoWrite() throws Exception {
        Workload workload = Workload.start(Workload.clientMaterial(pki), endpoints, "/maintain-workload/");
        awaitAcknowledged(workload, 10);
        Proc.Result m = Cli.dcsprov("maintain", "--min-reclaimable", "0", inventory.toString());
        int atEnd = workload.acknowledged();
        awaitAcknowledged(workload, Math.max(30, atEnd + 10));
        Workload.Figures f = workload.stop();
        assertEquals(0, m.exit(), m::toString);
        assertEquals(3, m.out().lines().filter(l -> l.startsWith("[cluster] defragmented ")).count(), m::toString);
        f.assertServedThroughout();
        f.assertStoredExactly(etcdctl("get", "/maintain-workload/", "--prefix", "--keys-only").out().lines()
                .filter(l -> !l.isBlank()).toList());
        assertAcknowledgedStored();
    }

    /**
     * On an idle cluster etcd 3.4 refreshes its in-use figure only at a backend commit, so right after the
     * compaction it still counts the history (after 40 such overwrites an older dcsprov saw 6-17% reclaimable
     * on dcs-36..38 and skipped every member); maintain's two leases make the commits, and a 50% threshold
     * then sees that most of the file is reclaimable (about 85%).
     */
    @Test
    @Order(4)
    void onAnIdleClusterTheThresholdSeesWhatTheCompactionFreed() throws IOException {
        overwrite(40); // about 4 MB of history on a file the previous test defragmented
        Proc.Result m = Cli.dcsprov("maintain", "--min-reclaimable", "50", inventory.toString());
        assertEquals(0, m.exit(), m::toString);
        assertEquals(3, m.out().lines().filter(l -> l.startsWith("[cluster] defragmented ")).count(), m::toString);
        assertAcknowledgedStored();
    }

    @Test
    @Order(5)
    void scheduledMaintenanceRunsOnEveryMemberOneAtATimeUnderEtcdsLock() throws Exception {
        Lab.addVars(inventory, "dcsprov_maintenance_schedule: weekly");
        Proc.Result apply = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
        for (String h : HOSTS) {
            assertEquals("enabled", Lab.sshOk(h, "systemctl is-enabled dcsprov-maintain.timer").strip());
        }
        overwrite(60);
        Map<String, Long> before = dbSizes();
        // All three at once, as clocks that agree would start them: etcd's lock lets one through at a time.
        for (String h : HOSTS) {
            Lab.sshOk(h, "systemctl start --no-block dcsprov-maintain.service");
        }
        List<long[]> held = new java.util.ArrayList<>();
        for (String h : HOSTS) {
            for (int i = 0; i < 240 && !Lab.ssh(h, "systemctl is-active dcsprov-maintain.service").out().strip().matches("inactive|failed"); i++) {
                Thread.sleep(500);
            }
            assertEquals("Result=success", Lab.sshOk(h, "systemctl show -p Result dcsprov-maintain.service").strip(), h);
            String journal = Lab.sshOk(h, "journalctl -u dcsprov-maintain -o short-unix --no-pager");
            assertTrue(journal.contains("defragmented: "), journal);
            held.add(new long[] {time(journal, "holding the lock"), time(journal, "defragmented: ")});
            assertTrue(Lab.sshOk(h, "cat /var/lib/dcs/maintenance.last").contains("defragmented: "), h);
        }
        held.sort(java.util.Comparator.comparingLong(a -> a[0]));
        for (int i = 1; i < held.size(); i++) {
            assertTrue(held.get(i)[0] >= held.get(i - 1)[1], "two members held the maintenance lock at once");
        }
        Map<String, Long> after = dbSizes();
        before.forEach((endpoint, size) -> assertTrue(after.get(endpoint) < size, endpoint + ": " + size + " -> " + after.get(endpoint)));
        Proc.Result status = Cli.dcsprov("status", inventory.toString());
        assertEquals(0, status.exit(), status::toString);
        assertTrue(status.out().matches("(?s).*Scheduled maintenance\n.*dcs-70 .*defragmented: .*dcs-72 .*defragmented: .*"), status::toString);
        assertAcknowledgedStored();
    }

    /**
     * Killed at the compaction, then (the same command) right after it recorded, locally and on the member, that the
     * first member's defragmentation starts; that member then answers nothing (etcd frozen with SIGSTOP), as one still
     * defragmenting after its client died does.
     * The same command waits for it while the other two keep quorum, thawed here once the run says it waits, and
     * defragments it first, then the others.
     */
    @Test
    @Order(6)
    void killedBeforeAMembersDefragmentationTheSameCommandWaitsForTheBusyMemberAndFinishesItFirst() throws Exception {
        overwrite(40);
        Map<String, Long> before = dbSizes();
        String[] maintain = {"maintain", "--min-reclaimable", "0", inventory.toString()};
        // First killed right after it recorded that the compaction starts; the same command, killed in turn before the
        // first defragmentation, compacts; the last run compacts to that same revision again, which etcd refuses as
        // already compacted and dcsprov takes as done.
        killAt("maintain:compact:compact", maintain);
        Proc.Result killed = killAt("maintain:defragment:defragment#1", maintain);
        assertTrue(killed.out().contains("[cluster] compacting to revision"), killed::toString);
        String member = killed.err().replaceAll("(?s).*halting at \\S+ on (\\S+).*", "$1").strip();
        assertTrue(HOSTS.contains(member), killed::toString);
        assertFalse(killed.out().contains("[cluster] defragmented "), "halted before the first defragmentation: " + killed);

        // etcd's main process, frozen with kill (systemctl kill fails inside nspawn on its auxiliary processes).
        String pid = "$(systemctl show -p MainPID --value etcd)";
        List<String> cmd = new java.util.ArrayList<>(List.of(Lab.REPO.resolve("dcsprov").toString()));
        cmd.addAll(List.of(maintain));
        StringBuilder out = new StringBuilder();
        boolean waited = false;
        Process p;
        try {
            Lab.sshOk(member, "kill -STOP " + pid);
            p = new ProcessBuilder(cmd).directory(Lab.REPO.toFile()).redirectErrorStream(true).start();
        } catch (IOException | RuntimeException | Error e) {
            Lab.ssh(member, "kill -CONT " + pid);
            throw e;
        }
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String line; (line = reader.readLine()) != null; ) {
                out.append(line).append('\n');
                if (!waited && line.startsWith("[cluster] " + member + " does not answer: the interrupted run was defragmenting it")) {
                    waited = true;
                    Lab.sshOk(member, "kill -CONT " + pid);
                }
            }
        } finally {
            Lab.ssh(member, "kill -CONT " + pid);
        }
        assertEquals(0, p.waitFor(), out::toString);
        figures.ranAgain("maintain", 1); // each of the two kills: one re-run (the first re-run was the one killed again)
        figures.ranAgain("maintain", 1);
        assertTrue(waited, "the run waited for the member the interrupted run left: " + out);
        List<String> defrags = out.toString().lines().filter(l -> l.startsWith("[cluster] defragmenting ")).toList();
        assertEquals("[cluster] defragmenting " + member, defrags.get(0), out::toString);
        assertEquals(3, defrags.size(), out::toString);
        assertTrue(Lab.sshOk(member, "cat /var/lib/dcsprov/journal").contains("state=done"), member + "'s own journal: done");
        assertMaintained(before);
    }

    /**
     * Killed at random moments (SIGKILL from here) of the work itself: drawn within a clean run's measured time from its
     * compaction line to its end (at 5-95% of it, so the kill lands in the compaction, a defragmentation, the leadership
     * move or the disarm check, not in the connecting and reading before them), {@code chaos.randomKills} times
     * (bench/chaos.sh); after each, the same command again until it succeeds: the same end state.
     */
    @Test
    @Order(7)
    void killedAtARandomMomentTheSameCommandFinishesTheJob() throws Exception {
        String[] maintain = {"maintain", "--min-reclaimable", "0", inventory.toString()};
        String marker = "[cluster] compacting to revision";
        overwrite(40);
        Map<String, Long> before = dbSizes();
        ChaosFigures.Run clean = figures.runKillingAfter("maintain", Map.of(), marker, 600_000, maintain);
        long work = clean.millisAfterMarker();
        assertMaintained(before);
        for (int i = 0; i < Integer.getInteger("chaos.randomKills", 1); i++) {
            overwrite(40);
            before = dbSizes();
            long after = (long) (work * (0.05 + 0.9 * killTime.nextDouble()));
            if (figures.killAtRandomAfter("maintain", Map.of(), marker, after, maintain)) {
                System.out.println("MAINTAIN-RANDOM-KILL seed " + killSeed + ": killed " + after + " ms after the compaction began, of "
                        + work + " ms; journal: " + dev.dcsprov.journal.Journal.readDir(pki, "maintain")
                        .map(dev.dcsprov.journal.JournalEntry::describe).orElse("none"));
                figures.rerunUntilDone("maintain", maintain);
            } else {
                System.out.println("MAINTAIN-RANDOM-KILL seed " + killSeed + ": the run finished before " + after + " ms after its compaction");
            }
            assertMaintained(before);
        }
    }

    @AfterAll
    void printFigures() {
        // One line for bench/chaos.sh: kills (step boundaries and random), re-runs needed, failures.
        figures.print();
    }

    /**
     * Runs the command with a kill point: it must halt there (exit 137); the member it hit, if any, says so in its own
     * journal (ssh); status names the interrupted run and the same command.
     */
    private Proc.Result killAt(String point, String... args) {
        Proc.Result r = Cli.dcsprov(Map.of("DCSPROV_KILL_AT", point), args);
        assertEquals(137, r.exit(), () -> "halted at " + point + ":\n" + r);
        assertTrue(r.err().contains("DCSPROV_KILL_AT: halting at " + point.replaceAll("#.*", "")), r::toString);
        figures.killed("maintain");
        String member = r.err().matches("(?s).*halting at \\S+ on \\S+.*")
                ? r.err().replaceAll("(?s).*halting at \\S+ on (\\S+).*", "$1").strip() : "";
        if (!member.isEmpty()) {
            // The member's own journal (read with ssh, not dcsprov) says what the run was about to do to it.
            String own = Lab.sshOk(member, "cat /var/lib/dcsprov/journal");
            assertTrue(own.contains("operation=maintain") && own.contains("step=defragment") && own.contains("state=started"), own);
        }
        // (status's exit code stays the health rule: 7 under NOSPACE, 0 on a healthy cluster.)
        Proc.Result status = Cli.dcsprov("status", inventory.toString());
        assertTrue(status.out().contains("INTERRUPTED: maintain (") && status.out().contains(member), status::toString);
        assertTrue(status.out().contains("finish it with: dcsprov " + String.join(" ", args)), status::toString);
        return r;
    }

    /** Independently, with etcdctl: every member defragmented (its file smaller than before), healthy, no alarm, writes intact. */
    private void assertMaintained(Map<String, Long> before) throws IOException {
        Map<String, Long> after = dbSizes();
        before.forEach((endpoint, size) -> assertTrue(after.get(endpoint) < size, endpoint + " defragmented: " + before + " -> " + after));
        Proc.Result health = etcdctl("endpoint", "health");
        assertEquals(0, health.exit(), health::toString);
        assertEquals(3, health.out().lines().filter(l -> l.contains("is healthy")).count() + health.err().lines()
                .filter(l -> l.contains("is healthy")).count(), health::toString);
        assertEquals("", etcdctl("alarm", "list").out().strip());
        assertAcknowledgedStored();
        Proc.Result status = Cli.dcsprov("status", inventory.toString());
        assertEquals(0, status.exit(), status::toString);
        assertFalse(status.out().contains("INTERRUPTED"), status::toString);
    }

    /** The time (seconds since the epoch) of the last journal line containing {@code text}, from journalctl -o short-unix. */
    private static long time(String journal, String text) {
        List<String> lines = journal.lines().filter(l -> l.contains(text)).toList();
        assertFalse(lines.isEmpty(), "no '" + text + "' in " + journal);
        return (long) (Double.parseDouble(lines.get(lines.size() - 1).split(" ")[0]) * 1000);
    }

    /** The writer got this far; bounded, so a cluster that refuses writes fails the test instead of hanging it. */
    private static void awaitAcknowledged(Workload workload, int count) throws Exception {
        for (int i = 0; i < 600 && workload.acknowledged() < count; i++) {
            Thread.sleep(100);
        }
        if (workload.acknowledged() < count) {
            throw new AssertionError("the writer got only " + workload.acknowledged() + " writes acknowledged, waiting for " + count
                    + ": " + workload.stop());
        }
    }

    /** Overwrites the big keys until etcd refuses a write; returns the refused put. */
    private Proc.Result fillUntilNoSpace() {
        for (int i = 0; i < 1000; i++) {
            if (i % 10 == 0) {
                Proc.Result small = put("/small/" + i, "small-" + i);
                if (small.exit() != 0) {
                    return small;
                }
            }
            Proc.Result r = put("/big/" + (i % BIG_KEYS), bigValue(i));
            if (r.exit() != 0) {
                return r;
            }
        }
        throw new AssertionError("1000 writes of 100 kB and no NOSPACE: is the quota " + QUOTA + " in effect?");
    }

    private void overwrite(int times) {
        for (int i = 0; i < times; i++) {
            Proc.Result r = put("/big/" + (i % BIG_KEYS), bigValue(10_000 + i));
            assertEquals(0, r.exit(), r::toString);
        }
    }

    /** A put whose value is remembered only once etcd acknowledged it. */
    private Proc.Result put(String key, String value) {
        Proc.Result r = etcdctl("put", key, value);
        if (r.exit() == 0 && r.out().strip().equals("OK")) {
            acknowledged.put(key, value);
            possible.put(key, new java.util.HashSet<>(List.of(value)));
        } else {
            possible.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(value);
        }
        return r;
    }

    /** 100 kB that do not compress, under the 128 kB a single command-line argument may have. */
    private String bigValue(int i) {
        StringBuilder b = new StringBuilder("v" + i + "-");
        while (b.length() < 100_000) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private void assertAcknowledgedStored() {
        assertTrue(acknowledged.size() > 15, "the test wrote keys: " + acknowledged.size());
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
            Proc.Result r = etcdctl("get", e.getKey(), "--print-value-only");
            assertEquals(0, r.exit(), r::toString);
            String stored = r.out().strip();
            assertTrue(possible.get(e.getKey()).contains(stored), "acknowledged value of " + e.getKey()
                    + " intact (or a later write etcd refused after applying it)");
        }
    }

    private Map<String, Long> dbSizes() throws IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (JsonNode s : new ObjectMapper().readTree(etcdctl("endpoint", "status", "-w", "json").out())) {
            sizes.put(s.get("Endpoint").asText(), s.get("Status").get("dbSize").asLong());
        }
        return sizes;
    }

    private Proc.Result etcdctl(String... args) {
        return Cli.etcdctl(pki, endpoints, args);
    }
}
