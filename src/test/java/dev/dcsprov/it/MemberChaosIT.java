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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of membership changes at their recorded step boundaries (DCSPROV_KILL_AT halts the real CLI
 * right after the journal recorded the step), then the SAME command again until it succeeds: a join
 * (apply growing 3 -> 4: killed before member add, before etcd starts on the learner, before the
 * promotion with the learner left stopped), member remove (before member remove, before etcd is
 * stopped and the data dir moved aside) and member replace (between the removal and the join, before
 * the new member's start and before its promotion). dcs-28 stays in the inventory throughout, so each apply after a removal joins it
 * again as a new member. Checked with etcdctl (voters only, no stray learner, one cluster ID, health),
 * ssh (each removal moved the data dir aside exactly once and every moved-aside dir is still there) and
 * a retrying writer plus a key written before each kill: nothing acknowledged is lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MemberChaosIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BASE = List.of("dcs-25", "dcs-26", "dcs-27");
    private static final String NEW = "dcs-28";
    private static final List<String> ALL = List.of("dcs-25", "dcs-26", "dcs-27", NEW);
    private static final String DATA = "/var/lib/etcd/dcs";
    private static final int MAX_RERUNS = 3;
    private Path inventory;
    private Path pki;
    private ChaosIT.Writer writer;
    private final ChaosFigures figures = new ChaosFigures(MAX_RERUNS);
    private final java.util.Random random = new java.util.Random(Long.getLong("chaos.seed", System.nanoTime()));
    private final int randomKills = Integer.getInteger("chaos.randomKills", 1);
    private final List<String> markers = new ArrayList<>();
    private int movedAside;

    @BeforeAll
    void threeMembersAndAWriter() throws IOException {
        Lab.requireUp();
        Lab.recreate(ALL);
        Path dir = Files.createTempDirectory("dcsprov-member-chaos-it");
        inventory = Lab.writeInventory(dir, BASE, "");
        pki = dir.resolve("pki/dcs");
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        writer = ChaosIT.Writer.start(pki, Cli.endpoints(BASE), "/member-chaos/");
        Lab.writeInventory(dir, ALL, "");
    }

    @AfterAll
    void printFigures() {
        // One line per operation, as ChaosIT prints them, for bench/chaos.sh.
        figures.print();
    }

    @Test
    @Order(1)
    void joinAndRemoveKilledAtEachStepBoundaryFinishWithTheSameCommand() throws Exception {
        join("member-join:join:add", false);
        remove("member-remove:remove:remove");
        join("member-join:join:start", false);
        remove("member-remove:remove:move-aside");
        // The learner is left stopped, as a crash would: the next apply starts it and promotes it, it does not refuse.
        join("member-join:join:promote", true);
    }

    @Test
    @Order(2)
    void replaceKilledBetweenRemovalAndJoinAndInsideTheJoinFinishesWithTheSameCommand() throws Exception {
        replace("member-replace:remove:move-aside");
        replace("member-replace:join:start");
        // The new member is a started learner with data: removing "the member of dcs-28" again would remove it.
        replace("member-replace:join:promote");
    }

    /**
     * SIGKILL at a random moment of a removal, a join and a replace, in turn ({@code chaos.randomKills} rounds; bench/chaos.sh
     * runs many), within about the time each takes here (remove ~4 s, join ~8 s, replace ~7 s; a run that ends first
     * must have succeeded): the same command finishes each. A removal moves the data dir aside exactly once; a killed start may
     * leave data that the re-run moves aside, so after a join or replace the moved-aside dirs only ever grow, each kept.
     */
    @Test
    @Order(3)
    void randomKillsOfRemoveJoinAndReplaceFinishWithTheSameCommand() throws Exception {
        for (int i = 0; i < randomKills; i++) {
            String[] remove = {"member", "remove", inventory.toString(), NEW};
            if (figures.killAtRandom("member-remove", 300 + random.nextInt(4000), remove)) {
                figures.rerunUntilDone("member-remove", remove);
            }
            assertRemovedAndMovedAsideOnce();
            if (figures.killAtRandom("member-join", 300 + random.nextInt(8000), "apply", inventory.toString())) {
                figures.rerunUntilDone("member-join", "apply", inventory.toString());
            }
            assertFourVoters();
            assertKeptMovedAsideDirs(movedAside);
            String oldId = memberIds().get(NEW);
            String[] replace = {"member", "replace", inventory.toString(), NEW};
            if (figures.killAtRandom("member-replace", 300 + random.nextInt(7000), replace)) {
                figures.rerunUntilDone("member-replace", replace);
            }
            assertFourVoters();
            assertNotEquals(oldId, memberIds().get(NEW), "a new member");
            assertKeptMovedAsideDirs(movedAside + 1);
        }
    }

    @Test
    @Order(4)
    void everyAcknowledgedWriteIsStored() throws Exception {
        writer.stopAndAssertEveryAcknowledgedWriteStored(new ClusterChecks(BASE, pki));
        Set<String> stored = new ClusterChecks(BASE, pki).keys("/before-kill/");
        assertEquals(new HashSet<>(markers), stored, "every key written before a kill");
    }

    // ---- one operation: kill, then the same command until it succeeds ------------------------------

    private void join(String point, boolean leaveLearnerStopped) throws IOException {
        kill("member-join", point, leaveLearnerStopped, "apply", inventory.toString());
        figures.rerunUntilDone("member-join", "apply", inventory.toString());
        assertFourVoters();
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertTrue(plan.out().contains("No changes"), () -> "the join is finished, nothing left to do:\n" + plan);
    }

    private void remove(String point) throws IOException {
        kill("member-remove", point, false, "member", "remove", inventory.toString(), NEW);
        figures.rerunUntilDone("member-remove", "member", "remove", inventory.toString(), NEW);
        assertRemovedAndMovedAsideOnce();
    }

    private void replace(String point) throws IOException {
        String oldId = memberIds().get(NEW);
        kill("member-replace", point, false, "member", "replace", inventory.toString(), NEW);
        figures.rerunUntilDone("member-replace", "member", "replace", inventory.toString(), NEW);
        assertFourVoters();
        assertNotEquals(oldId, memberIds().get(NEW), "a new member");
        movedAside++;
        assertMovedAsideDirs();
    }

    /** Writes a key, runs the command with a kill point (it must halt there, exit 137), checks what status says. */
    private void kill(String op, String point, boolean leaveStopped, String... args) {
        String marker = "/before-kill/" + point;
        Proc.Result put = Cli.etcdctl(pki, Cli.endpoints(BASE), "put", marker, "acknowledged before the kill");
        assertEquals(0, put.exit(), put::toString);
        markers.add(marker);
        Proc.Result r = Cli.dcsprov(Map.of("DCSPROV_KILL_AT", point), args);
        assertEquals(137, r.exit(), () -> "halted at " + point + ":\n" + r);
        assertTrue(r.err().contains("DCSPROV_KILL_AT: halting at " + point.replaceAll("#.*", "") + " on " + NEW), r::toString);
        figures.killed(op);
        // The member's own journal (read with ssh, not dcsprov) says what the run was about to do to it.
        assertTrue(Lab.sshOk(NEW, "cat /var/lib/dcsprov/journal").contains("state=started"), point);
        if (leaveStopped) {
            Lab.sshOk(NEW, "systemctl stop etcd");
        }
        Proc.Result status = Cli.dcsprov("status", inventory.toString());
        assertTrue(status.out().contains("INTERRUPTED: " + op + " ") && status.out().contains(NEW), status::toString);
        assertTrue(status.out().contains("finish it with: dcsprov " + String.join(" ", args)), status::toString);
    }


    // ---- independent checks: etcdctl and ssh ------------------------------------------------------

    private List<JsonNode> members(List<String> hosts) throws IOException {
        Proc.Result r = Cli.etcdctl(pki, Cli.endpoints(hosts), "member", "list", "-w", "json");
        assertEquals(0, r.exit(), r::toString);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.out()).path("members").forEach(out::add);
        return out;
    }

    private Map<String, String> memberIds() throws IOException {
        Map<String, String> ids = new TreeMap<>();
        members(BASE).forEach(m -> ids.put(m.path("name").asText(), m.path("ID").asText()));
        return ids;
    }

    private void assertFourVoters() throws IOException {
        List<JsonNode> members = members(ALL);
        assertEquals(4, members.size(), members::toString);
        for (JsonNode m : members) {
            assertFalse(m.path("isLearner").asBoolean(false), () -> "no learner left: " + m);
            assertFalse(m.path("name").asText().isEmpty(), () -> "no unstarted member left: " + m);
        }
        assertEquals(new HashSet<>(ALL), new HashSet<>(members.stream().map(m -> m.path("name").asText()).toList()));
        assertHealthyWithOneClusterId(ALL);
    }

    private void assertRemovedAndMovedAsideOnce() throws IOException {
        assertRemoved();
        movedAside++;
        assertMovedAsideDirs();
    }

    private void assertRemoved() throws IOException {
        List<JsonNode> members = members(BASE);
        assertEquals(new HashSet<>(BASE), new HashSet<>(members.stream().map(m -> m.path("name").asText()).toList()), members::toString);
        members.forEach(m -> assertFalse(m.path("isLearner").asBoolean(false), m::toString));
        assertHealthyWithOneClusterId(BASE);
        assertNotEquals(0, Lab.ssh(NEW, "systemctl is-active etcd").exit(), "etcd stopped on " + NEW);
        assertNotEquals(0, Lab.ssh(NEW, "test -e " + DATA).exit(), "data dir moved away on " + NEW);
    }

    /** Each removal moved the data dir aside exactly once, and every moved-aside dir still holds its member. */
    private void assertMovedAsideDirs() {
        assertEquals(movedAside, movedAsideDirs().size(), () -> movedAsideDirs().toString());
    }

    /** At least {@code atLeast} dirs moved aside, each a whole data dir; from now on that many are expected. */
    private void assertKeptMovedAsideDirs(int atLeast) {
        List<String> dirs = movedAsideDirs();
        assertTrue(dirs.size() >= atLeast, () -> "at least " + atLeast + " moved aside, never deleted: " + dirs);
        movedAside = dirs.size();
    }

    private List<String> movedAsideDirs() {
        List<String> dirs = Lab.sshOk(NEW, "ls -d " + DATA + ".removed-* 2>/dev/null || :").lines().filter(l -> !l.isBlank()).toList();
        for (String d : dirs) {
            assertEquals(0, Lab.ssh(NEW, "test -d " + d + "/member/wal && test -d " + d + "/member/snap").exit(), d + " kept, not deleted");
        }
        return dirs;
    }

    private void assertHealthyWithOneClusterId(List<String> hosts) throws IOException {
        Proc.Result h = Cli.etcdctl(pki, Cli.endpoints(hosts), "endpoint", "health", "-w", "json");
        assertEquals(0, h.exit(), h::toString);
        JSON.readTree(h.out()).forEach(e -> assertTrue(e.get("health").asBoolean(), e.toString()));
        Proc.Result s = Cli.etcdctl(pki, Cli.endpoints(hosts), "endpoint", "status", "-w", "json");
        assertEquals(0, s.exit(), s::toString);
        Set<String> ids = new HashSet<>();
        JSON.readTree(s.out()).forEach(e -> ids.add(e.path("Status").path("header").path("cluster_id").asText()));
        assertEquals(1, ids.size(), () -> "one cluster ID: " + s.out());
    }
}
