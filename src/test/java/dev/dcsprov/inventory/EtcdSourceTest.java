package dev.dcsprov.inventory;

import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.dcsprov.inventory.Fixtures.at;
import static dev.dcsprov.inventory.Fixtures.fail;
import static dev.dcsprov.inventory.Fixtures.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** etcd_package_release, etcd_tarball and etcd_tarball_sha256: read, or refused with exit 3 where they are written. */
class EtcdSourceTest {

    @Test
    void noSourceVariableIsTheDistributionPackage() {
        assertTrue(load("lab.yml").cluster().etcdSource().isDistribution());
    }

    @Test
    void aTarballIsResolvedBesideTheInventoryAndItsSha256Lowercased() {
        EtcdSource s = load("etcd-tarball.yml").cluster().etcdSource();
        assertEquals(Optional.of(Fixtures.DIR.resolve("tarballs/etcd-v3.5.16-linux-amd64.tar.gz").toAbsolutePath().normalize()),
                s.tarball().map(p -> p.toAbsolutePath().normalize()));
        assertEquals(Optional.of("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), s.tarballSha256());
        assertEquals(Optional.empty(), s.release());
    }

    @Test
    void aBadCodenameBothSourcesAndABadSha256AreEachReportedWhereTheyAreWritten() {
        String f = "bad-etcd-source.yml";
        InventoryException e = fail(f);
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        List<String> messages = e.problems().stream().map(p -> p.location() + ": " + p.message()).toList();
        assertEquals(List.of(
                at(f, 3, 27) + ": etcd_package_release 'trixie-13' is not a Debian release codename",
                at(f, 4, 19) + ": etcd_tarball and etcd_package_release are both set; etcd comes from one place",
                at(f, 5, 26) + ": etcd_tarball_sha256 is not a SHA-256 (64 hex digits)"), messages);
    }

    @Test
    void aSha256WithoutATarballIsRefused() {
        String f = "etcd-sha-without-tarball.yml";
        InventoryException e = fail(f);
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertEquals(List.of(at(f, 3, 26) + ": etcd_tarball_sha256 without etcd_tarball"),
                e.problems().stream().map(p -> p.location() + ": " + p.message()).toList());
    }

    @Test
    void aTarballWithoutItsSha256IsRefused() {
        String f = "etcd-tarball-without-sha.yml";
        InventoryException e = fail(f);
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertEquals(List.of(at(f, 3, 19) + ": etcd_tarball needs etcd_tarball_sha256"),
                e.problems().stream().map(p -> p.location() + ": " + p.message()).toList());
    }
}
