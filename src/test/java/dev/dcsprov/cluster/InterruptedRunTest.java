package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a run that continues an interrupted one decides, against a fake cluster: the member the
 * journal says the interrupted run left mid-step goes first (down or not) when the others keep
 * quorum; a member down that the journal does not explain, or a resumption that would cost quorum,
 * is refused with nothing restarted.
 */
class InterruptedRunTest {
    static final RollingRestart.Labels LABELS = new RollingRestart.Labels("the test", "run it again", "its new files");
    final List<String> progress = new ArrayList<>();
    final List<String> recorded = new ArrayList<>();

    RollingRestart rolling(FakeEtcdCluster fake) {
        return new RollingRestart(fake, fake.members(), fake, progress::add, fake);
    }

    RollingRestart.Resume resume(String interrupted) {
        return new RollingRestart.Resume(Optional.ofNullable(interrupted), new RollingRestart.Recorder() {
            @Override
            public void step(ClusterMember member, String step) {
                recorded.add(step + " " + member.name());
            }

            @Override
            public void done(ClusterMember member) {
                recorded.add("done " + member.name());
            }
        });
    }

    static void stop(FakeEtcdCluster fake, String name) {
        FakeEtcdCluster.Node n = fake.node(name);
        n.up = false;
        n.downTicks = 0;   // stays down until restarted
    }

    List<String> restarts(FakeEtcdCluster fake) {
        return fake.events.stream().filter(e -> e.startsWith("restart ") || e.startsWith("move-leader ")).toList();
    }

    @Test
    void theMemberTheInterruptedRunTookDownIsFinishedFirstWhenTheOthersAreHealthy() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        stop(fake, "b");
        List<String> installed = new ArrayList<>();
        List<String> order = rolling(fake).run(List.of("b", "c", "a"), RollingRestart.Hooks.before(m -> installed.add(m.name())),
                LABELS, resume("b"));
        assertEquals(List.of("b", "c", "a"), order);
        assertEquals(List.of("restart b", "restart c", "move-leader a -> b", "restart a"), restarts(fake));
        assertEquals(List.of("b", "c", "a"), installed, "its files are put in place again before its restart");
        assertEquals(List.of("files b", "restart b", "done b", "files c", "restart c", "done c", "files a", "restart a", "done a"),
                recorded);
        assertTrue(progress.stream().anyMatch(p -> p.contains("b is down: the interrupted run was changing it")), progress::toString);
    }

    @Test
    void anInterruptedMemberWhoseFilesAlreadyMatchIsRestartedAnywayAndFirst() {
        // Killed after the new files went in and before the restart: the files match, the restart never happened.
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        List<String> order = rolling(fake).run(List.of("a"), RollingRestart.Hooks.none(), LABELS, resume("c"));
        assertEquals(List.of("c", "a"), order);
        assertEquals(List.of("restart c", "move-leader a -> b", "restart a"), restarts(fake));
    }

    @Test
    void aMemberDownThatTheJournalDoesNotExplainIsRefusedWithNothingRestarted() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        stop(fake, "c");
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> rolling(fake).run(List.of("a", "b", "c"), RollingRestart.Hooks.none(), LABELS, resume("b")));
        assertEquals(dev.dcsprov.ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("refused: the cluster is not healthy"), e::getMessage);
        assertTrue(e.detail().orElse("").contains("https://c:2379"), e.detail()::toString);
        assertEquals(List.of(), restarts(fake));
        assertEquals(List.of(), recorded);
    }

    @Test
    void withoutAJournalAMemberDownIsRefusedAsBefore() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        stop(fake, "b");
        assertThrows(DcsprovException.class,
                () -> rolling(fake).run(List.of("a", "b", "c"), RollingRestart.Hooks.none(), LABELS, resume(null)));
        assertEquals(List.of(), restarts(fake));
    }

    @Test
    void finishingTheInterruptedMemberIsRefusedWhenAnotherIsDownTooBecauseQuorumWouldBeLost() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        stop(fake, "b");
        stop(fake, "c");
        ResumeGate.Refusal e = assertThrows(ResumeGate.Refusal.class,
                () -> rolling(fake).run(List.of("a", "b", "c"), RollingRestart.Hooks.none(), LABELS, resume("b")));
        assertTrue(e.summary().contains("b, which the interrupted run left mid-step, cannot be finished safely"), e::getMessage);
        assertTrue(e.detail().orElse("").contains("could cost quorum"), e.detail()::toString);
        assertTrue(e.fix().orElse("").contains("run it again"), e.fix()::toString);
        assertEquals(List.of(), restarts(fake));
    }

    @Test
    void aTwoMemberClusterCannotLoseItsInterruptedMemberEither() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b").leader("a");
        stop(fake, "b");
        ResumeGate.Refusal e = assertThrows(ResumeGate.Refusal.class,
                () -> rolling(fake).run(List.of("a", "b"), RollingRestart.Hooks.none(), LABELS, resume("b")));
        assertTrue(e.detail().orElse("").contains("only 1 of 2 members remain, not a majority"), e.detail()::toString);
        assertEquals(List.of(), restarts(fake));
    }

    @Test
    void theGateAloneAdmitsTheInterruptedMemberDownAndNamesIt() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c", "d", "e").leader("a");
        stop(fake, "d");
        HealthGate gate = new HealthGate(fake, fake.members().stream().map(ClusterMember::clientUrl).toList(), fake);
        ResumeGate.Admission a = new ResumeGate(fake, fake.members(), gate, fake)
                .admit(Optional.of("d"), java.time.Duration.ofSeconds(5), "the test", "run it again");
        assertEquals(Optional.of("d"), a.downMember());
        assertTrue(a.health().healthy());
        assertFalse(a.health().statusOf("https://d:2379").isPresent());
    }
}
