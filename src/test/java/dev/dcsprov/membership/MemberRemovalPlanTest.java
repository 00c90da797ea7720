package dev.dcsprov.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.FakeEtcdCluster;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.journal.JournalEntry;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.plan.OperationPlanText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** member remove's plan, made against a fake cluster through the EtcdCluster seam: steps, order, reasons, refusals. */
class MemberRemovalPlanTest {
    static final List<String> ALL = List.of("https://a:2379", "https://b:2379", "https://c:2379");

    static MemberRemoval removal(FakeEtcdCluster etcd) {
        return new MemberRemoval(etcd, etcd, ALL, Reporter.SILENT, Journal.none());
    }

    static List<String> lines(List<Change> steps) {
        return steps.stream().map(c -> c.host() + " " + c.step() + " " + c.action().label() + " " + c.subject()).toList();
    }

    @Test
    void aFollowerIsRemovedThenItsEtcdStoppedAndItsDataMovedAsideWithoutALeaderMove() {
        FakeEtcdCluster etcd = new FakeEtcdCluster("a", "b", "c").leader("a");
        List<String> notes = new ArrayList<>();
        List<Change> steps = removal(etcd).plan("c", Optional.of("c"), Optional.empty(), "/var/lib/etcd", notes);
        assertEquals(List.of("c member delete c (102)", "c service run systemctl disable --now etcd",
                "c datadir update /var/lib/etcd -> /var/lib/etcd.removed-<UTC time>"), lines(steps));
        assertTrue(steps.get(0).reason().contains("2 of the 2 voters that stay are healthy, 2 are needed"), steps.get(0).reason());
        assertTrue(steps.get(2).reason().contains("never deleted"), steps.get(2).reason());
        assertTrue(notes.isEmpty(), notes.toString());
        assertEquals(List.of(), etcd.events, "planning changes nothing");
    }

    @Test
    void aLeaderHandsOverFirstAndTheRunDoesItInThePlannedOrder() {
        FakeEtcdCluster etcd = new FakeEtcdCluster("a", "b", "c").leader("a");
        List<Change> steps = removal(etcd).plan("a", Optional.empty(), Optional.of("a"), "/var/lib/etcd", new ArrayList<>());
        assertEquals(List.of("a leader run move leadership to b", "a member delete a (100)"), lines(steps));
        assertTrue(steps.get(0).reason().contains("a leads"), steps.get(0).reason());
        assertEquals(List.of(), etcd.events);

        removal(etcd).remove("a", Optional.empty(), "/var/lib/etcd");
        assertEquals(List.of("move-leader a -> b", "member remove a"), etcd.events);
    }

    @Test
    void anUnreachableHostIsANoteNotAStep() {
        FakeEtcdCluster etcd = new FakeEtcdCluster("a", "b", "c").leader("a");
        List<String> notes = new ArrayList<>();
        List<Change> steps = removal(etcd).plan("b", Optional.empty(), Optional.of("b"), "/var/lib/etcd", notes);
        assertEquals(List.of("b member delete b (101)"), lines(steps));
        assertTrue(notes.get(0).startsWith("b is unreachable: etcd there will not be stopped"), notes.toString());
    }

    @Test
    void aMemberAlreadyGoneIsNotRemovedAgainButItsHostIsStillCleanedUp() {
        FakeEtcdCluster etcd = new FakeEtcdCluster("a", "b", "c").leader("a");
        List<String> notes = new ArrayList<>();
        List<Change> steps = removal(etcd).plan("d", Optional.of("d"), Optional.empty(), "/var/lib/etcd", notes);
        assertEquals(List.of("d service run systemctl disable --now etcd",
                "d datadir update /var/lib/etcd -> /var/lib/etcd.removed-<UTC time>"), lines(steps));
        assertTrue(notes.get(0).contains("already removed"), notes.toString());
    }

    @Test
    void theSameRefusalsAsTheRemovalComeBeforeAnyChange() {
        FakeEtcdCluster etcd = new FakeEtcdCluster("a", "b", "c").leader("a");
        etcd.stop("b");
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> removal(etcd).plan("c", Optional.of("c"), Optional.empty(), "/var/lib/etcd", new ArrayList<>()));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.getMessage().contains("no healthy majority"), e.getMessage());
        assertTrue(etcd.events.stream().noneMatch(x -> x.startsWith("member remove") || x.startsWith("move-leader")), etcd.events.toString());

        FakeEtcdCluster one = new FakeEtcdCluster("a").leader("a");
        DcsprovException last = assertThrows(DcsprovException.class,
                () -> new MemberRemoval(one, one, List.of("https://a:2379"), Reporter.SILENT, Journal.none())
                        .plan("a", Optional.empty(), Optional.empty(), "/var/lib/etcd", new ArrayList<>()));
        assertTrue(last.getMessage().contains("last voting member"), last.getMessage());
    }

    @Test
    void aReplacePlanIsTheRemovalThenTheJoinShownAsTextAndJsonWithoutCommands() throws Exception {
        FakeEtcdCluster etcd = new FakeEtcdCluster("a", "b", "c").leader("a");
        List<Change> steps = new ArrayList<>(removal(etcd).plan("c", Optional.of("c"), Optional.empty(), "/var/lib/etcd", new ArrayList<>()));
        steps.addAll(MemberJoin.planned(MembershipPlannerTest.host(2), MembershipPlannerTest.SETTINGS));
        OperationPlan plan = new OperationPlan("member replace", "dcs", List.of("a", "b", "c"), steps,
                List.of(MembershipResume.note(Optional.of(new JournalEntry("member-replace", "join", "c", "start", "started", "", "", 1))).orElseThrow()));
        assertEquals(List.of("member delete", "service run", "datadir update", "apply run", "member create", "service start", "member update"),
                plan.steps().stream().map(c -> c.step() + " " + c.action().label()).toList());
        String text = OperationPlanText.render(plan);
        assertTrue(text.contains("Plan for member replace on cluster 'dcs' (3 members)"), text);
        assertTrue(text.contains("note: an interrupted member-replace stopped inside step join/start of c"), text);
        assertTrue(text.contains("dcs-22: + member dcs-22 (member add --learner https://192.168.56.32:2380"), text);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(java.util.Map.of("plan", plan)));
        assertEquals("member replace", json.path("plan").path("operation").asText());
        assertEquals("delete", json.path("plan").path("steps").get(0).path("action").asText());
        assertEquals("c", json.path("plan").path("steps").get(0).path("host").asText());
        assertFalse(json.toString().contains("commands"), json.toString());
    }
}
