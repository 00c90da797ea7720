package dev.dcsprov.steps;

import dev.dcsprov.facts.FileState;
import dev.dcsprov.pki.HostCertificateRequest;
import dev.dcsprov.pki.KeyAlgorithm;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.CertificateSummary;
import dev.dcsprov.plan.Change;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A certificate file in the plan: what openssl says about it, never its PEM. */
class FileStepCertificateTest {
    @TempDir
    Path dir;
    Path hostCert;
    Path caCert;

    @BeforeEach
    void issue() throws Exception {
        PkiStore pki = new PkiStore(dir.resolve("pki"));
        pki.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        byte[] pem = pki.ensureHostCertificate(HostCertificateRequest.of("dcs-00",
                List.of("dcs-00", "localhost", "192.168.56.10", "127.0.0.1"), 365, KeyAlgorithm.ECDSA_P256), 0).certificatePem();
        hostCert = Files.write(dir.resolve("server.crt"), pem);
        caCert = dir.resolve("pki/ca.crt");
    }

    static DesiredFile pemFile(String path, byte[] content) {
        return new DesiredFile(path, content, "0640", FileStepTest.USER, FileStepTest.GROUP, false, true, true);
    }

    @Test
    void aNewCertificateIsShownAsSubjectSansIssuerExpiryAndFingerprintAsOpensslReadsThem() throws Exception {
        assumeTrue(opensslOnPath(), "openssl is not on PATH");
        byte[] pem = Files.readAllBytes(hostCert);
        Change c = FileStep.certificate(pemFile("/etc/dcs/cert/server.crt", pem)).plan("dcs-00", FileStepTest.factsWith()).changes().get(0);

        assertEquals(Action.CREATE, c.action());
        assertEquals("", c.diff(), "no PEM diff");
        assertEquals(1, c.certificates().size());
        CertificateSummary s = c.certificates().get(0);
        // openssl prints "subject=CN = dcs-00, O = dcsprov" and the like; compare the pieces it names.
        String subject = openssl("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", hostCert.toString());
        assertEquals("subject=" + s.subject(), subject.strip());
        String issuer = openssl("x509", "-noout", "-issuer", "-nameopt", "RFC2253", "-in", hostCert.toString());
        assertEquals("issuer=" + s.issuer(), issuer.strip());
        String fingerprint = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", hostCert.toString());
        assertEquals(fingerprint.strip().replaceFirst("^(?i)sha256 Fingerprint=", ""), s.sha256());
        String notAfter = openssl("x509", "-noout", "-enddate", "-dateopt", "iso_8601", "-in", hostCert.toString());
        // openssl: notAfter=2027-12-01 20:52:57Z
        assertEquals(notAfter.strip().replaceFirst("^notAfter=", "").replace(' ', 'T'), s.notAfter());
        String sans = openssl("x509", "-noout", "-ext", "subjectAltName", "-in", hostCert.toString());
        for (String san : s.sans()) {
            assertTrue(sans.contains(san), san + " in " + sans);
        }
        assertEquals(List.of("dcs-00", "localhost", "127.0.0.1", "192.168.56.10").stream().sorted().toList(),
                s.sans().stream().sorted().toList());
    }

    @Test
    void aCaBundleShowsEveryCertificateInFileOrder() throws Exception {
        byte[] bundle = (Files.readString(caCert) + Files.readString(hostCert)).getBytes(StandardCharsets.US_ASCII);
        Change c = FileStep.certificate(pemFile("/etc/dcs/cert/ca.crt", bundle))
                .plan("dcs-00", FileStepTest.factsWith(new FileState("/etc/dcs/cert/ca.crt", true, "0640",
                        FileStepTest.USER, FileStepTest.GROUP, "00"))).changes().get(0);
        assertEquals(Action.UPDATE, c.action());
        assertEquals(List.of("CN=dcs etcd CA,O=dcsprov", "CN=dcs-00,O=dcsprov"),
                c.certificates().stream().map(CertificateSummary::subject).toList());
        assertTrue(c.commands().get(0).script().indexOf("BEGIN") < 0, "the PEM travels on stdin");
    }

    @Test
    void onlyAWrongModeShowsNoCertificate() throws Exception {
        DesiredFile want = pemFile("/etc/dcs/cert/server.crt", Files.readAllBytes(hostCert));
        Change c = FileStep.certificate(want).plan("dcs-00", FileStepTest.factsWith(new FileState(want.path(), true, "0644",
                FileStepTest.USER, FileStepTest.GROUP, want.sha256()))).changes().get(0);
        assertEquals("mode 0644 -> 0640", c.reason());
        assertTrue(c.certificates().isEmpty());
    }

    @Test
    void anUpToDateCertificateIsUnchanged() throws Exception {
        DesiredFile want = pemFile("/etc/dcs/cert/server.crt", Files.readAllBytes(hostCert));
        assertTrue(FileStep.certificate(want).plan("dcs-00", FileStepTest.factsWith(new FileState(want.path(), true, "0640",
                FileStepTest.USER, FileStepTest.GROUP, want.sha256()))).changes().isEmpty());
    }

    @Test
    void aPlainFileStepStillShowsItsDiffAndNoCertificate() {
        Change c = new FileStep(pemFile("/etc/dcs/etcd", "A=1\n".getBytes(StandardCharsets.UTF_8)), Optional.of(""))
                .plan("h", FileStepTest.factsWith()).changes().get(0);
        assertTrue(c.diff().contains("+A=1"), c.diff());
        assertTrue(c.certificates().isEmpty());
    }

    @Test
    void unreadableContentIsSaidSoAndStillNotPrinted() {
        byte[] junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        Change c = FileStep.certificate(pemFile("/x.crt", junk)).plan("h", FileStepTest.factsWith()).changes().get(0);
        assertEquals("", c.diff());
        assertTrue(c.certificates().get(0).subject().startsWith("(not a readable certificate"), c.certificates().toString());
        assertFalse(c.certificates().toString().contains("AAAA"));
    }

    static boolean opensslOnPath() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(entry, "openssl"))) {
                return true;
            }
        }
        return false;
    }

    static String openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
