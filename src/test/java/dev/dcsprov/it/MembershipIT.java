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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership changes on lab hosts dcs-20..24 while a client keeps writing: grow 3 -> 4 (learner,
 * then voter), shrink 4 -> 3, replace a member whose data dir was wiped, finish a join that was
 * interrupted after member add, and remove a member the inventory dropped. Checked with Debian's
 * etcdctl from this machine; at the end every acknowledged write must be readable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BASE = List.of("dcs-20", "dcs-21", "dcs-22");
    private static final List<String> ALL = List.of("dcs-20", "dcs-21", "dcs-22", "dcs-23", "dcs-24");
    private Path dir;
    private Path inventory;
    private Path pki;
    private Workload workload;

    @BeforeAll
    void freshHostsAndACluster() throws IOException {
        Lab.requireUp();
        Lab.recreate(ALL);
        dir = Files.createTempDirectory("dcsprov-membership-it");
        inventory = Lab.writeInventory(dir, BASE, "");
        pki = dir.resolve("pki/dcs");
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        workload = Workload.start(Workload.clientMaterial(pki), Cli.endpoints(BASE), "/writer/");
    }

    @AfterAll
    void stopWorkload() throws InterruptedException {
        if (workload != null) {
            workload.stop();
        }
    }

    @Test
    @Order(1)
    void planShowsTheJoinAndApplyAddsALearnerThenPromotesIt() throws Exception {
        Lab.writeInventory(dir, List.of("dcs-20", "dcs-21", "dcs-22", "dcs-23"), "");
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        assertTrue(plan.out().contains("dcs-23: + member dcs-23 (join: member add --learner https://192.168.56.33:2380"), plan::toString);
        assertEquals(3, members().size(), "plan changes nothing");

        Map<String, String> certs = digests(BASE, "/etc/dcs/cert/server.crt");
        Map<String, String> pids = pids(BASE);
        long acked = workload.acknowledged();
        MemberWatch watch = new MemberWatch(pki, Cli.endpoints(BASE), "https://192.168.56.33:2380");
        watch.start();
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        watch.stopAndJoin();
        assertEquals(0, r.exit(), r::toString);

        JsonNode m = member("dcs-23");
        assertFalse(m.path("isLearner").asBoolean(false), "dcs-23 ends a voter: " + m);
        assertTrue(watch.seen.contains("learner"), "dcs-23 was a learner before it was a voter; seen: " + watch.seen);
        assertEquals("voter", watch.last, "seen: " + watch.seen);
        assertEquals(4, members().size());
        assertHealthy(List.of("dcs-20", "dcs-21", "dcs-22", "dcs-23"));
        assertEquals(certs, digests(BASE, "/etc/dcs/cert/server.crt"), "no other member's certificate changes");
        assertEquals(pids, pids(BASE), "the old members are not restarted");
        assertEquals("existing", Lab.sshOk("dcs-23", ". /etc/default/etcd && echo $ETCD_INITIAL_CLUSTER_STATE").strip());
        for (String h : List.of("dcs-20", "dcs-21", "dcs-22", "dcs-23")) {
            assertTrue(Lab.sshOk(h, ". /etc/default/etcd && echo $ETCD_INITIAL_CLUSTER").contains("dcs-23=https://192.168.56.33:2380"), h);
        }
        assertTrue(workload.acknowledged() > acked, "writes went on during the join");
        Proc.Result again = Cli.dcsprov("plan", inventory.toString());
        assertTrue(again.out().contains("No changes"), again::toString);
    }

    @Test
    @Order(2)
    void memberRemoveShrinksToThreeStopsEtcdAndMovesTheDataAside() throws Exception {
        List<String> four = List.of("dcs-20", "dcs-21", "dcs-22", "dcs-23");
        List<String> ids = memberIds();
        Map<String, String> pids = pids(four);
        Proc.Result check = Cli.dcsprov("member", "remove", "--check", inventory.toString(), "dcs-23");
        assertEquals(0, check.exit(), check::toString);
        assertTrue(check.out().contains("Plan for member remove on cluster 'dcs' (4 members)"), check::toString);
        assertTrue(check.out().contains("dcs-23: - member dcs-23 ("), check::toString);
        assertTrue(check.out().contains("dcs-23: ! service systemctl disable --now etcd"), check::toString);
        assertTrue(check.out().contains("dcs-23: ~ datadir /var/lib/etcd/dcs -> /var/lib/etcd/dcs.removed-<UTC time>"), check::toString);
        assertTrue(check.out().contains("--check: nothing was changed"), check::toString);
        Proc.Result checkJson = Cli.dcsprov("member", "remove", "--check", "-o", "json", inventory.toString(), "dcs-23");
        assertEquals(0, checkJson.exit(), checkJson::toString);
        JsonNode planned = JSON.readTree(checkJson.out()).path("plan");
        assertEquals("member remove", planned.path("operation").asText(), checkJson::toString);
        assertEquals("delete", planned.path("steps").get(0).path("action").asText(), checkJson::toString);
        assertEquals(ids, memberIds(), "--check removes no member");
        assertEquals(pids, pids(four), "--check stops or restarts no etcd");
        assertEquals(0, Lab.ssh("dcs-23", "test -d /var/lib/etcd/dcs/member").exit(), "--check leaves the data dir in place");
        assertNotEquals(0, Lab.ssh("dcs-23", "ls -d /var/lib/etcd/dcs.removed-*").exit(), "and moves nothing aside");

        long acked = workload.acknowledged();
        Proc.Result r = Cli.dcsprov("member", "remove", inventory.toString(), "dcs-23");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Plan for member remove"), "the run shows its plan first: " + r);
        assertEquals(3, members().size());
        assertTrue(members().stream().noneMatch(m -> m.path("name").asText().equals("dcs-23")));
        assertHealthy(BASE);
        assertNotEquals(0, Lab.ssh("dcs-23", "systemctl is-active etcd").exit(), "etcd stopped on dcs-23");
        assertNotEquals(0, Lab.ssh("dcs-23", "test -e /var/lib/etcd/dcs").exit(), "data dir moved away");
        assertEquals(0, Lab.ssh("dcs-23", "ls -d /var/lib/etcd/dcs.removed-*/member").exit(), "and kept, not deleted");
        assertTrue(workload.acknowledged() > acked, "writes went on during the removal");

        // Still in the inventory, dcs-23 would join again: plan says so instead of pretending nothing changed.
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertTrue(plan.out().contains("+ member dcs-23"), plan::toString);
        Lab.writeInventory(dir, BASE, "");
        Proc.Result converge = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, converge.exit(), converge::toString);
    }

    @Test
    @Order(3)
    void aMemberWhoseDataDirWasWipedIsRefusedThenReplaced() throws Exception {
        String oldId = member("dcs-22").path("ID").asText();
        Lab.sshOk("dcs-22", "systemctl stop etcd && rm -rf /var/lib/etcd/dcs");
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertEquals(6, plan.exit(), plan::toString);
        assertTrue(plan.err().contains("dcsprov member replace " + inventory + " dcs-22"), plan::toString);

        List<String> ids = memberIds();
        Map<String, String> pids = pids(List.of("dcs-20", "dcs-21"));
        Proc.Result check = Cli.dcsprov("member", "replace", "--check", inventory.toString(), "dcs-22");
        assertEquals(0, check.exit(), check::toString);
        assertTrue(check.out().contains("Plan for member replace"), check::toString);
        assertTrue(check.out().contains("dcs-22: - member dcs-22 ("), check::toString);
        assertTrue(check.out().contains("dcs-22: + member dcs-22 (member add --learner https://192.168.56.32:2380"), check::toString);
        assertTrue(check.out().contains("dcs-22: ~ member dcs-22 (promote to voter"), check::toString);
        assertTrue(check.out().contains("--check: nothing was changed"), check::toString);
        assertEquals(ids, memberIds(), "--check removes and adds no member");
        assertEquals(pids, pids(List.of("dcs-20", "dcs-21")), "--check restarts no etcd");
        assertNotEquals(0, Lab.ssh("dcs-22", "systemctl is-active etcd").exit(), "--check starts nothing on dcs-22");

        long acked = workload.acknowledged();
        Proc.Result r = Cli.dcsprov("member", "replace", inventory.toString(), "dcs-22");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Plan for member replace"), "the run shows its plan first: " + r);
        JsonNode m = member("dcs-22");
        assertNotEquals(oldId, m.path("ID").asText(), "a new member");
        assertFalse(m.path("isLearner").asBoolean(false), m.toString());
        assertEquals(3, members().size());
        assertHealthy(BASE);
        assertTrue(workload.acknowledged() > acked, "writes went on during the replacement");
    }

    @Test
    @Order(4)
    void aJoinInterruptedAfterMemberAddIsFinishedByApplyReusingTheMember() throws Exception {
        // As an operator (or a killed run) would: member add, then nothing. etcd refuses adds until
        // every member has been connected for 5 s, so right after the replacement it is retried.
        Proc.Result add = null;
        for (int i = 0; i < 30 && (add == null || add.exit() != 0); i++) {
            if (add != null) {
                Thread.sleep(1000);
            }
            add = Cli.etcdctl(pki, Cli.endpoints(BASE), "member", "add", "dcs-24",
                    "--peer-urls=https://192.168.56.34:2380", "--learner", "-w", "json");
        }
        Proc.Result added = add;
        assertEquals(0, added.exit(), added::toString);
        String addedId = JSON.readTree(added.out()).path("member").path("ID").asText();

        Lab.writeInventory(dir, List.of("dcs-20", "dcs-21", "dcs-22", "dcs-24"), "");
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        assertTrue(plan.out().contains("reuse the unstarted member"), plan::toString);

        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(4, members().size(), "not added twice");
        JsonNode m = member("dcs-24");
        assertEquals(addedId, m.path("ID").asText(), "the member added before the interruption is the one that joined");
        assertFalse(m.path("isLearner").asBoolean(false), m.toString());
        assertHealthy(List.of("dcs-20", "dcs-21", "dcs-22", "dcs-24"));
    }

    @Test
    @Order(5)
    void aMemberDroppedFromTheInventoryIsRemovedOnlyWhenAsked() throws Exception {
        Lab.writeInventory(dir, BASE, "");
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        assertTrue(plan.out().contains("member dcs-24") && plan.out().contains("--remove-absent-members"), plan::toString);
        Proc.Result refused = Cli.dcsprov("apply", inventory.toString());
        assertEquals(6, refused.exit(), refused::toString);
        assertEquals(4, members().size(), "nothing removed without the option");

        Proc.Result r = Cli.dcsprov("apply", "--remove-absent-members", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(3, members().size());
        assertHealthy(BASE);
    }

    @Test
    @Order(6)
    void everyAcknowledgedWriteIsReadableAndWritesNeverStalled() throws Exception {
        Workload.Figures f = workload.stop();
        System.out.println("membership changes under load: " + f);
        Proc.Result list = Cli.dcsprov("member", "list", inventory.toString());
        assertEquals(0, list.exit(), list::toString);
        for (String h : BASE) {
            assertTrue(list.out().contains(h), list::toString);
        }
        Proc.Result keys = Cli.etcdctl(pki, Cli.endpoints(BASE), "get", "/writer/", "--prefix", "--keys-only");
        assertEquals(0, keys.exit(), keys::toString);
        Set<String> stored = new HashSet<>(keys.out().lines().filter(l -> !l.isBlank()).toList());
        assertTrue(f.acknowledged().size() > 50, "the client wrote: " + f);
        f.assertStoredExactly(stored);
        // Quorum never lost: writes were acknowledged all along, never a gap as long as an election timeout burst.
        assertTrue(f.longestGapMs() < 15_000, "longest time without an acknowledged write: " + f);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private List<JsonNode> members() throws IOException {
        Proc.Result r = Cli.etcdctl(pki, Cli.endpoints(BASE), "member", "list", "-w", "json");
        assertEquals(0, r.exit(), r::toString);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.out()).path("members").forEach(out::add);
        return out;
    }

    private List<String> memberIds() throws IOException {
        return members().stream().map(m -> m.path("ID").asText() + "=" + m.path("name").asText() + "/" + m.path("isLearner").asBoolean(false))
                .sorted().toList();
    }

    private JsonNode member(String name) throws IOException {
        return members().stream().filter(m -> m.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + name));
    }

    private void assertHealthy(List<String> hosts) throws IOException {
        Proc.Result h = Cli.etcdctl(pki, Cli.endpoints(hosts), "endpoint", "health", "-w", "json");
        assertEquals(0, h.exit(), h::toString);
        JSON.readTree(h.out()).forEach(e -> assertTrue(e.get("health").asBoolean(), e.toString()));
    }

    private static Map<String, String> digests(List<String> hosts, String file) {
        Map<String, String> d = new HashMap<>();
        hosts.forEach(h -> d.put(h, Lab.sshOk(h, "sha256sum " + file).strip()));
        return d;
    }

    private static Map<String, String> pids(List<String> hosts) {
        Map<String, String> d = new HashMap<>();
        hosts.forEach(h -> d.put(h, Lab.sshOk(h, "systemctl show -p MainPID --value etcd").strip()));
        return d;
    }

    /** Polls the member list while apply runs and records the roles a member with this peer URL had, in order. */
    static final class MemberWatch extends Thread {
        final List<String> seen = new ArrayList<>();
        volatile String last = "";
        private final Path pki;
        private final List<String> endpoints;
        private final String peerUrl;
        private final AtomicBoolean stop = new AtomicBoolean();

        MemberWatch(Path pki, List<String> endpoints, String peerUrl) {
            super("membership-it-watch");
            setDaemon(true);
            this.pki = pki;
            this.endpoints = endpoints;
            this.peerUrl = peerUrl;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                Proc.Result r = Cli.etcdctl(pki, endpoints, "member", "list", "-w", "json");
                if (r.exit() == 0) {
                    try {
                        for (JsonNode m : JSON.readTree(r.out()).path("members")) {
                            if (m.path("peerURLs").toString().contains(peerUrl)) {
                                String role = m.path("isLearner").asBoolean(false) ? "learner" : "voter";
                                synchronized (seen) {
                                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(role)) {
                                        seen.add(role);
                                    }
                                }
                                last = role;
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            join(30_000);
        }
    }
}
