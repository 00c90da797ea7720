package dev.dcsprov.pki;

import static dev.dcsprov.pki.PkiTestSupport.T0;
import static dev.dcsprov.pki.PkiTestSupport.fixed;
import static dev.dcsprov.pki.PkiTestSupport.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateInfoTest {
    @TempDir
    Path dir;

    @Test
    void describesAHostCertificate() throws Exception {
        PkiStore store = new PkiStore(dir, fixed(T0));
        store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        byte[] pem = store.ensureHostCertificate(
                host("dcs-00", KeyAlgorithm.ECDSA_P256, "dcs-00", "10.0.0.10", "fd00:0:0:0:0:0:0:10"), 30)
                .certificatePem();

        CertificateInfo info = CertificateInfo.parse(pem);

        assertEquals("CN=dcs-00,O=dcsprov", info.subject());
        assertEquals("dcs-00", info.commonName());
        assertEquals("CN=dcs etcd CA,O=dcsprov", info.issuer());
        assertEquals(List.of("dcs-00"), info.dnsNames());
        assertEquals(List.of("10.0.0.10", "fd00::10"), info.ipAddresses());
        assertEquals(List.of("serverAuth", "clientAuth"), info.extendedKeyUsages());
        assertFalse(info.ca());
        assertEquals("ecdsa-p256", info.keyAlgorithm());
        assertEquals(T0.plus(Duration.ofDays(365)), info.notAfter());
        assertEquals(T0.minus(Duration.ofMinutes(5)), info.notBefore());
        assertEquals(PkiTestSupport.x509(pem).getSerialNumber(), new java.math.BigInteger(info.serialHex(), 16));
        assertEquals(0, info.serialHex().length() % 2);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(PkiTestSupport.x509(pem).getEncoded());
        assertEquals(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest), info.fingerprintSha256());
    }

    @Test
    void daysLeftRoundsDownAndGoesNegativeAfterExpiry() throws Exception {
        PkiStore store = new PkiStore(dir, fixed(T0));
        store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        CertificateInfo info = store.ensureClientCertificate("root", KeyAlgorithm.ECDSA_P256, 10, 0).info();

        assertEquals(10, info.daysLeft(T0));
        assertEquals(9, info.daysLeft(T0.plusSeconds(1)));
        assertEquals(0, info.daysLeft(T0.plus(Duration.ofDays(10)).minusSeconds(1)));
        assertFalse(info.isExpired(T0.plus(Duration.ofDays(10)).minusSeconds(1)));
        assertTrue(info.isExpired(T0.plus(Duration.ofDays(10))));
        assertEquals(-1, info.daysLeft(T0.plus(Duration.ofDays(10)).plusSeconds(1)));
        assertEquals(-20, info.daysLeft(T0.plus(Duration.ofDays(30))));
    }

    @Test
    void garbageIsAnIoException() {
        assertThrows(IOException.class, () -> CertificateInfo.parse("hello".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IOException.class, () -> CertificateInfo.parse(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII)));
    }
}
