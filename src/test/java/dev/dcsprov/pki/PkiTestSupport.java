package dev.dcsprov.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** Shared helpers; they use the JDK only, not the code under test, to check results. */
final class PkiTestSupport {
    static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");

    private PkiTestSupport() {
    }

    static Clock fixed(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static X509Certificate x509(byte[] pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem));
    }

    static X509Certificate x509(Path file) throws Exception {
        return x509(Files.readAllBytes(file));
    }

    /** PKIX path validation of leaf against the CA as the only trust anchor, at the given time. */
    static void validateChain(X509Certificate leaf, X509Certificate ca, Instant at) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }

    static HostCertificateRequest host(String name, KeyAlgorithm algorithm, String... sans) {
        return HostCertificateRequest.of(name, List.of(sans), 365, algorithm);
    }
}
