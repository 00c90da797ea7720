package dev.dcsprov.pki;

import static dev.dcsprov.pki.PkiTestSupport.T0;
import static dev.dcsprov.pki.PkiTestSupport.fixed;
import static dev.dcsprov.pki.PkiTestSupport.mode;
import static dev.dcsprov.pki.PkiTestSupport.x509;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    @TempDir
    Path temp;

    @Test
    void createsSelfSignedCaWithPathLenZeroInPrivateDirectory() throws Exception {
        Path dir = temp.resolve("inventories/pki/dcs");
        PkiStore store = new PkiStore(dir, fixed(T0));

        EnsuredCa result = store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);

        assertTrue(result.created());
        assertEquals("missing", result.reason());
        X509Certificate ca = x509(dir.resolve("ca.crt"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("ca.crt")), result.certificatePem());
        assertEquals(new X500Principal("CN=dcs etcd CA,O=dcsprov"), ca.getSubjectX500Principal());
        assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
        ca.verify(ca.getPublicKey()); // self-signed
        assertEquals(0, ca.getBasicConstraints(), "CA:TRUE with pathLen 0");
        assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints critical");
        assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.15"), "keyUsage critical");
        boolean[] usage = ca.getKeyUsage();
        assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
        assertFalse(usage[0], "no digitalSignature");
        assertNotNull(ca.getExtensionValue("2.5.29.14"), "subject key identifier");
        assertEquals(T0.minus(Duration.ofMinutes(5)), ca.getNotBefore().toInstant());
        assertEquals(T0.plus(Duration.ofDays(3650)), ca.getNotAfter().toInstant());
        assertEquals("SHA256withECDSA", ca.getSigAlgName());
        assertEquals(256, ((ECPublicKey) ca.getPublicKey()).getParams().getCurve().getField().getFieldSize());

        assertEquals("rwx------", mode(dir));
        assertEquals("rw-------", mode(dir.resolve("ca.key")));
        assertEquals("rw-r--r--", mode(dir.resolve("ca.crt")));
        String keyPem = Files.readString(dir.resolve("ca.key"));
        assertTrue(keyPem.startsWith("-----BEGIN PRIVATE KEY-----\n"), keyPem.substring(0, 30));
    }

    @Test
    void secondEnsureKeepsTheCaEvenWhenAskedForAnotherAlgorithm() throws Exception {
        PkiStore store = new PkiStore(temp, fixed(T0));
        EnsuredCa first = store.ensureCa("dcs", KeyAlgorithm.ECDSA_P256, 3650);
        byte[] keyBefore = Files.readAllBytes(temp.resolve("ca.key"));

        EnsuredCa again = new PkiStore(temp, fixed(T0.plus(Duration.ofDays(10))))
                .ensureCa("dcs", KeyAlgorithm.RSA_2048, 3650);

        assertFalse(again.created());
        assertEquals(first.fingerprintSha256(), again.fingerprintSha256());
        assertArrayEquals(keyBefore, Files.readAllBytes(temp.resolve("ca.key")));
        assertTrue(again.reason().startsWith("exists, expires in 3640 days; kept although the CA key is ecdsa-p256, "
                + "not rsa-2048"), again.reason());
    }

    @Test
    void rsaCaIsSignedWithSha256WithRsa() throws Exception {
        new PkiStore(temp, fixed(T0)).ensureCa("dcs", KeyAlgorithm.RSA_2048, 30);

        X509Certificate ca = x509(temp.resolve("ca.crt"));
        assertEquals("SHA256withRSA", ca.getSigAlgName());
        assertEquals(2048, ((RSAPublicKey) ca.getPublicKey()).getModulus().bitLength());
        assertTrue(Files.readString(temp.resolve("ca.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
    }
}
