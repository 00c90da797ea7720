package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The choreography against a fake cluster: order, leader moves, catch-up, refusals, stops and resumption. */
class RollingRestartTest {
    static final RollingRestart.Labels LABELS = new RollingRestart.Labels("the test", "run it again", "its new files");
    final List<String> progress = new ArrayList<>();

    RollingRestart rolling(FakeEtcdCluster fake) {
        return new RollingRestart(fake, fake.members(), fake, progress::add, fake);
    }

    List<String> restarts(FakeEtcdCluster fake) {
        return fake.events.stream().filter(e -> e.startsWith("restart ") || e.startsWith("move-leader ")).toList();
    }

    @Test
    void followersFirstInInventoryOrderThenTheLeaderAfterLeadershipMovedToAMemberAlreadyDone() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("b");
        List<String> order = rolling(fake).run(List.of("a", "b", "c"), RollingRestart.Hooks.none(), LABELS);
        assertEquals(List.of("a", "c", "b"), order);
        assertEquals(List.of("restart a", "restart c", "move-leader b -> a", "restart b"), restarts(fake));
        assertFalse(fake.events.stream().anyMatch(e -> e.contains("while leading")), fake.events::toString);
        assertFalse(fake.events.stream().anyMatch(e -> e.startsWith("elected")), "no election: " + fake.events);
    }

    /** The clients' hook hears of the leadership move after it happened and before the old leader's files and restart. */
    @Test
    void hooksHearOfTheLeadershipMoveBetweenTheMoveAndTheOldLeadersRestart() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("b");
        List<String> heard = new ArrayList<>();
        RollingRestart.Hooks clients = new RollingRestart.Hooks() {
            @Override
            public void leadershipMoved(ClusterMember from, ClusterMember to) {
                heard.add("moved " + from.name() + " -> " + to.name() + " after " + restarts(fake));
            }

            @Override
            public void before(ClusterMember m) {
                heard.add("before " + m.name());
            }
        };
        rolling(fake).run(List.of("a", "b", "c"), RollingRestart.Hooks.none().then(clients), LABELS);
        assertEquals(List.of("before a", "before c", "moved b -> a after [restart a, restart c, move-leader b -> a]", "before b"), heard);
    }

    @Test
    void aLeaderAloneInTheRunStillHandsOverBeforeItsRestart() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("c");
        rolling(fake).run(List.of("c"), RollingRestart.Hooks.none(), LABELS);
        assertEquals(List.of("move-leader c -> a", "restart c"), restarts(fake));
    }

    @Test
    void theNextMemberWaitsUntilTheRestartedOneAppliedWhatTheLeaderHadCommitted() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("c");
        fake.lagAfterRestart = 500;   // comes back 500 entries behind...
        fake.catchUpPerTick = 20;     // ...and gains 17 a tick on a leader that commits 3 a tick
        List<String> checked = new ArrayList<>();
        RollingRestart.Hooks check = new RollingRestart.Hooks() {
            String previous;

            @Override
            public void before(ClusterMember m) {
                if (previous != null) {
                    FakeEtcdCluster.Node p = fake.node(previous);
                    assertTrue(p.applied >= p.commitWhenBack, previous + " applied " + p.applied + " < " + p.commitWhenBack);
                    checked.add(previous);
                }
            }

            @Override
            public void after(ClusterMember m) {
                previous = m.name();
            }
        };
        rolling(fake).run(List.of("a", "b", "c"), check, LABELS);
        assertEquals(List.of("a", "b"), checked);
        FakeEtcdCluster.Node a = fake.node("a");
        assertTrue(a.commitWhenBack > 0 && a.applied >= a.commitWhenBack);
    }

    @Test
    void aMemberThatNeverCatchesUpStopsTheRunBeforeTheNext() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("c");
        fake.lagAfterRestart = 100_000;
        fake.catchUpPerTick = 3; // exactly the write rate: never closes the gap
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> rolling(fake).run(List.of("a", "b", "c"), RollingRestart.Hooks.none(), LABELS));
        assertTrue(e.summary().contains("a did not catch up"), e.summary());
        assertEquals(List.of("restart a"), restarts(fake));
        assertTrue(e.detail().orElseThrow().contains("Still to do: a, b, c"), e.detail().orElseThrow());
    }

    @Test
    void refusesAnUnhealthyClusterWithoutRestartingAnyone() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.node("b").up = false; // down and not coming back
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> rolling(fake).run(List.of("a", "c"), RollingRestart.Hooks.none(), LABELS));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("refused: the cluster is not healthy"), e.summary());
        assertTrue(e.detail().orElseThrow().contains("https://b:2379"), e.detail().orElseThrow());
        assertEquals(List.of(), restarts(fake));
    }

    @Test
    void refusesAClusterWithAnAlarm() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.node("c").alarms = List.of("memberID:258 alarm:NOSPACE");
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> rolling(fake).run(List.of("a"), RollingRestart.Hooks.none(), LABELS));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertEquals(List.of(), restarts(fake));
    }

    @Test
    void stopsAtTheFirstFailedRestartAndSaysWhatIsDoneAndWhatIsLeft() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.failRestartOf.add("c");
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> rolling(fake).run(List.of("a", "b", "c"), RollingRestart.Hooks.none(), LABELS));
        assertEquals(ExitCode.HOST_FAILED, e.exitCode());
        assertEquals("the test stopped at c: etcd did not restart", e.summary());
        assertTrue(e.detail().orElseThrow().contains("Done: b. Still to do: a, c."), e.detail().orElseThrow());
        assertEquals(List.of("restart b"), restarts(fake), "a (the leader) was never touched");
        assertTrue(fake.events.contains("failed restart c"));
    }

    @Test
    void aRerunRestartsOnlyTheMembersTheOperationDidNotRecordAsDone() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("b");
        Set<String> recorded = new LinkedHashSet<>();
        RollingRestart.Hooks record = new RollingRestart.Hooks() {
            @Override
            public void after(ClusterMember m) {
                recorded.add(m.name());
            }
        };
        fake.failRestartOf.add("c");
        assertThrows(DcsprovException.class, () -> rolling(fake).run(List.of("a", "b", "c"), record, LABELS));
        assertEquals(Set.of("a"), recorded);

        fake.failRestartOf.clear();
        fake.events.clear();
        List<String> pending = List.of("a", "b", "c").stream().filter(m -> !recorded.contains(m)).toList();
        assertEquals(List.of("c", "b"), rolling(fake).run(pending, record, LABELS));
        assertEquals(List.of("restart c", "move-leader b -> a", "restart b"), restarts(fake), "a is not restarted again");
    }

    @Test
    void hooksRunAroundEachMemberInOrder() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b").leader("a");
        List<String> log = new ArrayList<>();
        RollingRestart.Hooks first = new RollingRestart.Hooks() {
            @Override
            public void before(ClusterMember m) {
                log.add("before " + m.name() + (fake.leader.name.equals(m.name()) ? " (leading)" : ""));
            }

            @Override
            public void after(ClusterMember m) {
                log.add("after " + m.name() + (fake.node(m.name()).up ? "" : " (down)"));
            }
        };
        RollingRestart.Hooks second = RollingRestart.Hooks.before(m -> log.add("install " + m.name()));
        RollingRestart r = new RollingRestart(fake, fake.members(), m -> {
            log.add("restart " + m.name());
            fake.restart(m);
        }, progress::add, fake);
        r.run(List.of("a", "b"), first.then(second), LABELS);
        assertEquals(List.of("before b", "install b", "restart b", "after b",
                "before a", "install a", "restart a", "after a"), log);
    }

    @Test
    void nothingPendingRestartsNothing() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        assertEquals(List.of(), rolling(fake).run(List.of(), RollingRestart.Hooks.none(), LABELS));
        assertEquals(List.of(), fake.events);
    }
}
