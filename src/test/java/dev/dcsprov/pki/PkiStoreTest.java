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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

class PkiStoreTest {
    @TempDir
    Path dir;

    PkiStore store;

    @BeforeEach
    void createCa() {
        store = new PkiStore(dir, fixed(T0));
        store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
    }

    @Test
    void hostCertificateHasExactlyTheRequestedSansBothUsagesAndVerifiesAgainstTheCa() throws Exception {
        IssuedCertificate issued = store.ensureHostCertificate(
                host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00.example.org", "10.0.0.10", "localhost", "127.0.0.1",
                        "fd00::10"), 30);

        assertTrue(issued.issued());
        assertEquals("missing", issued.reason());
        X509Certificate cert = x509(dir.resolve("hosts/dcs-00.crt"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("hosts/dcs-00.crt")), issued.certificatePem());
        assertArrayEquals(Files.readAllBytes(dir.resolve("hosts/dcs-00.key")), issued.privateKeyPem());
        assertEquals(new X500Principal("CN=dcs-00,O=dcsprov"), cert.getSubjectX500Principal());

        Set<String> sans = new HashSet<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            Object value = san.get(1);
            // Compare IPs by value: the JDK prints IPv6 in its own long form.
            sans.add(san.get(0) + ":" + ((Integer) san.get(0) == 7
                    ? InetAddress.getByName((String) value).getHostAddress() : value));
        }
        assertEquals(Set.of("2:dcs-00.example.org", "2:localhost", "7:10.0.0.10", "7:127.0.0.1",
                "7:" + InetAddress.getByName("fd00::10").getHostAddress()), sans);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        boolean[] usage = cert.getKeyUsage();
        assertTrue(usage[0], "digitalSignature");
        assertFalse(usage[2], "no keyEncipherment on an EC key");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertTrue(cert.getSerialNumber().signum() > 0);
        assertTrue(cert.getSerialNumber().bitLength() > 64, "random 128-bit serial");

        X509Certificate ca = x509(dir.resolve("ca.crt"));
        cert.verify(ca.getPublicKey());
        validateChain(cert, ca, T0);
        assertEquals(T0.minus(Duration.ofMinutes(5)), cert.getNotBefore().toInstant());
        assertEquals(T0.plus(Duration.ofDays(365)), cert.getNotAfter().toInstant());
        assertEquals(CertificateInfo.parse(issued.certificatePem()).fingerprintSha256(), issued.fingerprintSha256());
        assertTrue(issued.fingerprintSha256().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), issued.fingerprintSha256());

        assertEquals("rwx------", mode(dir.resolve("hosts")));
        assertEquals("rw-------", mode(dir.resolve("hosts/dcs-00.key")));
        assertEquals("rw-r--r--", mode(dir.resolve("hosts/dcs-00.crt")));
        try (var files = Files.list(dir.resolve("hosts"))) {
            assertEquals(List.of("dcs-00.crt", "dcs-00.key"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temp files left");
        }
    }

    @Test
    void rsaHostCertificateHasKeyEnciphermentAndRsaKey() throws Exception {
        IssuedCertificate issued = store.ensureHostCertificate(host("dcs-01", KeyAlgorithm.RSA_2048, "10.0.0.11"), 30);

        X509Certificate cert = x509(issued.certificatePem());
        assertEquals(2048, ((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength());
        assertTrue(cert.getKeyUsage()[0] && cert.getKeyUsage()[2], "digitalSignature and keyEncipherment");
        // Signed by the EC CA even though the leaf is RSA.
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        validateChain(cert, x509(dir.resolve("ca.crt")), T0);
        assertEquals("rsa-2048", issued.info().keyAlgorithm());
    }

    @Test
    void secondEnsureReusesTheCertificate() throws Exception {
        HostCertificateRequest request = host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00", "10.0.0.10");
        IssuedCertificate first = store.ensureHostCertificate(request, 30);
        FileTime mtime = Files.getLastModifiedTime(dir.resolve("hosts/dcs-00.crt"));

        // A fresh store, as on the next run, one day later.
        IssuedCertificate second = new PkiStore(dir, fixed(T0.plus(Duration.ofDays(1))))
                .ensureHostCertificate(request, 30);

        assertFalse(second.issued());
        assertEquals("valid, expires in 364 days", second.reason());
        assertEquals(first.fingerprintSha256(), second.fingerprintSha256());
        assertArrayEquals(first.privateKeyPem(), second.privateKeyPem());
        assertEquals(mtime, Files.getLastModifiedTime(dir.resolve("hosts/dcs-00.crt")));
        assertFalse(Files.exists(dir.resolve("archive")));
    }

    @Test
    void sanComparisonIgnoresOrderCaseAndIpSpelling() {
        IssuedCertificate first = store.ensureHostCertificate(
                host("dcs-00", KeyAlgorithm.ECDSA_P256, "Dcs-00.Example.org", "0:0:0:0:0:0:0:1", "10.0.0.10"), 30);

        IssuedCertificate second = store.ensureHostCertificate(
                host("dcs-00", KeyAlgorithm.ECDSA_P256, "10.0.0.10", "::1", "dcs-00.example.org"), 30);

        assertFalse(second.issued(), second.reason());
        assertEquals(first.fingerprintSha256(), second.fingerprintSha256());
        assertEquals(List.of("dcs-00.example.org"), second.info().dnsNames());
        assertEquals(List.of("::1", "10.0.0.10"), second.info().ipAddresses());
    }

    @Test
    void changedSansReissueAndArchiveTheOldPairWithoutTouchingOtherHosts() throws Exception {
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "foo", "1.2.3.4"), 30);
        store.ensureHostCertificate(host("dcs-01", KeyAlgorithm.ECDSA_P256, "dcs-01", "10.0.0.11"), 30);
        byte[] oldCert = Files.readAllBytes(dir.resolve("hosts/dcs-00.crt"));
        byte[] oldKey = Files.readAllBytes(dir.resolve("hosts/dcs-00.key"));
        byte[] otherCert = Files.readAllBytes(dir.resolve("hosts/dcs-01.crt"));
        byte[] otherKey = Files.readAllBytes(dir.resolve("hosts/dcs-01.key"));
        FileTime otherCertTime = Files.getLastModifiedTime(dir.resolve("hosts/dcs-01.crt"));
        FileTime otherKeyTime = Files.getLastModifiedTime(dir.resolve("hosts/dcs-01.key"));

        Instant later = T0.plus(Duration.ofHours(2));
        IssuedCertificate reissued = new PkiStore(dir, fixed(later)).ensureHostCertificate(
                host("dcs-00", KeyAlgorithm.ECDSA_P256, "bar", "foo", "1.2.3.5"), 30);

        assertTrue(reissued.issued());
        assertEquals("SANs changed: +dns:bar +ip:1.2.3.5 -ip:1.2.3.4", reissued.reason());
        assertNotEquals(new String(oldCert), new String(reissued.certificatePem()));
        Path archived = dir.resolve("archive/20250102T050405Z/hosts");
        assertArrayEquals(oldCert, Files.readAllBytes(archived.resolve("dcs-00.crt")));
        assertArrayEquals(oldKey, Files.readAllBytes(archived.resolve("dcs-00.key")));
        assertEquals("rw-------", mode(archived.resolve("dcs-00.key")));
        assertEquals("rwx------", mode(dir.resolve("archive")));
        assertEquals("rwx------", mode(dir.resolve("archive/20250102T050405Z")));
        assertEquals("rwx------", mode(archived));

        assertArrayEquals(otherCert, Files.readAllBytes(dir.resolve("hosts/dcs-01.crt")));
        assertArrayEquals(otherKey, Files.readAllBytes(dir.resolve("hosts/dcs-01.key")));
        assertEquals(otherCertTime, Files.getLastModifiedTime(dir.resolve("hosts/dcs-01.crt")));
        assertEquals(otherKeyTime, Files.getLastModifiedTime(dir.resolve("hosts/dcs-01.key")));
    }

    @Test
    void twoReissuesInTheSameSecondKeepBothArchivedCopies() throws Exception {
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "a"), 30);
        byte[] first = Files.readAllBytes(dir.resolve("hosts/dcs-00.crt"));
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "b"), 30);
        byte[] second = Files.readAllBytes(dir.resolve("hosts/dcs-00.crt"));
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "c"), 30);

        assertArrayEquals(first, Files.readAllBytes(dir.resolve("archive/20250102T030405Z/hosts/dcs-00.crt")));
        assertArrayEquals(second, Files.readAllBytes(dir.resolve("archive/20250102T030405Z-2/hosts/dcs-00.crt")));
    }

    @Test
    void certificateExpiringWithinRenewBeforeIsReissued() throws Exception {
        HostCertificateRequest shortLived = new HostCertificateRequest("dcs-00", List.of("dcs-00"), List.of(), 10,
                KeyAlgorithm.ECDSA_P256);
        IssuedCertificate first = store.ensureHostCertificate(shortLived, 30);
        assertTrue(first.issued());

        IssuedCertificate second = store.ensureHostCertificate(shortLived, 30);

        assertTrue(second.issued());
        assertEquals("expires in 10 days", second.reason());
        assertNotEquals(first.fingerprintSha256(), second.fingerprintSha256());
        // With renewBefore below the remaining validity it is kept.
        assertFalse(store.ensureHostCertificate(shortLived, 9).issued());
    }

    @Test
    void expiredCertificateIsDescribedAndReissued() throws Exception {
        Instant past = T0.minus(Duration.ofDays(400));
        Path old = dir.resolve("old");
        PkiStore then = new PkiStore(old, fixed(past));
        then.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        HostCertificateRequest request = host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00");
        IssuedCertificate expired = then.ensureHostCertificate(request, 30);

        CertificateInfo info = CertificateInfo.parse(Files.readAllBytes(old.resolve("hosts/dcs-00.crt")));
        assertEquals(-35, info.daysLeft(T0));
        assertTrue(info.isExpired(T0));

        PkiStore now = new PkiStore(old, fixed(T0));
        assertEquals(new CertificateCheck(true, "expired 35 days ago"), now.checkHostCertificate(request, 30));
        IssuedCertificate renewed = now.ensureHostCertificate(request, 30);
        assertTrue(renewed.issued());
        assertEquals("expired 35 days ago", renewed.reason());
        assertEquals(365, renewed.info().daysLeft(T0));
        assertArrayEquals(expired.certificatePem(),
                Files.readAllBytes(old.resolve("archive/20250102T030405Z/hosts/dcs-00.crt")));
    }

    @Test
    void certificateFromAnotherCaIsReissued() throws Exception {
        Path other = dir.resolve("other");
        PkiStore otherStore = new PkiStore(other, fixed(T0));
        otherStore.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        HostCertificateRequest request = host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00");
        otherStore.ensureHostCertificate(request, 30);
        Files.createDirectories(dir.resolve("hosts"));
        for (String file : List.of("hosts/dcs-00.crt", "hosts/dcs-00.key")) {
            Files.copy(other.resolve(file), dir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }

        IssuedCertificate issued = store.ensureHostCertificate(request, 30);

        assertTrue(issued.issued());
        assertEquals("signed by another CA", issued.reason());
        x509(issued.certificatePem()).verify(x509(dir.resolve("ca.crt")).getPublicKey());
    }

    @Test
    void changedKeyAlgorithmIsReissued() throws Exception {
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);

        IssuedCertificate issued = store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.RSA_2048, "dcs-00"), 30);

        assertTrue(issued.issued());
        assertEquals("key algorithm changed: ecdsa-p256 -> rsa-2048", issued.reason());
        assertTrue(x509(issued.certificatePem()).getPublicKey() instanceof RSAPublicKey);
    }

    @Test
    void keyThatDoesNotMatchTheCertificateIsReissued() throws Exception {
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);
        store.ensureHostCertificate(host("dcs-01", KeyAlgorithm.ECDSA_P256, "dcs-01"), 30);
        Files.copy(dir.resolve("hosts/dcs-01.key"), dir.resolve("hosts/dcs-00.key"),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);

        IssuedCertificate issued = store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);

        assertEquals("key does not match certificate", issued.reason());
        assertTrue(issued.issued());
    }

    @Test
    void missingKeyIsReissuedAndTheLoneCertificateArchived() throws Exception {
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);
        byte[] cert = Files.readAllBytes(dir.resolve("hosts/dcs-00.crt"));
        Files.delete(dir.resolve("hosts/dcs-00.key"));

        IssuedCertificate issued = store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);

        assertEquals("key file missing", issued.reason());
        assertArrayEquals(cert, Files.readAllBytes(dir.resolve("archive/20250102T030405Z/hosts/dcs-00.crt")));
    }

    @Test
    void checkDoesNotWrite() throws Exception {
        HostCertificateRequest request = host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00");
        assertEquals(new CertificateCheck(true, "missing"), store.checkHostCertificate(request, 30));
        assertFalse(Files.exists(dir.resolve("hosts")));

        store.ensureHostCertificate(request, 30);
        assertEquals(new CertificateCheck(false, "valid, expires in 365 days"), store.checkHostCertificate(request, 30));
        assertEquals(new CertificateCheck(true, "SANs changed: +ip:10.0.0.1"),
                store.checkHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00", "10.0.0.1"), 30));
        assertFalse(Files.exists(dir.resolve("archive")));
    }

    @Test
    void adminClientCertificateIsRootWithClientAuthOnly() throws Exception {
        IssuedCertificate admin = store.ensureAdminClientCertificate(KeyAlgorithm.ECDSA_P256, 365, 30);

        assertTrue(admin.issued());
        assertEquals(dir.resolve("clients/root.crt"), admin.certificateFile());
        X509Certificate cert = x509(dir.resolve("clients/root.crt"));
        assertEquals(new X500Principal("CN=root,O=dcsprov"), cert.getSubjectX500Principal());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        assertNull(cert.getSubjectAlternativeNames());
        validateChain(cert, x509(dir.resolve("ca.crt")), T0);
        assertEquals("rw-------", mode(dir.resolve("clients/root.key")));
        assertEquals("rwx------", mode(dir.resolve("clients")));

        IssuedCertificate again = store.ensureClientCertificate("root", KeyAlgorithm.ECDSA_P256, 365, 30);
        assertFalse(again.issued());
        assertEquals(admin.fingerprintSha256(), again.fingerprintSha256());

        IssuedCertificate app = store.ensureClientCertificate("patroni", KeyAlgorithm.RSA_2048, 90, 30);
        assertEquals("CN=patroni,O=dcsprov", app.info().subject());
        assertEquals(90, app.info().daysLeft(T0));
    }

    @Test
    void hostCertificateWithServerUsageIsNotReusedAsClientCertificate() throws Exception {
        // A host pair copied into clients/ has the right CA but the wrong name.
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);
        Files.createDirectories(dir.resolve("clients"));
        Files.copy(dir.resolve("hosts/dcs-00.crt"), dir.resolve("clients/root.crt"));
        Files.copy(dir.resolve("hosts/dcs-00.key"), dir.resolve("clients/root.key"), StandardCopyOption.COPY_ATTRIBUTES);

        assertEquals(new CertificateCheck(true, "subject CN is 'dcs-00', expected 'root'"),
                store.checkClientCertificate("root", KeyAlgorithm.ECDSA_P256, 30));
    }

    @Test
    void parallelWorkersGetDistinctValidCertificates() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<IssuedCertificate>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "dcs-0" + i;
                futures.add(pool.submit(() -> store.ensureHostCertificate(host(name, KeyAlgorithm.ECDSA_P256, name), 30)));
            }
            X509Certificate ca = x509(dir.resolve("ca.crt"));
            Set<String> fingerprints = new HashSet<>();
            for (Future<IssuedCertificate> future : futures) {
                IssuedCertificate issued = future.get();
                validateChain(x509(issued.certificatePem()), ca, T0);
                assertArrayEquals(issued.certificatePem(), Files.readAllBytes(issued.certificateFile()));
                fingerprints.add(issued.fingerprintSha256());
            }
            assertEquals(8, fingerprints.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentStoresOnOneDirectoryCreateOneCa() throws Exception {
        Path shared = dir.resolve("shared");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<EnsuredCa>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Separate instances, as two commands would have: only the directory lock serialises them.
                futures.add(pool.submit(() -> new PkiStore(shared).ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650)));
            }
            Set<String> fingerprints = new HashSet<>();
            int created = 0;
            for (Future<EnsuredCa> future : futures) {
                fingerprints.add(future.get().fingerprintSha256());
                created += future.get().created() ? 1 : 0;
            }
            assertEquals(1, created);
            assertEquals(1, fingerprints.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listDescribesCaHostsAndClients() {
        store.ensureHostCertificate(host("dcs-01", KeyAlgorithm.ECDSA_P256, "dcs-01"), 30);
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);
        store.ensureAdminClientCertificate(KeyAlgorithm.ECDSA_P256, 365, 30);

        List<StoredCertificate> all = store.list();

        assertEquals(List.of("ca:ca", "host:dcs-00", "host:dcs-01", "client:root"),
                all.stream().map(c -> c.kind() + ":" + c.name()).toList());
        assertEquals("dcs etcd CA", all.get(0).info().orElseThrow().commonName());
        assertTrue(all.get(0).info().orElseThrow().ca());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void corruptCaKeyIsAPkiErrorNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("ca.key"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");

        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new PkiStore(dir).ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertEquals("Cannot read the CA key " + dir.toRealPath().resolve("ca.key"), e.summary());
        assertTrue(e.detail().isPresent());
        assertTrue(e.fix().orElseThrow().contains("backup"), e.fix().orElseThrow());
    }

    @Test
    void emptyCaCertificateIsAPkiErrorNamingTheFile() throws Exception {
        Files.write(dir.resolve("ca.crt"), new byte[0]);

        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new PkiStore(dir).ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertTrue(e.summary().startsWith("Cannot read the CA certificate "), e.summary());
        assertTrue(e.summary().endsWith("ca.crt"), e.summary());
        assertEquals("no PEM CERTIFICATE block found", e.detail().orElseThrow());
    }

    @Test
    void caKeyFromAnotherCaIsRefused() throws Exception {
        Path other = dir.resolve("other");
        new PkiStore(other).ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        Files.copy(other.resolve("ca.key"), dir.resolve("ca.key"),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);

        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new PkiStore(dir).ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertTrue(e.summary().contains("ca.key does not belong to the CA certificate"), e.summary());
    }

    @Test
    void halfACaIsNeverCompletedSilently() throws Exception {
        Files.delete(dir.resolve("ca.crt"));

        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new PkiStore(dir).ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertTrue(e.summary().startsWith("The CA is incomplete: "), e.summary());
        assertFalse(Files.exists(dir.resolve("ca.crt")));
    }

    @Test
    void looseCaKeyPermissionsAskForChmod600() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("ca.key"), PosixFilePermissions.fromString("rw-r--r--"));

        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new PkiStore(dir).ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertTrue(e.summary().contains("ca.key is readable by other users (rw-r--r--)"), e.summary());
        assertTrue(e.fix().orElseThrow().startsWith("Run: chmod 600 "), e.fix().orElseThrow());
    }

    @Test
    void looseHostKeyPermissionsAskForChmod600() throws Exception {
        store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30);
        Files.setPosixFilePermissions(dir.resolve("hosts/dcs-00.key"), PosixFilePermissions.fromString("rw-rw----"));

        DcsprovException e = assertThrows(DcsprovException.class,
                () -> store.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertTrue(e.fix().orElseThrow().contains("chmod 600 '" + dir.resolve("hosts/dcs-00.key") + "'"),
                e.fix().orElseThrow());
    }

    @Test
    void issuingWithoutCaIsAPkiError() {
        PkiStore empty = new PkiStore(dir.resolve("empty"));

        DcsprovException e = assertThrows(DcsprovException.class,
                () -> empty.ensureHostCertificate(host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00"), 30));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertFalse(Files.exists(dir.resolve("empty")));
    }

    @Test
    void expiredCaIsAPkiError() {
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new PkiStore(dir, fixed(T0.plus(Duration.ofDays(3651)))).ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650));

        assertEquals(ExitCode.PKI, e.exitCode());
        assertTrue(e.summary().contains("expired"), e.summary());
    }

    // ---------------------------------------------------------------- rotation

    @Test
    void reissueHostCertificateMakesANewKeyAndSerialAndArchivesTheValidOldPair() throws Exception {
        store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        HostCertificateRequest request = PkiTestSupport.host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00", "10.0.0.10");
        IssuedCertificate first = store.ensureHostCertificate(request, 30);
        PkiStore later = new PkiStore(dir, PkiTestSupport.fixed(PkiTestSupport.T0.plus(Duration.ofDays(1))));

        IssuedCertificate rotated = later.reissueHostCertificate(request);

        assertTrue(rotated.issued());
        assertEquals("rotated", rotated.reason());
        assertNotEquals(first.info().serialHex(), rotated.info().serialHex());
        assertNotEquals(new String(first.privateKeyPem()), new String(rotated.privateKeyPem()));
        assertEquals(first.info().dnsNames(), rotated.info().dnsNames());
        assertEquals(PkiTestSupport.T0.plus(Duration.ofDays(366)), rotated.info().notAfter(), "a full new validity");
        Path archived = dir.resolve("archive").resolve("20250103T030405Z").resolve("hosts");
        assertArrayEquals(first.certificatePem(), Files.readAllBytes(archived.resolve("dcs-00.crt")));
        assertArrayEquals(first.privateKeyPem(), Files.readAllBytes(archived.resolve("dcs-00.key")));
        assertEquals("rw-------", PkiTestSupport.mode(dir.resolve("hosts/dcs-00.key")));
        PkiTestSupport.validateChain(PkiTestSupport.x509(rotated.certificatePem()),
                PkiTestSupport.x509(dir.resolve("ca.crt")), PkiTestSupport.T0.plus(Duration.ofDays(2)));
        assertFalse(later.checkHostCertificate(request, 30).reissue(), "apply keeps the rotated certificate");
    }

    @Test
    void reissueClientCertificateRotatesTheAdminAndListsClients() throws Exception {
        store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        IssuedCertificate first = store.ensureAdminClientCertificate(KeyAlgorithm.ECDSA_P256, 365, 30);
        store.ensureClientCertificate("patroni", KeyAlgorithm.ECDSA_P256, 365, 30);
        IssuedCertificate rotated = store.reissueClientCertificate(PkiStore.ADMIN_CLIENT, KeyAlgorithm.ECDSA_P256, 365);
        assertNotEquals(first.info().serialHex(), rotated.info().serialHex());
        assertEquals("root", rotated.info().commonName());
        assertEquals(List.of("clientAuth"), rotated.info().extendedKeyUsages());
        assertEquals(List.of("patroni", "root"), store.clientNames());
    }

    @Test
    void reissueWithoutACaIsAPkiError() {
        Path empty = dir.resolve("empty");
        DcsprovException e = assertThrows(DcsprovException.class, () -> new PkiStore(empty, fixed(T0)).reissueHostCertificate(
                PkiTestSupport.host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00")));
        assertEquals(ExitCode.PKI, e.exitCode());
        assertFalse(Files.exists(empty.resolve("hosts")), "nothing written");
    }

    @Test
    void parseAllReadsEveryCertificateOfABundle() throws Exception {
        store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
        byte[] leaf = store.ensureAdminClientCertificate(KeyAlgorithm.ECDSA_P256, 365, 30).certificatePem();
        byte[] bundle = (new String(ca) + new String(leaf)).getBytes();
        List<CertificateInfo> all = CertificateInfo.parseAll(bundle);
        assertEquals(2, all.size());
        assertEquals("dcs etcd CA", all.get(0).commonName());
        assertEquals("root", all.get(1).commonName());
        assertEquals(List.of(), CertificateInfo.parseAll(new byte[0]));
    }
}
