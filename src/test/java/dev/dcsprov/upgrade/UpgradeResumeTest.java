package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.FakeEtcdCluster;
import dev.dcsprov.cluster.ResumeGate;
import dev.dcsprov.cluster.RollingRestart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A re-run of an upgrade that was killed (issue #19): what the journal's interrupted member changes in the gates and
 * the order, the mixed versions a kill leaves, what a member is put back on, and dpkg's leftovers.
 */
class UpgradeResumeTest {
    private static final RollingUpgrade.Release OLD = new RollingUpgrade.Release(EtcdVersion.parse("3.4.23"), "3.4.23-4+b4 from bookworm");
    private static final RollingUpgrade.Release NEW = new RollingUpgrade.Release(EtcdVersion.parse("3.5.16"), "3.5.16-4 from trixie");
    private static final String AGAIN = "run 'dcsprov upgrade lab.yml' again";
    private final List<String> progress = new ArrayList<>();

    private RollingUpgrade upgrade(FakeEtcdCluster fake) {
        return new RollingUpgrade(fake, fake.members(), fake, progress::add, fake);
    }

    /** What a kill at upgrade:members:restart#2 leaves: b moved, c taken down by the test (as a person would find it), a untouched. */
    private static FakeEtcdCluster killedAtTheSecondRestart() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.setVersion("b", "3.5.16");
        fake.stop("c");
        return fake;
    }

    private static Map<String, EtcdVersion> onDisk(String a, String b, String c) {
        Map<String, EtcdVersion> m = new LinkedHashMap<>();
        m.put("a", EtcdVersion.parse(a));
        m.put("b", EtcdVersion.parse(b));
        m.put("c", EtcdVersion.parse(c));
        return m;
    }

    private static Map<String, RollingUpgrade.Release> previous(RollingUpgrade.Release a, RollingUpgrade.Release b, RollingUpgrade.Release c) {
        Map<String, RollingUpgrade.Release> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        m.put("c", c);
        return m;
    }

    /** Records the steps as the journal would (member:step), to check the order and that every member ends done. */
    private static RollingRestart.Recorder recording(List<String> into) {
        return new RollingRestart.Recorder() {
            @Override
            public void step(ClusterMember member, String step) {
                into.add(member.name() + ":" + step);
            }

            @Override
            public void done(ClusterMember member) {
                into.add(member.name() + ":done");
            }
        };
    }

    @Test
    void theMemberTheKilledRunTookDownIsFinishedFirstAndTheMixedVersionsAreAccepted() {
        FakeEtcdCluster fake = killedAtTheSecondRestart();
        RollingUpgrade u = upgrade(fake);
        RollingUpgrade.Preflight pre = u.preflight(NEW.version(), Optional.of("c"), onDisk("3.4.23", "3.5.16", "3.4.23"), AGAIN);
        assertEquals(Optional.of("c"), pre.down());
        assertEquals(List.of("a", "c"), pre.todo(), "b already runs 3.5.16: only the pending members");
        assertEquals(EtcdVersion.parse("3.4.23"), pre.running().get("c"), "a down member's version is the one on its disk");
        assertEquals("3.4.0", pre.clusterVersion().orElseThrow(), "the cluster version did not move");
        assertTrue(fake.events.stream().noneMatch(e -> e.startsWith("install") || e.startsWith("restart")), "the gates change nothing");

        List<String> steps = new ArrayList<>();
        List<String> done = u.run(pre.todo(), NEW, previous(OLD, NEW, OLD), RollingRestart.Hooks.none(),
                new RollingRestart.Resume(Optional.of("c"), recording(steps)), AGAIN);
        assertEquals(List.of("c", "a"), done, "the interrupted member first, the leader last");
        assertEquals(List.of("c:files", "c:restart", "c:done", "a:files", "a:restart", "a:done"), steps);
        assertEquals(List.of("a=3.5.16", "b=3.5.16", "c=3.5.16"), fake.versions());
        assertTrue(fake.events.indexOf("install c 3.5.16") < fake.events.indexOf("install a 3.5.16"), fake.events.toString());
        assertEquals("3.5.0", u.awaitClusterVersion(NEW.version()).orElseThrow());
    }

    @Test
    void withoutTheJournalTheSameClusterIsRefusedAsUnhealthy() {
        FakeEtcdCluster fake = killedAtTheSecondRestart();
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> upgrade(fake).preflight(NEW.version(), Optional.empty(), onDisk("3.4.23", "3.5.16", "3.4.23"), AGAIN));
        assertEquals("upgrade refused: the cluster is not healthy", e.summary());
        assertTrue(e.detail().orElseThrow().contains("c ("), e.detail().orElseThrow());
    }

    @Test
    void anotherMemberDownIsStillRefusedAndNothingChanges() {
        // The journal explains c; b is down too: finishing c would cost quorum.
        FakeEtcdCluster both = killedAtTheSecondRestart();
        both.stop("b");
        DcsprovException quorum = assertThrows(DcsprovException.class,
                () -> upgrade(both).preflight(NEW.version(), Optional.of("c"), onDisk("3.4.23", "3.5.16", "3.4.23"), AGAIN));
        assertInstanceOf(ResumeGate.Refusal.class, quorum);
        assertEquals(ExitCode.UNSAFE, quorum.exitCode());
        assertTrue(quorum.summary().contains("c, which the interrupted run left mid-step, cannot be finished safely"), quorum.summary());
        assertTrue(quorum.fix().orElseThrow().contains(AGAIN), quorum.fix().orElseThrow());

        // The journal names c, which is up; b is down, which no journal explains: the plain refusal.
        FakeEtcdCluster other = new FakeEtcdCluster("a", "b", "c").leader("a");
        other.stop("b");
        DcsprovException unhealthy = assertThrows(DcsprovException.class,
                () -> upgrade(other).preflight(NEW.version(), Optional.of("c"), onDisk("3.4.23", "3.4.23", "3.4.23"), AGAIN));
        assertEquals("upgrade refused: the cluster is not healthy", unhealthy.summary());
        assertTrue(unhealthy.fix().orElseThrow().contains("systemctl start etcd"), unhealthy.fix().orElseThrow());
        for (FakeEtcdCluster f : List.of(both, other)) {
            assertTrue(f.events.stream().noneMatch(ev -> ev.startsWith("install") || ev.startsWith("restart")), f.events.toString());
        }
    }

    @Test
    void anInterruptedMemberThatIsBackOnTheTargetIsDoneAndADownOneOnTheTargetIsNot() {
        // Killed after c's restart, before it was recorded done: c came back on 3.5.16 by itself.
        FakeEtcdCluster back = new FakeEtcdCluster("a", "b", "c").leader("a");
        back.setVersion("c", "3.5.16");
        RollingUpgrade.Preflight pre = upgrade(back).preflight(NEW.version(), Optional.of("c"), onDisk("3.4.23", "3.4.23", "3.5.16"), AGAIN);
        assertEquals(List.of("a", "b"), pre.todo());
        assertEquals(Optional.empty(), pre.down());

        // Killed after the install, before the restart, and then stopped: 3.5.16 on its disk, but not running: still to do.
        FakeEtcdCluster down = new FakeEtcdCluster("a", "b", "c").leader("a");
        down.setVersion("c", "3.5.16");
        down.stop("c");
        RollingUpgrade.Preflight downPre = upgrade(down).preflight(NEW.version(), Optional.of("c"), onDisk("3.4.23", "3.4.23", "3.5.16"), AGAIN);
        assertEquals(List.of("a", "b", "c"), downPre.todo());
        assertEquals(Optional.of("c"), downPre.down());
    }

    @Test
    void aResumedMemberThatFailsOnTheTargetGoesBackToWhatTheOthersRan() {
        // c had 3.5.16 unpacked when the run was killed; it does not start on it: back on 3.4.23, what a and b run.
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.setVersion("c", "3.5.16");
        fake.stop("c");
        fake.brokenOn.put("c", "3.5.16");
        RollingUpgrade u = upgrade(fake);
        RollingUpgrade.Preflight pre = u.preflight(NEW.version(), Optional.of("c"), onDisk("3.4.23", "3.4.23", "3.5.16"), AGAIN);
        DcsprovException e = assertThrows(DcsprovException.class, () -> u.run(pre.todo(), NEW, previous(OLD, OLD, NEW),
                RollingRestart.Hooks.none(), new RollingRestart.Resume(Optional.of("c"), RollingRestart.Recorder.none()), AGAIN));
        assertTrue(e.summary().contains("it was put back on etcd 3.4.23"), e.summary());
        assertTrue(e.fix().orElseThrow().contains(AGAIN) && e.fix().orElseThrow().contains("--to 3.4.23"), e.fix().orElseThrow());
        assertEquals(List.of("a=3.4.23", "b=3.4.23", "c=3.4.23"), fake.versions());
    }

    @Test
    void putBackAndTheWayBack() {
        Map<String, RollingUpgrade.Release> mixed = previous(NEW, OLD, NEW);
        assertEquals(Optional.of(OLD), RollingUpgrade.putBack("b", mixed, NEW));
        assertEquals(Optional.of(OLD), RollingUpgrade.putBack("a", mixed, NEW), "a ran the target already: the others' old release");
        assertEquals(Optional.of(OLD), RollingUpgrade.wayBack(mixed, NEW));
        assertEquals(Optional.empty(), RollingUpgrade.putBack("c", previous(NEW, NEW, NEW), NEW), "nothing older to go back to");
        // A roll-back run (--to OLD): the way back from it is NEW.
        assertEquals(Optional.of(NEW), RollingUpgrade.wayBack(previous(OLD, NEW, NEW), OLD));
    }

    @Test
    void aLastMemberThatFailsWithNothingOlderToGoBackToSaysSo() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        fake.setVersion("a", "3.5.16");
        fake.setVersion("b", "3.5.16");
        fake.setVersion("c", "3.5.16");
        fake.stop("c");
        fake.brokenOn.put("c", "3.5.16");
        RollingUpgrade u = upgrade(fake);
        DcsprovException e = assertThrows(DcsprovException.class, () -> u.run(List.of("c"), NEW, previous(NEW, NEW, NEW),
                RollingRestart.Hooks.none(), new RollingRestart.Resume(Optional.of("c"), RollingRestart.Recorder.none()), AGAIN));
        assertTrue(e.detail().orElseThrow().contains("no older release to put it back on"), e.detail().orElseThrow());
        assertTrue(fake.events.stream().filter(ev -> ev.startsWith("install c")).count() == 1, fake.events.toString());
    }

    @Test
    void aPackageDpkgDidNotFinishIsAcceptedOnlyOnTheInterruptedMember() {
        HostInstaller.HostVersions half = new HostInstaller.HostVersions("dcs-86", Optional.empty(), Optional.of(EtcdVersion.parse("3.5.16")),
                Optional.empty(), List.of(), "amd64", Optional.empty(), Optional.empty(), Optional.of("3.5.16-4"));
        assertEquals("3.5.16-4", Upgrade.installedOn(half, true));
        DcsprovException e = assertThrows(DcsprovException.class, () -> Upgrade.installedOn(half, false));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.fix().orElseThrow().contains("dpkg --configure -a"), e.fix().orElseThrow());
        HostInstaller.HostVersions none = new HostInstaller.HostVersions("dcs-86", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), "amd64", Optional.empty(), Optional.empty());
        assertTrue(assertThrows(DcsprovException.class, () -> Upgrade.installedOn(none, true)).summary().contains("not installed"));

        assertEquals(Optional.of("3.5.16-4"), HostInstaller.halfInstalled("half-configured 3.5.16-4"));
        assertEquals(Optional.of("3.5.16-4"), HostInstaller.halfInstalled("unpacked 3.5.16-4\n"));
        assertEquals(Optional.empty(), HostInstaller.halfInstalled("installed 3.4.23-4+b4"));
        assertEquals(Optional.empty(), HostInstaller.halfInstalled("config-files 3.4.23-4+b4"));
        assertEquals(Optional.empty(), HostInstaller.halfInstalled(""));
    }

    /** The script before an install, under a real shell with a stand-in dpkg: waits out a lock, finishes an interrupted dpkg. */
    @Test
    void beforeAnInstallDpkgsLeftoversAreFinished(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // The stand-in: --audit reports a problem while 'pending' exists; --configure fails once on the lock, then clears it.
        writeExecutable(bin.resolve("dpkg"), "#!/bin/sh\nd=" + dir + "\necho \"$*\" >> \"$d/calls\"\n"
                + "case \"$*\" in\n"
                + "  --audit) [ -e \"$d/pending\" ] && echo 'etcd-server   not fully installed' ; exit 0 ;;\n"
                + "  *--configure\\ -a) if [ -e \"$d/broken\" ]; then echo 'dpkg: error processing package etcd-server' >&2; exit 1; fi;"
                + " if [ ! -e \"$d/locked-once\" ]; then touch \"$d/locked-once\"; echo 'dpkg: error: dpkg frontend lock was locked by another process' >&2; exit 2; fi;"
                + " rm -f \"$d/pending\"; exit 0 ;;\n"
                + "esac\n");
        Files.writeString(dir.resolve("pending"), "");
        Proc r = shell(bin, HostInstaller.FINISH_DPKG + "echo installing\n");
        assertEquals(0, r.exit, r.err);
        assertEquals("installing\n", r.out);
        assertEquals(List.of("--audit", "--force-confold --configure -a", "--audit", "--force-confold --configure -a"),
                Files.readAllLines(dir.resolve("calls")));

        Files.delete(dir.resolve("calls"));
        Proc clean = shell(bin, HostInstaller.FINISH_DPKG + "echo installing\n");
        assertEquals(0, clean.exit, clean.err);
        assertEquals(List.of("--audit"), Files.readAllLines(dir.resolve("calls")), "nothing to finish: one audit");

        Files.writeString(dir.resolve("pending"), "");
        Files.writeString(dir.resolve("broken"), "");
        Proc broken = shell(bin, HostInstaller.FINISH_DPKG + "echo installing\n");
        assertEquals(1, broken.exit);
        assertTrue(broken.err.contains("dpkg --configure -a: dpkg: error processing package etcd-server"), broken.err);
        assertEquals("", broken.out, "no install after a dpkg that cannot finish");
    }

    private record Proc(int exit, String out, String err) {
    }

    private static Proc shell(Path bin, String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "set -eu\n" + script);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        return new Proc(p.waitFor(), out, err);
    }

    private static void writeExecutable(Path p, String text) throws IOException {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
