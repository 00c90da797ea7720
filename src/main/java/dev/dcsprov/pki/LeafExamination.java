package dev.dcsprov.pki;

import dev.dcsprov.pki.PkiDirectory.Kind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.Predicate;

/**
 * Why a stored leaf certificate must be reissued, or why it can stay. The checks run from the most
 * to the least fundamental, so the reason names the real problem. Reads only; never writes.
 *
 * @param trusted whether a certificate is signed by a CA its leaves may come from now
 */
record LeafExamination(PkiDirectory dir, Predicate<X509Certificate> trusted, Instant now) {

    /** @param sans expected SAN set for hosts; null for clients (which have none) */
    CertificateCheck examine(Kind kind, String name, KeyAlgorithm algorithm, SortedSet<String> sans, int renewBeforeDays,
                             ClientSubject form) {
        if (renewBeforeDays < 0) {
            throw new IllegalArgumentException("renewBeforeDays must not be negative, got " + renewBeforeDays);
        }
        Path certFile = dir.file(kind, name, ".crt");
        Path keyFile = dir.file(kind, name, ".key");
        boolean certExists = Files.exists(certFile);
        boolean keyExists = Files.exists(keyFile);
        if (!certExists && !keyExists) {
            return reissue("missing");
        }
        if (!certExists) {
            return reissue("certificate file missing");
        }
        if (!keyExists) {
            return reissue("key file missing");
        }
        dir.requirePrivate(keyFile);
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = Pem.decodeCertificate(Files.readAllBytes(certFile));
        } catch (IOException e) {
            return reissue("unreadable certificate: " + e.getMessage());
        }
        try {
            key = Pem.decodePrivateKey(Files.readAllBytes(keyFile));
        } catch (IOException e) {
            return reissue("unreadable key: " + e.getMessage());
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            return reissue("key does not match certificate");
        }
        if (!trusted.test(certificate)) {
            return reissue("signed by another CA");
        }
        Optional<KeyAlgorithm> actual = Keys.algorithmOf(certificate.getPublicKey());
        if (actual.isEmpty() || actual.get() != algorithm) {
            return reissue("key algorithm changed: " + Keys.describe(certificate.getPublicKey()) + " -> " + algorithm.id());
        }
        CertificateInfo info = CertificateInfo.of(certificate);
        Optional<String> subject = subjectProblem(kind, name, form, certificate, info);
        if (subject.isPresent()) {
            return reissue(subject.get());
        }
        List<String> usages = kind == Kind.HOST ? List.of("serverAuth", "clientAuth") : List.of("clientAuth");
        if (!info.extendedKeyUsages().containsAll(usages)) {
            return reissue("extended key usage " + info.extendedKeyUsages() + " lacks " + usages);
        }
        if (sans != null) {
            SortedSet<String> present = HostCertificateRequest.sanSet(info.dnsNames(), info.ipAddresses());
            if (!present.equals(sans)) {
                return reissue("SANs changed: " + sanDiff(present, sans));
            }
        }
        long daysLeft = info.daysLeft(now);
        if (info.isExpired(now)) {
            return reissue("expired " + Math.max(1, -daysLeft) + " days ago");
        }
        if (!info.notAfter().isAfter(now.plus(Duration.ofDays(renewBeforeDays)))) {
            return reissue("expires in " + daysLeft + " days");
        }
        return new CertificateCheck(false, "valid, expires in " + daysLeft + " days");
    }

    /** A client of a password user has no CN (etcd's JSON gateway refuses one) and names the user in OU; everyone else CN = name. */
    private static Optional<String> subjectProblem(Kind kind, String name, ClientSubject form, X509Certificate certificate,
                                                   CertificateInfo info) {
        if (kind == Kind.CLIENT && form == ClientSubject.NO_COMMON_NAME) {
            if (!info.commonName().isEmpty()) {
                return Optional.of("has CN '" + info.commonName() + "', which etcd's JSON gateway refuses; a user with a "
                        + "password gets a certificate without CN");
            }
            String ou = CertificateInfo.organizationalUnit(certificate.getSubjectX500Principal());
            return ou.equals(name) ? Optional.empty() : Optional.of("subject OU is '" + ou + "', expected '" + name + "'");
        }
        if (info.commonName().equals(name)) {
            return Optional.empty();
        }
        return Optional.of(info.commonName().isEmpty() && kind == Kind.CLIENT
                ? "has no CN; a user without a password is certificate-only and needs CN '" + name + "'"
                : "subject CN is '" + info.commonName() + "', expected '" + name + "'");
    }

    private static CertificateCheck reissue(String reason) {
        return new CertificateCheck(true, reason);
    }

    /** "+dns:new +ip:1.2.3.5 -ip:1.2.3.4": additions first, then removals, each sorted. */
    static String sanDiff(SortedSet<String> present, SortedSet<String> wanted) {
        List<String> parts = new ArrayList<>();
        for (String san : wanted) {
            if (!present.contains(san)) {
                parts.add("+" + san);
            }
        }
        for (String san : present) {
            if (!wanted.contains(san)) {
                parts.add("-" + san);
            }
        }
        return String.join(" ", parts);
    }
}
