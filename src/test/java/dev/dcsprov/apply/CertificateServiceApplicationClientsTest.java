package dev.dcsprov.apply;

import dev.dcsprov.pki.CertificateInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client certificates for the inventory's etcd users: checked by plan, issued once by apply, CN = user. */
class CertificateServiceApplicationClientsTest {
    @TempDir
    Path dir;

    private CertificateService service() {
        CertificateServiceCaRotationTest t = new CertificateServiceCaRotationTest();
        t.dir = dir;
        return new CertificateService(t.cluster());
    }

    @Test
    void planNamesWhatApplyWillIssueAndWritesNothing() {
        List<String> notes = service().applicationClients(List.of("patroni_main", "monitor"), false);
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("a client certificate for etcd user patroni_main will be issued (missing)"), notes.get(0));
        assertFalse(Files.exists(dir.resolve("pki")), "plan makes no CA and no key");
    }

    @Test
    void applyIssuesEachUserACertificateWithItsNameAsCnOnce() throws Exception {
        CertificateService first = service();
        first.materialFor(CertificateServiceCaRotationTest.HOST, CertificateServiceCaRotationTest.FACTS, true); // the CA
        List<String> notes = first.applicationClients(List.of("patroni_main", "root"), true);
        assertEquals(1, notes.size(), "root's certificate is dcsprov's admin certificate: " + notes);
        assertTrue(notes.get(0).startsWith("issued a client certificate for etcd user patroni_main"), notes.get(0));
        Path crt = first.store().clientCertificateFile("patroni_main");
        CertificateInfo info = CertificateInfo.parse(Files.readAllBytes(crt));
        assertEquals("patroni_main", info.commonName());
        byte[] issued = Files.readAllBytes(crt);

        assertEquals(List.of(), service().applicationClients(List.of("patroni_main"), true), "a valid certificate stays");
        assertEquals(List.of(), service().applicationClients(List.of("patroni_main"), false));
        assertTrue(java.util.Arrays.equals(issued, Files.readAllBytes(crt)));
    }

    @Test
    void aNameThatCannotNameAFileGetsANoteInsteadOfAFile() {
        List<String> notes = service().applicationClients(List.of("app/x"), false);
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("etcd user 'app/x' gets no client certificate"), notes.get(0));
    }
}
