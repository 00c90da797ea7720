package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.FakeEtcdCluster;
import dev.dcsprov.cluster.RollingRestart;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gates and the order of an upgrade, against a fake cluster: no lab needed to prove refusals and the way back. */
class RollingUpgradeTest {
    private static final RollingUpgrade.Release OLD = new RollingUpgrade.Release(EtcdVersion.parse("3.4.23"), "3.4.23-4+b4 from bookworm");
    private static final RollingUpgrade.Release NEW = new RollingUpgrade.Release(EtcdVersion.parse("3.5.16"), "3.5.16-4 from trixie");
    private final List<String> progress = new ArrayList<>();

    private RollingUpgrade upgrade(FakeEtcdCluster fake) {
        return new RollingUpgrade(fake, fake.members(), fake, progress::add, fake);
    }

    private static Map<String, RollingUpgrade.Release> allOld() {
        return Map.of("a", OLD, "b", OLD, "c", OLD);
    }

    @Test
    void followersFirstLeaderLastEachOnTheNewVersionThenTheClusterVersionMoves() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        RollingUpgrade u = upgrade(fake);
        RollingUpgrade.Preflight pre = u.preflight(NEW.version());
        assertEquals(List.of("a", "b", "c"), pre.todo());
        assertEquals("3.4.0", pre.clusterVersion().orElseThrow());
        List<String> done = u.run(pre.todo(), NEW, allOld(), RollingRestart.Hooks.none());
        assertEquals(List.of("b", "c", "a"), done);
        assertEquals(List.of("a=3.5.16", "b=3.5.16", "c=3.5.16"), fake.versions());
        assertTrue(fake.events.indexOf("move-leader a -> b") < fake.events.indexOf("install a 3.5.16"), fake.events.toString());
        assertEquals("3.5.0", u.awaitClusterVersion(NEW.version()).orElseThrow());
    }

    @Test
    void aMemberThatDoesNotComeBackOnTheNewVersionIsPutBackAndTheRunStops() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.brokenOn.put("c", "3.5.16");
        RollingUpgrade u = upgrade(fake);
        DcsprovException e = assertThrows(DcsprovException.class, () -> u.run(List.of("a", "b", "c"), NEW, allOld(), RollingRestart.Hooks.none()));
        assertTrue(e.summary().contains("the upgrade stopped at c"), e.summary());
        assertTrue(e.summary().contains("put back on etcd 3.4.23"), e.summary());
        assertEquals(List.of("a=3.4.23", "b=3.5.16", "c=3.4.23"), fake.versions(), "a never started, c is back on the old one");
        assertEquals("3.4.0", fake.clusterVersion(List.of()).orElseThrow(), "the cluster version did not move");
        // Before the cluster version moved, going back is an upgrade to the old version.
        RollingUpgrade.Preflight back = u.preflight(OLD.version());
        assertEquals(List.of("b"), back.todo());
        u.run(back.todo(), OLD, Map.of("a", NEW, "b", NEW, "c", NEW), RollingRestart.Hooks.none());
        assertEquals(List.of("a=3.4.23", "b=3.4.23", "c=3.4.23"), fake.versions());
    }

    @Test
    void aMemberThatFailsOnBothVersionsIsReportedAsSuch() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.brokenOn.put("b", "3.5.16");
        RollingUpgrade.Installer brokenBack = new RollingUpgrade.Installer() {
            @Override
            public void install(dev.dcsprov.cluster.ClusterMember member, RollingUpgrade.Release release) {
                if (release.equals(OLD)) {
                    throw new DcsprovException(ExitCode.HOST_FAILED, "apt-get install failed", "no such version", "");
                }
                fake.install(member, release);
            }

            @Override
            public void restart(dev.dcsprov.cluster.ClusterMember member) {
                fake.restart(member);
            }
        };
        RollingUpgrade withBrokenBack = new RollingUpgrade(fake, fake.members(), brokenBack, progress::add, fake);
        DcsprovException e = assertThrows(DcsprovException.class, () -> withBrokenBack.run(List.of("b"), NEW, allOld(), RollingRestart.Hooks.none()));
        assertTrue(e.summary().contains("putting it back on etcd 3.4.23 failed too"), e.summary());
        assertEquals(ExitCode.HOST_FAILED, e.exitCode());
    }

    @Test
    void refusedBeforeAnyChange() {
        FakeEtcdCluster skip = new FakeEtcdCluster("a", "b", "c").leader("a");
        DcsprovException jump = assertThrows(DcsprovException.class, () -> upgrade(skip).preflight(EtcdVersion.parse("3.6.5")));
        assertEquals(ExitCode.UNSAFE, jump.exitCode());
        assertTrue(jump.summary().contains("skips 3.5"), jump.summary());

        FakeEtcdCluster down = new FakeEtcdCluster("a", "b", "c").leader("a");
        down.stop("b");
        DcsprovException unhealthy = assertThrows(DcsprovException.class, () -> upgrade(down).preflight(NEW.version()));
        assertTrue(unhealthy.summary().contains("not healthy"), unhealthy.summary());
        assertTrue(unhealthy.detail().orElseThrow().contains("b ("), unhealthy.detail().orElseThrow());
        assertTrue(unhealthy.fix().orElseThrow().contains("systemctl start etcd"), unhealthy.fix().orElseThrow());

        FakeEtcdCluster learner = new FakeEtcdCluster("a", "b", "c").leader("a");
        learner.learnerPending = true;
        DcsprovException pending = assertThrows(DcsprovException.class, () -> upgrade(learner).preflight(NEW.version()));
        assertTrue(pending.summary().contains("learner is pending: newcomer"), pending.summary());

        FakeEtcdCluster moved = new FakeEtcdCluster("a", "b", "c").leader("a");
        List.of("a", "b", "c").forEach(n -> moved.setVersion(n, "3.5.16"));
        DcsprovException late = assertThrows(DcsprovException.class, () -> upgrade(moved).preflight(OLD.version()));
        assertTrue(late.fix().orElseThrow().contains("dcsprov restore"), late.fix().orElseThrow());
        for (FakeEtcdCluster f : List.of(skip, down, learner, moved)) {
            assertTrue(f.events.stream().noneMatch(ev -> ev.startsWith("install") || ev.startsWith("restart")), f.events.toString());
        }
    }
}
