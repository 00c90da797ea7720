package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.maintain.Maintenance;
import dev.dcsprov.maintain.MaintenanceOptions;
import dev.dcsprov.maintain.MaintenancePlan;
import dev.dcsprov.maintain.MemberVerdict;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.journal.JournalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dcsprov maintain's sequence against a fake cluster: order, the NOSPACE repair, and its refusals. */
class MaintenanceTest {
    static final long MIB = 1024 * 1024;
    static final long QUOTA = 16 * MIB;
    final List<String> progress = new ArrayList<>();
    final Map<String, Long> free = new HashMap<>();

    /** Three members at the quota, most of it old revisions: what a full cluster looks like. */
    FakeEtcdCluster full(String leader) {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader(leader);
        fake.byName.values().forEach(n -> {
            n.dbSize = QUOTA + MIB;
            n.inUse = QUOTA;
            free.put(n.name, 10_000 * MIB);
        });
        fake.compactFrees = 14 * MIB;
        fake.clusterAlarms.add(new EtcdCluster.Alarm(fake.node("b").id, "NOSPACE"));
        return fake;
    }

    @TempDir
    Path pki;
    /** What the members' copies of the journal were told, in order, as "member: phase:step state". */
    final List<String> onMembers = new ArrayList<>();
    static final String COMMAND = "dcsprov maintain inventory.yml";

    Maintenance maintenance(FakeEtcdCluster fake) {
        return new Maintenance(fake, fake.members(), QUOTA, m -> free.get(m.name()), progress::add, fake);
    }

    /** A maintenance run with its journal in {@link #pki}, opened as the command opens it: what the last run left is read now. */
    Maintenance journaled(FakeEtcdCluster fake) {
        Journal journal = Journal.open(pki, Maintenance.OPERATION, COMMAND,
                (member, e) -> onMembers.add(member + ": " + e.phase() + ":" + e.step() + " " + e.state()));
        return new Maintenance(fake, fake.members(), QUOTA, m -> free.get(m.name()), progress::add, fake, journal);
    }

    /** A run that stops right after recording c's defragmentation, as a kill at maintain:defragment:defragment#2 does. */
    void runStoppedAtTheDefragmentationOfC(FakeEtcdCluster fake) {
        fake.failDefragOf.add("c");
        assertThrows(DcsprovException.class, () -> journaled(fake).run(MaintenanceOptions.defaults()));
        fake.failDefragOf.clear();
        JournalEntry last = Journal.readDir(pki, Maintenance.OPERATION).orElseThrow();
        assertEquals("maintain:defragment:defragment c started", last.label() + " " + last.member() + " " + last.state());
        assertEquals("c: defragment:defragment started", onMembers.get(onMembers.size() - 1));
    }

    /** The member answers nothing for a few ticks, as one does while it rewrites its database. */
    static void busyFor(FakeEtcdCluster fake, String member, int ticks) {
        fake.node(member).up = false;
        fake.node(member).downTicks = ticks;
    }

    List<String> steps(FakeEtcdCluster fake) {
        return fake.events.stream().filter(e -> e.startsWith("compact") || e.startsWith("defrag") || e.startsWith("move-leader")
                || e.startsWith("alarm") || e.startsWith("restart")).toList();
    }

    @Test
    void compactsThenDefragmentsFollowersFirstTheLeaderAfterItHandedOverThenDisarms() {
        FakeEtcdCluster fake = full("b");
        long revision = fake.committed;
        Maintenance.Result r = maintenance(fake).run(MaintenanceOptions.defaults());
        List<String> steps = steps(fake);
        assertEquals("compact " + revision, steps.get(0), steps::toString);
        assertEquals(List.of("defrag a", "defrag c", "move-leader b -> a", "defrag b", "alarm disarm [NOSPACE]"),
                steps.subList(1, steps.size()));
        assertTrue(r.disarmed());
        assertEquals(List.of(), r.leftToDo());
        assertEquals(List.of("a", "c", "b"), r.defragmented().stream().map(Maintenance.Defragmented::member).toList());
        r.after().forEach(s -> assertTrue(s.dbSize() < QUOTA, s.toString()));
        assertFalse(fake.events.stream().anyMatch(e -> e.startsWith("restart")), "defragmentation restarts nothing: " + fake.events);
    }

    @Test
    void etcd35ReportsAnAlarmedEndpointUnhealthyAndMaintenanceStillRepairsIt() {
        FakeEtcdCluster fake = full("a");
        fake.healthReportsAlarms = true;
        Maintenance.Result r = maintenance(fake).run(MaintenanceOptions.defaults());
        assertTrue(r.disarmed(), steps(fake)::toString);
        assertEquals(3, r.defragmented().size());
    }

    @Test
    void aMemberWithTooLittleFreeDiskIsRefusedWithTheFiguresTheOthersAreDoneAndTheAlarmStays() {
        FakeEtcdCluster fake = full("a");
        free.put("b", 10 * MIB);   // the database is 17 MiB: the copy would not fit
        Maintenance.Result r = maintenance(fake).run(MaintenanceOptions.defaults());
        assertEquals(List.of("c", "a"), r.defragmented().stream().map(Maintenance.Defragmented::member).toList());
        assertFalse(steps(fake).contains("defrag b"), steps(fake)::toString);
        assertFalse(r.disarmed(), "b is still above the quota: " + r);
        List<String> left = r.leftToDo();
        assertEquals(2, left.size(), left::toString);
        assertTrue(left.get(0).startsWith("b not defragmented: free disk 10.0 MiB < database 17.0 MiB + margin 64.0 MiB"), left::toString);
        assertEquals("alarm still active: b: NOSPACE", left.get(1));
        assertTrue(progress.stream().anyMatch(p -> p.startsWith("refusing b: free disk")), progress::toString);
    }

    @Test
    void membersWithoutEnoughReclaimableSpaceAreSkippedAndTheAlarmDisarmedOnceAllAreBelowQuota() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.byName.values().forEach(n -> free.put(n.name, 10_000 * MIB));
        fake.node("a").dbSize = 10 * MIB;
        fake.node("a").inUse = 2 * MIB;       // 80% reclaimable
        fake.node("b").dbSize = 10 * MIB;
        fake.node("b").inUse = 19 * MIB / 2;  // 5%
        fake.node("c").dbSize = 10 * MIB;
        fake.node("c").inUse = 8 * MIB;       // 20%
        Maintenance.Result r = maintenance(fake).run(new MaintenanceOptions(0, 30, 0));
        assertEquals(List.of("a"), r.defragmented().stream().map(Maintenance.Defragmented::member).toList());
        assertEquals(List.of("b", "c"), r.plan().named(MemberVerdict.Action.SKIP));
        assertTrue(steps(fake).contains("move-leader a -> b"), "the leader hands over even when it is the only one: " + steps(fake));
    }

    @Test
    void underNospaceEveryMemberIsDefragmentedEvenWhenEtcdsInUseFigureHasNotCaughtUpWithTheCompaction() {
        FakeEtcdCluster fake = full("c");
        fake.compactFrees = 0;   // etcd 3.4 shows the freed pages only after its next commit, and NOSPACE stops commits
        fake.byName.values().forEach(n -> n.inUse = n.dbSize - MIB / 2);
        Maintenance.Result r = maintenance(fake).run(MaintenanceOptions.defaults());
        assertEquals(List.of("a", "b", "c"), r.defragmented().stream().map(Maintenance.Defragmented::member).toList());
        assertTrue(r.plan().members().get(0).reason().startsWith("NOSPACE alarm active"), r.plan().toString());
    }

    @Test
    void onAnIdleClusterTwoBackendCommitsAfterTheCompactionLetTheVerdictsSeeWhatItFreed() {
        // What etcd 3.4.23 did in the lab: 13.8 of 15.0 MB still "in use" after the compaction, 0.3 MB after one lease.
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.byName.values().forEach(n -> {
            n.dbSize = 15 * MIB;
            n.inUse = 14 * MIB;   // 6.7% reclaimable before the compaction: below the default 10%
            free.put(n.name, 10_000 * MIB);
        });
        fake.compactFrees = 13 * MIB;
        Maintenance.Result r = maintenance(fake).run(MaintenanceOptions.defaults());
        List<String> steps = fake.events.stream().filter(e -> e.startsWith("compact") || e.startsWith("lease") || e.startsWith("defrag")).toList();
        assertEquals(List.of("compact " + (fake.compactedTo), "lease grant 1", "lease grant 1", "defrag b", "defrag c", "defrag a"), steps);
        assertEquals(List.of("a", "b", "c"), r.plan().named(MemberVerdict.Action.DEFRAGMENT), r.plan()::toString);
        r.after().forEach(s -> assertEquals(MIB, s.dbSize(), s.toString()));
    }

    @Test
    void underNospaceNoLeaseIsAskedForSinceEtcdRefusesIt() {
        FakeEtcdCluster fake = full("a");
        Maintenance.Result r = maintenance(fake).run(MaintenanceOptions.defaults());
        assertTrue(r.disarmed(), steps(fake)::toString);
        assertFalse(fake.events.contains("lease grant 1"), fake.events::toString);
    }

    @Test
    void keepsTheLastRevisionsAskedFor() {
        FakeEtcdCluster fake = full("a");
        long revision = fake.committed;
        maintenance(fake).run(new MaintenanceOptions(100, 10, MIB));
        assertEquals("compact " + (revision - 100), steps(fake).get(0));
    }

    @Test
    void aCorruptAlarmRefusesEverythingWithNothingChanged() {
        FakeEtcdCluster fake = full("a");
        fake.clusterAlarms.add(new EtcdCluster.Alarm(fake.node("c").id, "CORRUPT"));
        DcsprovException e = assertThrows(DcsprovException.class, () -> maintenance(fake).run(MaintenanceOptions.defaults()));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("c: CORRUPT"), e.summary());
        assertEquals(List.of(), steps(fake));
    }

    @Test
    void anUnhealthyClusterIsRefusedBeforeTheCompaction() {
        FakeEtcdCluster fake = full("a");
        fake.node("c").up = false;
        fake.neverBack.add("c");
        DcsprovException e = assertThrows(DcsprovException.class, () -> maintenance(fake).run(MaintenanceOptions.defaults()));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.detail().orElse("").contains("Nothing was changed"), e::toString);
        assertEquals(List.of(), steps(fake));
    }

    @Test
    void aDefragmentationThatFailsStopsTheRunSayingWhatIsDoneAndWhatIsLeft() {
        FakeEtcdCluster fake = full("a");
        fake.failDefragOf.add("c");
        DcsprovException e = assertThrows(DcsprovException.class, () -> maintenance(fake).run(MaintenanceOptions.defaults()));
        assertTrue(e.summary().startsWith("maintenance stopped at c"), e.summary());
        assertTrue(e.detail().orElse("").contains("Done: b. Still to do: a, c"), e::toString);
        assertFalse(steps(fake).stream().anyMatch(s -> s.startsWith("alarm disarm")), steps(fake)::toString);
    }

    @Test
    void thePlanShowsTheCompactionTargetVerdictsAndAlarmsAndChangesNothing() {
        FakeEtcdCluster fake = full("a");
        free.put("c", MIB);
        MaintenancePlan plan = maintenance(fake).plan(MaintenanceOptions.defaults());
        assertEquals(fake.committed, plan.compactTo());
        assertEquals(List.of("c"), plan.named(MemberVerdict.Action.REFUSED));
        assertEquals(List.of("b: NOSPACE"), plan.alarms());
        assertEquals(List.of(), steps(fake));
        assertEquals(new EtcdId(0x101), fake.node("b").id);
    }

    // ---- the journal, and a re-run after a kill ----

    @Test
    void eachDefragmentationIsRecordedOnItsMemberBeforeItStartsAndDoneAfterAndTheRunEndsFinished() {
        FakeEtcdCluster fake = full("a");
        journaled(fake).run(MaintenanceOptions.defaults());
        assertEquals(List.of("b: defragment:defragment started", "b: defragment:done done", "c: defragment:defragment started",
                "c: defragment:done done", "a: defragment:defragment started", "a: defragment:done done"), onMembers);
        JournalEntry last = Journal.readDir(pki, Maintenance.OPERATION).orElseThrow();
        assertFalse(last.interrupted(), last::toString);
        assertEquals(COMMAND, last.resume());
    }

    @Test
    void aMemberLeftMidDefragmentationThatDoesNotAnswerIsWaitedForThenDefragmentedFirstWhileTheOthersKeepQuorum() {
        FakeEtcdCluster fake = full("a");
        runStoppedAtTheDefragmentationOfC(fake);
        busyFor(fake, "c", 5);
        // Without the journal the same cluster is unhealthy, and refused with nothing changed.
        List<String> before = List.copyOf(steps(fake));
        DcsprovException plain = assertThrows(DcsprovException.class, () -> maintenance(fake).run(MaintenanceOptions.defaults()));
        assertTrue(plain.summary().contains("not healthy"), plain::toString);
        assertEquals(before, steps(fake));

        Maintenance.Result r = journaled(fake).run(MaintenanceOptions.defaults());
        List<String> again = steps(fake).subList(before.size(), steps(fake).size());
        assertTrue(again.get(0).startsWith("compact "), again::toString);
        assertEquals("defrag c", again.get(1), "the interrupted member first: " + again);
        assertTrue(again.contains("alarm disarm [NOSPACE]"), again::toString);
        assertTrue(r.disarmed());
        assertTrue(progress.stream().anyMatch(p -> p.startsWith("c does not answer: the interrupted run was defragmenting it")), progress::toString);
        assertFalse(Journal.readDir(pki, Maintenance.OPERATION).orElseThrow().interrupted());
    }

    @Test
    void aMemberLeftMidDefragmentationThatNeverAnswersAgainIsRefusedNamingItWithNothingChanged() {
        FakeEtcdCluster fake = full("a");
        runStoppedAtTheDefragmentationOfC(fake);
        fake.stop("c");
        fake.neverBack.add("c");
        List<String> before = List.copyOf(steps(fake));
        DcsprovException e = assertThrows(DcsprovException.class, () -> journaled(fake).run(MaintenanceOptions.defaults()));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("c, which the interrupted run was defragmenting, does not answer"), e::toString);
        assertTrue(e.fix().orElse("").contains(COMMAND), e::toString);
        assertEquals(before, steps(fake));
        assertTrue(Journal.readDir(pki, Maintenance.OPERATION).orElseThrow().inStep(), "the record of c is kept for the next run");
    }

    @Test
    void aMemberLeftMidDefragmentationIsNotWaitedForWhenTheOthersWouldNotKeepQuorum() {
        FakeEtcdCluster fake = full("a");
        runStoppedAtTheDefragmentationOfC(fake);
        busyFor(fake, "c", 5);
        fake.stop("b");
        fake.neverBack.add("b");
        List<String> before = List.copyOf(steps(fake));
        assertThrows(ResumeGate.Refusal.class, () -> journaled(fake).run(MaintenanceOptions.defaults()));
        assertEquals(before, steps(fake));
    }

    @Test
    void aMemberLeftMidDefragmentationAndNowShortOfDiskIsNotTakenFirstTheOthersAreDone() {
        FakeEtcdCluster fake = full("a");
        runStoppedAtTheDefragmentationOfC(fake);
        free.put("c", MIB);
        Maintenance.Result r = journaled(fake).run(MaintenanceOptions.defaults());
        assertEquals(List.of("b", "a"), r.defragmented().stream().map(Maintenance.Defragmented::member).toList());
        assertTrue(r.leftToDo().get(0).startsWith("c not defragmented: free disk"), r.leftToDo()::toString);
    }

    @Test
    void aRunKilledWhileDisarmingIsFinishedByDisarmingWithoutCompactingOrDefragmentingAgain() {
        FakeEtcdCluster fake = full("a");
        fake.byName.values().forEach(n -> {   // every member defragmented, the alarm still raised
            n.dbSize = MIB;
            n.inUse = MIB;
        });
        Journal.open(pki, Maintenance.OPERATION, COMMAND, Journal.MemberJournals.NONE).mark("disarm", "disarm");
        Maintenance.Result r = journaled(fake).run(MaintenanceOptions.defaults());
        assertEquals(List.of("alarm disarm [NOSPACE]"), steps(fake));
        assertTrue(r.disarmed());
        assertEquals(List.of(), r.leftToDo());
        assertFalse(Journal.readDir(pki, Maintenance.OPERATION).orElseThrow().interrupted());
    }

    @Test
    void aRunKilledWhileDisarmingOnAClusterStillFullDisarmsNothing() {
        FakeEtcdCluster fake = full("a");   // someone restored a full database meanwhile: the alarm's condition holds
        Journal.open(pki, Maintenance.OPERATION, COMMAND, Journal.MemberJournals.NONE).mark("disarm", "disarm");
        Maintenance.Result r = journaled(fake).run(MaintenanceOptions.defaults());
        assertFalse(r.disarmed());
        assertEquals(List.of(), steps(fake));
        assertEquals(List.of("alarm still active: b: NOSPACE"), r.leftToDo());
    }
}
