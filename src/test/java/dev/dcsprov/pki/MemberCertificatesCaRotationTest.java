package dev.dcsprov.pki;

import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.SourceLocation;
import dev.dcsprov.pki.CaRotationPhase;
import dev.dcsprov.pki.KeyAlgorithm;
import dev.dcsprov.pki.PkiStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** apply while rotate-certs --ca is under way: it deploys the phase's trust and reissues nothing itself. */
class MemberCertificatesCaRotationTest {
    @TempDir
    Path dir;

    ClusterSettings cluster() {
        return new ClusterSettings("dcs", "dcs-token", "/var/lib/etcd/dcs", "/etc/dcs", "/etc/dcs/etcd",
                "/etc/dcs/cert", 2379, 2380, EtcdTuning.defaults(), Optional.empty(), dir.resolve("pki"),
                KeyAlgorithm.ECDSA_P256, 365, 3650, 30, List.of(), List.of(), Optional.empty(),
                new dev.dcsprov.inventory.BackupSettings(dir.resolve("backups"), 7, Optional.empty(), "/var/lib/dcs/backup", 7));
    }

    static final Host HOST = new Host("dcs-20", "192.168.56.30", 22, "root", Optional.empty(), false, "dcs-20",
            "192.168.56.30", List.of("192.168.56.30"), List.of(), new SourceLocation(Path.of("inv.yml"), 3, 5));
    static final HostFacts FACTS = new HostFacts("debian", "12", "bookworm", "h", "h", Map.of(), Map.of(), "",
            Optional.of("/etc/dcs/etcd"), false, false, false, "", "", false);

    @Test
    void applyAndPlanDeployTheBundleDuringPhasesOneAndTwoAndTheNewCaInPhaseThree() throws Exception {
        HostMaterial first = new MemberCertificates(cluster()).materialFor(HOST, FACTS, true);
        PkiStore store = new PkiStore(dir.resolve("pki"));
        store.startCaRotation("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        String bundle = Files.readString(store.caCertificateFile()) + Files.readString(store.caNextCertificateFile());

        for (CaRotationPhase phase : List.of(CaRotationPhase.TRUST_BOTH, CaRotationPhase.NEW_LEAVES)) {
            store.advanceCaRotation(phase);
            for (boolean apply : List.of(true, false)) {
                HostMaterial m = new MemberCertificates(cluster()).materialFor(HOST, FACTS, apply);
                assertEquals(bundle, new String(m.caCert()), phase + " apply=" + apply);
                assertArrayEquals(first.serverCert(), m.serverCert(), "apply keeps the old-CA leaf while members trust both");
                assertArrayEquals(first.adminCert(), m.adminCert());
                assertEquals("", m.pendingReason());
            }
        }
        store.advanceCaRotation(CaRotationPhase.DROP_OLD);
        HostMaterial plan = new MemberCertificates(cluster()).materialFor(HOST, FACTS, false);
        assertArrayEquals(Files.readAllBytes(store.caNextCertificateFile()), plan.caCert());
    }
}
