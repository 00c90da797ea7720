package dev.dcsprov.pki;

import dev.dcsprov.inventory.SecretSource;
import dev.dcsprov.inventory.UserSpec;
import dev.dcsprov.pki.CertificateInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client certificates for the inventory's etcd users: checked by plan, issued once by apply; without
 * CN for users with a password (etcd's gateway refuses a CN), CN = user for certificate-only users.
 */
class MemberCertificatesApplicationClientsTest {
    @TempDir
    Path dir;

    private MemberCertificates service() {
        MemberCertificatesCaRotationTest t = new MemberCertificatesCaRotationTest();
        t.dir = dir;
        return new MemberCertificates(t.cluster());
    }

    @Test
    void planNamesWhatApplyWillIssueAndWritesNothing() {
        List<String> notes = service().applicationClients(List.of(pw("patroni_main"), pw("monitor")), false);
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("a client certificate for etcd user patroni_main will be issued (missing)"), notes.get(0));
        assertFalse(Files.exists(dir.resolve("pki")), "plan makes no CA and no key");
    }

    @Test
    void applyIssuesEachUserACertificateWithItsNameAsCnOnce() throws Exception {
        MemberCertificates first = service();
        first.materialFor(MemberCertificatesCaRotationTest.HOST, MemberCertificatesCaRotationTest.FACTS, true); // the CA
        List<String> notes = first.applicationClients(List.of(pw("patroni_main"), pw("root")), true);
        assertEquals(1, notes.size(), "root's certificate is dcsprov's admin certificate: " + notes);
        assertTrue(notes.get(0).startsWith("issued a client certificate for etcd user patroni_main"), notes.get(0));
        Path crt = first.store().clientCertificateFile("patroni_main");
        CertificateInfo info = CertificateInfo.parse(Files.readAllBytes(crt));
        assertEquals("", info.commonName(), "a user with a password gets no CN: " + info.subject());
        assertEquals("OU=patroni_main,O=dcsprov", info.subject());
        byte[] issued = Files.readAllBytes(crt);

        assertEquals(List.of(), service().applicationClients(List.of(pw("patroni_main")), true), "a valid certificate stays");
        assertEquals(List.of(), service().applicationClients(List.of(pw("patroni_main")), false));
        assertTrue(java.util.Arrays.equals(issued, Files.readAllBytes(crt)));
    }

    @Test
    void aCertificateOnlyUserGetsItsNameAsCnAndACertificateOfTheWrongFormIsReissued() throws Exception {
        MemberCertificates first = service();
        first.materialFor(MemberCertificatesCaRotationTest.HOST, MemberCertificatesCaRotationTest.FACTS, true);
        first.applicationClients(List.of(certOnly("kube")), true);
        Path crt = first.store().clientCertificateFile("kube");
        assertEquals("kube", CertificateInfo.parse(Files.readAllBytes(crt)).commonName());

        // The user gets a password: its CN certificate would lock it out of the gateway.
        List<String> planned = service().applicationClients(List.of(pw("kube")), false);
        assertEquals(1, planned.size(), planned.toString());
        assertTrue(planned.get(0).contains("will be issued (has CN 'kube', which etcd's JSON gateway refuses"), planned.get(0));
        List<String> issued = service().applicationClients(List.of(pw("kube")), true);
        assertEquals(1, issued.size(), issued.toString());
        assertEquals("", CertificateInfo.parse(Files.readAllBytes(crt)).commonName());
        assertEquals(List.of(), service().applicationClients(List.of(pw("kube")), true), "converged");

        // And back: certificate-only again needs the CN.
        List<String> back = service().applicationClients(List.of(certOnly("kube")), false);
        assertTrue(back.get(0).contains("has no CN; a user without a password is certificate-only and needs CN 'kube'"), back.toString());
    }

    private static UserSpec pw(String name) {
        return new UserSpec(name, new SecretSource.Env("PW"), List.of());
    }

    private static UserSpec certOnly(String name) {
        return new UserSpec(name, Optional.empty(), List.of());
    }

    @Test
    void aNameThatCannotNameAFileGetsANoteInsteadOfAFile() {
        List<String> notes = service().applicationClients(List.of(pw("app/x")), false);
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("etcd user 'app/x' gets no client certificate"), notes.get(0));
    }
}
