package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upgrade.backFromTarball: the fix of a refused 'upgrade --to OLD' names the drop-in when a tarball runs the members. */
class BackFromTarballTest {
    private static final RollingUpgrade.Release OLD_PACKAGE = new RollingUpgrade.Release(EtcdVersion.parse("3.4.23"), "3.4.23-4+b4 from bookworm");
    private static final RollingUpgrade.Release TARBALL_DIR = new RollingUpgrade.Release(EtcdVersion.parse("3.5.16"),
            "/opt/dcsprov/etcd/3.5.16 (an earlier etcd_tarball)", RollingUpgrade.Kind.DIRECTORY);

    private static DcsprovException refusedDowngrade() {
        VersionPath.Verdict v = VersionPath.check(EtcdVersion.parse("3.5.16"), EtcdVersion.parse("3.4.23"), Optional.of(EtcdVersion.parse("3.5.0")));
        return new DcsprovException(ExitCode.UNSAFE, "upgrade refused: " + v.reason(), "dcs-85 runs etcd 3.5.16", v.fix());
    }

    private static Map<String, HostInstaller.HostVersions> installed(String deb) {
        return Map.of("dcs-85", new HostInstaller.HostVersions("dcs-85", Optional.of(deb), Optional.of(EtcdVersion.parse("3.5.16")),
                Optional.of("3.4.23-4+b4"), List.of(), "amd64", Optional.of("/opt/dcsprov/etcd/3.5.16"), Optional.empty()));
    }

    @Test
    void aTarballOverThePackageNamesTheDropInToRemoveThenRestore() {
        DcsprovException refused = refusedDowngrade();
        DcsprovException e = Upgrade.backFromTarball(refused, Map.of("dcs-85", TARBALL_DIR), OLD_PACKAGE, installed("3.4.23-4+b4"));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertEquals(refused.summary(), e.summary());
        String fix = e.fix().orElseThrow();
        assertTrue(fix.contains("etcd runs from /opt/dcsprov/etcd/3.5.16 through " + HostInstaller.DROP_IN), fix);
        assertTrue(fix.contains("etcd-server 3.4.23-4+b4 is still installed"), fix);
        assertTrue(fix.contains("take etcd_tarball and etcd_tarball_sha256 out of the inventory"), fix);
        assertTrue(fix.contains("'rm " + HostInstaller.DROP_IN + "', 'systemctl daemon-reload'"), fix);
        assertTrue(fix.contains("'dcsprov restore INVENTORY SNAPSHOT'"), fix);
        assertTrue(!fix.contains("apt-get install"), "the package is already the target: " + fix);
    }

    @Test
    void anotherPackageUnderTheTarballIsInstalledToo() {
        String fix = Upgrade.backFromTarball(refusedDowngrade(), Map.of("dcs-85", TARBALL_DIR), OLD_PACKAGE, installed("3.4.22-1"))
                .fix().orElseThrow();
        assertTrue(fix.contains("apt-get install --allow-downgrades etcd-server=3.4.23-4+b4 etcd-client=3.4.23-4+b4"), fix);
    }

    @Test
    void otherRefusalsAndPackageInstallsAreLeftAsTheyAre() {
        DcsprovException refused = refusedDowngrade();
        // The members run the package (no tarball directory): the README's package steps apply, the fix stays generic.
        assertSame(refused, Upgrade.backFromTarball(refused, Map.of("dcs-85", new RollingUpgrade.Release(EtcdVersion.parse("3.5.16"),
                "3.5.16-4 from trixie")), OLD_PACKAGE, installed("3.5.16-4")));
        DcsprovException unhealthy = new DcsprovException(ExitCode.UNSAFE, "upgrade refused: the cluster is not healthy", "", "systemctl start etcd");
        assertSame(unhealthy, Upgrade.backFromTarball(unhealthy, Map.of("dcs-85", TARBALL_DIR), OLD_PACKAGE, installed("3.4.23-4+b4")));
        // A patch step within the tarball's minor is no way back through restore.
        RollingUpgrade.Release samMinor = new RollingUpgrade.Release(EtcdVersion.parse("3.5.15"), "3.5.15-1 from trixie");
        assertSame(refused, Upgrade.backFromTarball(refused, Map.of("dcs-85", TARBALL_DIR), samMinor, installed("3.4.23-4+b4")));
    }
}
