package dev.dcsprov.pki;

import static dev.dcsprov.pki.PkiTestSupport.T0;
import static dev.dcsprov.pki.PkiTestSupport.fixed;
import static dev.dcsprov.pki.PkiTestSupport.host;
import static dev.dcsprov.pki.PkiTestSupport.mode;
import static dev.dcsprov.pki.PkiTestSupport.validateChain;
import static dev.dcsprov.pki.PkiTestSupport.x509;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

/** The local side of rotate-certs --ca: new CA, phase record, trust bundle, signing CA, finishing. */
class PkiStoreCaRotationTest {
    @TempDir
    Path dir;

    PkiStore store;
    byte[] oldCa;

    @BeforeEach
    void createCa() throws Exception {
        store = new PkiStore(dir, fixed(T0));
        store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "10.0.0.10"), 30);
        store.ensureAdminClientCertificate(KeyAlgorithm.ECDSA_P256, 365, 30);
        oldCa = Files.readAllBytes(store.caCertificateFile());
    }

    @Test
    void noRotationMeansTheCurrentCaIsTrustedAlone() {
        assertEquals(Optional.empty(), store.caRotationPhase());
        assertArrayEquals(oldCa, store.trustedCaPem());
        assertEquals(store.caCertificateFile(), store.clientTrustFile());
    }

    @Test
    void startCreatesAPrivateNewCaWithItsOwnSubjectAndRecordsPhaseOne() throws Exception {
        assertEquals(CaRotationPhase.TRUST_BOTH, store.startCaRotation("dcs", KeyAlgorithm.ECDSA_P256, 3650));
        assertEquals(Optional.of(CaRotationPhase.TRUST_BOTH), store.caRotationPhase());
        assertEquals("rw-------", mode(dir.resolve("ca-next.key")));
        CertificateInfo next = CertificateInfo.parse(Files.readAllBytes(store.caNextCertificateFile()));
        CertificateInfo old = CertificateInfo.parse(oldCa);
        assertNotEquals(old.subject(), next.subject(), "issuer names tell the two CAs apart");
        assertEquals("dcs etcd CA", next.commonName());
        // The bundle is old + new, in that order.
        List<CertificateInfo> bundle = CertificateInfo.parseAll(store.trustedCaPem());
        assertEquals(List.of(old.fingerprintSha256(), next.fingerprintSha256()),
                bundle.stream().map(CertificateInfo::fingerprintSha256).toList());
        // Clients on this machine trust both from the start: ca-bundle.crt, old + new.
        assertEquals(store.caBundleFile(), store.clientTrustFile());
        assertEquals(List.of(old.fingerprintSha256(), next.fingerprintSha256()),
                CertificateInfo.parseAll(Files.readAllBytes(store.caBundleFile())).stream().map(CertificateInfo::fingerprintSha256).toList());
        // A second start changes nothing: the same new CA, the same phase.
        byte[] nextPem = Files.readAllBytes(store.caNextCertificateFile());
        store.advanceCaRotation(CaRotationPhase.NEW_LEAVES);
        assertEquals(CaRotationPhase.NEW_LEAVES, store.startCaRotation("dcs", KeyAlgorithm.ECDSA_P256, 3650));
        assertArrayEquals(nextPem, Files.readAllBytes(store.caNextCertificateFile()));
    }

    @Test
    void phaseOneKeepsLeavesFromTheOldCaAndPhaseTwoReissuesThemFromTheNewOne() throws Exception {
        HostCertificateRequest request = host("dcs-00", KeyAlgorithm.ECDSA_P256, "10.0.0.10");
        store.startCaRotation("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        // apply during phase 1 must not reissue: the stored leaf is still right.
        assertFalse(store.checkHostCertificate(request, 30).reissue());
        assertFalse(store.ensureHostCertificate(request, 30).issued());

        store.advanceCaRotation(CaRotationPhase.NEW_LEAVES);
        // Members trust both CAs now: apply keeps an old-CA leaf; only rotate-certs --ca replaces it.
        assertFalse(store.checkHostCertificate(request, 30).reissue());
        assertFalse(store.ensureAdminClientCertificate(KeyAlgorithm.ECDSA_P256, 365, 30).issued());
        assertFalse(store.signedByNewCa(store.hostCertificateFile("dcs-00")));
        IssuedCertificate leaf = store.reissueHostCertificate(request);
        validateChain(x509(leaf.certificatePem()), x509(store.caNextCertificateFile()), T0.plusSeconds(60));
        assertTrue(store.signedByNewCa(store.hostCertificateFile("dcs-00")), "a re-run of phase 2 reissues nothing new");
        assertFalse(store.checkHostCertificate(request, 30).reissue());
        // A leaf that is missing altogether comes from the new CA.
        Files.move(store.clientCertificateFile("root"), dir.resolve("root.crt.moved"));
        IssuedCertificate admin = store.ensureAdminClientCertificate(KeyAlgorithm.ECDSA_P256, 365, 30);
        assertTrue(admin.issued());
        validateChain(x509(admin.certificatePem()), x509(store.caNextCertificateFile()), T0.plusSeconds(60));
        // Phase 2 members still trust both.
        assertEquals(2, CertificateInfo.parseAll(store.trustedCaPem()).size());

        store.advanceCaRotation(CaRotationPhase.DROP_OLD);
        assertArrayEquals(Files.readAllBytes(store.caNextCertificateFile()), store.trustedCaPem());
        assertFalse(store.checkHostCertificate(request, 30).reissue(), "the new-CA member leaf stays in phase 3");
    }

    @Test
    void finishingMakesTheNewCaCurrentArchivesTheOldOneAndCanBeRepeated() throws Exception {
        store.startCaRotation("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        byte[] nextPem = Files.readAllBytes(store.caNextCertificateFile());
        byte[] nextKey = Files.readAllBytes(dir.resolve("ca-next.key"));
        store.advanceCaRotation(CaRotationPhase.NEW_LEAVES);
        IssuedCertificate leaf = store.reissueHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "10.0.0.10"));
        store.advanceCaRotation(CaRotationPhase.DROP_OLD);
        store.finishCaRotation();

        assertEquals(Optional.empty(), store.caRotationPhase());
        assertArrayEquals(nextPem, Files.readAllBytes(store.caCertificateFile()));
        assertFalse(Files.exists(store.caBundleFile()), "the bundle was only for the rotation");
        assertEquals(store.caCertificateFile(), store.clientTrustFile());
        assertArrayEquals(nextKey, Files.readAllBytes(dir.resolve("ca.key")));
        assertEquals("rw-------", mode(dir.resolve("ca.key")));
        assertFalse(Files.exists(store.caNextCertificateFile()));
        try (var archived = Files.walk(dir.resolve("archive"))) {
            List<Path> cas = archived.filter(p -> p.getFileName().toString().equals("ca.crt")).toList();
            assertEquals(1, cas.size());
            assertArrayEquals(oldCa, Files.readAllBytes(cas.get(0)), "the old CA is kept");
            assertTrue(Files.exists(cas.get(0).resolveSibling("ca.key")));
        }
        // A fresh store (the next run) sees the new CA as current and the new leaf as valid.
        PkiStore next = new PkiStore(dir, fixed(T0));
        assertFalse(next.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650).created());
        assertFalse(next.checkHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "10.0.0.10"), 30).reissue());
        assertArrayEquals(leaf.certificatePem(), Files.readAllBytes(next.hostCertificateFile("dcs-00")));
        next.finishCaRotation(); // repeating it after a crash changes nothing
        assertArrayEquals(nextPem, Files.readAllBytes(next.caCertificateFile()));
    }

    @Test
    void aNewRotationAfterAFinishThatCrashedBeforeRemovingCaNextCreatesAFreshCa() throws Exception {
        // What a crash between removing the record and removing ca-next.* leaves: copies of ca.*.
        Files.copy(store.caCertificateFile(), store.caNextCertificateFile());
        Files.copy(dir.resolve("ca.key"), dir.resolve("ca-next.key"));
        store.startCaRotation("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        assertNotEquals(Files.readString(store.caCertificateFile()), Files.readString(store.caNextCertificateFile()));
        assertEquals(2, CertificateInfo.parseAll(store.trustedCaPem()).size());
    }

    @Test
    void anUnknownPhaseRecordIsAPkiError() throws Exception {
        Files.writeString(store.caRotationFile(), "HALFWAY\n");
        DcsprovException e = assertThrows(DcsprovException.class, store::caRotationPhase);
        assertEquals(ExitCode.PKI, e.exitCode());
        assertTrue(e.summary().contains("HALFWAY"));
    }

    @Test
    void phasesDescribeThemselvesForCerts() {
        assertEquals("phase 2 of 3 (new leaf certificates)", CaRotationPhase.NEW_LEAVES.describe());
    }
}
