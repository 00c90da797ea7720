package dev.dcsprov.membership;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.journal.JournalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.membership.MembershipPlannerTest.facts;
import static dev.dcsprov.membership.MembershipPlannerTest.fresh;
import static dev.dcsprov.membership.MembershipPlannerTest.inventory;
import static dev.dcsprov.membership.MembershipPlannerTest.list;
import static dev.dcsprov.membership.MembershipPlannerTest.member;
import static dev.dcsprov.membership.MembershipPlannerTest.started;
import static dev.dcsprov.membership.MembershipPlannerTest.unstarted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a re-run of a membership command decides from the journal an interrupted one left: recorded
 * through the real {@link Journal} (as the killed run wrote it), decided against member lists and facts.
 */
class MembershipResumeTest {
    @TempDir
    Path pki;

    private Optional<JournalEntry> interruptedAfter(String operation, String... steps) {
        Journal killed = Journal.open(pki, operation, "dcsprov x inv.yml", Journal.MemberJournals.NONE);
        for (String s : steps) {
            String[] p = s.split(":");
            if (p[2].equals("done")) {
                killed.done(p[0], p[1], p[3]);
            } else {
                killed.begin(p[0], p[1], p[2]);
            }
        }
        return Journal.open(pki, operation, "dcsprov x inv.yml", Journal.MemberJournals.NONE).interrupted();
    }

    @Test
    void aJoinKilledAfterRecordingAStepNamesItsHost() {
        assertEquals(Optional.of("dcs-23"), MembershipResume.interruptedJoin(interruptedAfter("member-join", "join:dcs-23:add")));
        assertEquals(Optional.of("dcs-23"), MembershipResume.interruptedJoin(interruptedAfter("member-join", "join:dcs-23:start")));
        assertEquals(Optional.empty(), MembershipResume.interruptedJoin(
                interruptedAfter("member-join", "join:dcs-23:start", "join:dcs-23:done:done")), "a finished join leaves nothing to finish");
        assertEquals(Optional.empty(), MembershipResume.interruptedJoin(interruptedAfter("member-join", "remove:dcs-24:remove")),
                "a removal is not a join");
    }

    @Test
    void dataAnInterruptedStartLeftNextToItsUnstartedMemberIsMovedAsideNotRefused() {
        var inv = inventory(0, 1, 2, 3);
        // dcs-23: etcd started by the killed run wrote data, but the member never published itself (still unstarted).
        var withData = facts(inv, member(), member(), member(), MembershipPlannerTest.facts(true, false, MembershipPlannerTest.CLUSTER));
        var members = list(started(0, false), started(1, false), started(2, false), unstarted(3, 0xabc));
        MembershipPlanner planner = new MembershipPlanner(inv, dev.dcsprov.render.RemotePaths.of(MembershipPlannerTest.SETTINGS));

        MembershipPlan p = planner.plan(withData, Optional.of(members), false,
                MembershipResume.interruptedJoin(interruptedAfter("member-join", "join:dcs-23:start")));
        assertEquals(1, p.joiners().size());
        assertTrue(p.joiners().get(0).moveAsideFirst());
        assertEquals("abc", p.joiners().get(0).reuse().orElseThrow().idHex(), "the member the killed run added is reused, not added twice");
        assertTrue(p.changes().get(0).reason().contains("move aside (keep) the data dir"), p.changes().toString());

        // Without the journal's word (or with it about another host) the data is not known to be ours: refused as before.
        DcsprovException e = assertThrows(DcsprovException.class, () -> planner.plan(withData, Optional.of(members), false, Optional.empty()));
        assertTrue(e.fix().orElse("").contains("member replace"), e.toString());
        assertThrows(DcsprovException.class, () -> planner.plan(withData, Optional.of(members), false, Optional.of("dcs-22")));
    }

    @Test
    void aJoinKilledBeforeStartReusesTheAddedMemberWithoutMovingAnything() {
        var inv = inventory(0, 1, 2, 3);
        MembershipPlan p = new MembershipPlanner(inv, dev.dcsprov.render.RemotePaths.of(MembershipPlannerTest.SETTINGS)).plan(
                facts(inv, member(), member(), member(), fresh()),
                Optional.of(list(started(0, false), started(1, false), started(2, false), unstarted(3, 0xabc))), false,
                Optional.of("dcs-23"));
        assertFalse(p.joiners().get(0).moveAsideFirst(), "no data, nothing to move");
        assertTrue(p.joiners().get(0).reuse().isPresent());
    }

    @Test
    void aReplaceThatReachedItsJoinDoesNotRemoveTheNewMember() {
        assertTrue(MembershipResume.removalDone(interruptedAfter("member-replace", "remove:dcs-22:remove", "remove:dcs-22:move-aside",
                "remove:dcs-22:done:removed"), "dcs-22"), "killed between the removal and the join");
        assertTrue(MembershipResume.removalDone(interruptedAfter("member-replace", "join:dcs-22:add"), "dcs-22"));
        assertTrue(MembershipResume.removalDone(interruptedAfter("member-replace", "join:dcs-22:promote"), "dcs-22"));
    }

    @Test
    void aReplaceKilledInsideItsRemovalRemovesAgainWhichSkipsWhatIsDone() {
        assertFalse(MembershipResume.removalDone(interruptedAfter("member-replace", "remove:dcs-22:remove"), "dcs-22"));
        assertFalse(MembershipResume.removalDone(interruptedAfter("member-replace", "remove:dcs-22:move-aside"), "dcs-22"),
                "the data dir may still be in place");
        // The host was down: the member is out but its data dir was not moved aside, so "removed" is not recorded.
        Journal j = Journal.open(pki, "member-replace", "r", Journal.MemberJournals.NONE);
        j.doneLocally("remove", "dcs-22", "remove");
        assertFalse(MembershipResume.removalDone(Journal.open(pki, "member-replace", "r", Journal.MemberJournals.NONE).interrupted(), "dcs-22"));
    }

    @Test
    void anotherHostsOrAnotherOperationsRecordDecidesNothing() {
        assertFalse(MembershipResume.removalDone(interruptedAfter("member-replace", "join:dcs-21:add"), "dcs-22"));
        assertFalse(MembershipResume.removalDone(interruptedAfter("member-join", "join:dcs-22:add"), "dcs-22"),
                "apply's join of that host is not this replace's");
        assertFalse(MembershipResume.removalDone(Optional.empty(), "dcs-22"));
    }

    @Test
    void aStepOnAHostThatCannotTakeItsCopyIsRecordedLocallyStillNamingTheMember() {
        List<String> remote = new ArrayList<>();
        Journal j = Journal.open(pki, "member-remove", "dcsprov member remove inv.yml dcs-24", (m, e) -> remote.add(m));
        j.beginLocally("remove", "dcs-24", "remove");
        JournalEntry e = Journal.readDir(pki, "member-remove").orElseThrow();
        assertEquals("dcs-24", e.member());
        assertTrue(e.inStep());
        assertEquals(List.of(), remote);
        assertTrue(e.describe().contains("removing dcs-24 from etcd"), e.describe());
        j.begin("remove", "dcs-24", "move-aside");
        assertEquals(List.of("dcs-24"), remote);
        assertTrue(j.wroteThisRun());
    }
}
