package dev.dcsprov.pki;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * What a person (and {@code dcsprov certs}) wants to know about a certificate. Parsing never
 * checks validity dates, so expired certificates are described like any other.
 *
 * @param subject           RFC 2253 form, e.g. "CN=etcd-1,O=dcsprov"
 * @param commonName        the subject CN, or "" if none
 * @param issuer            RFC 2253 form
 * @param serialHex         uppercase hex, as {@code openssl x509 -serial} prints it
 * @param dnsNames          DNS SANs in certificate order
 * @param ipAddresses       IP SANs in certificate order, canonical text (RFC 5952 for IPv6)
 * @param extendedKeyUsages "serverAuth", "clientAuth", or the OID for others
 * @param ca                basicConstraints CA:TRUE
 * @param keyAlgorithm      e.g. "ecdsa-p256", "rsa-2048"
 * @param fingerprintSha256 uppercase hex, colon separated, as {@code openssl x509 -fingerprint -sha256}
 */
public record CertificateInfo(
        String subject,
        String commonName,
        String issuer,
        String serialHex,
        Instant notBefore,
        Instant notAfter,
        List<String> dnsNames,
        List<String> ipAddresses,
        List<String> extendedKeyUsages,
        boolean ca,
        String keyAlgorithm,
        String fingerprintSha256) {

    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    public CertificateInfo {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        extendedKeyUsages = List.copyOf(extendedKeyUsages);
    }

    /** The first certificate of a PEM text. */
    public static CertificateInfo parse(byte[] pem) throws IOException {
        return of(Pem.decodeCertificate(pem));
    }

    /** Every certificate of a PEM text (a CA bundle holds several), in file order; empty when there is none. */
    public static List<CertificateInfo> parseAll(byte[] pem) throws IOException {
        List<CertificateInfo> all = new ArrayList<>();
        for (X509Certificate c : Pem.decodeCertificates(pem)) {
            all.add(of(c));
        }
        return all;
    }

    static CertificateInfo of(X509Certificate certificate) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<String> ekus = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        dns.add((String) san.get(1));
                    } else if (type == 7) {
                        // The JDK prints IPv6 in full form; normalise for comparison and display.
                        String ip = (String) san.get(1);
                        ips.add(IpLiteral.isValid(ip) ? IpLiteral.normalize(ip) : ip);
                    }
                }
            }
            List<String> usages = certificate.getExtendedKeyUsage();
            if (usages != null) {
                for (String oid : usages) {
                    ekus.add(switch (oid) {
                        case SERVER_AUTH -> "serverAuth";
                        case CLIENT_AUTH -> "clientAuth";
                        default -> oid;
                    });
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("certificate extensions cannot be parsed: " + e.getMessage(), e);
        }
        return new CertificateInfo(
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                commonName(certificate.getSubjectX500Principal()),
                certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                serialHex(certificate),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                dns,
                ips,
                ekus,
                certificate.getBasicConstraints() >= 0,
                Keys.describe(certificate.getPublicKey()),
                fingerprintSha256(certificate));
    }

    /** Whole days until notAfter, rounded down; negative once expired (-1 on the first day after). */
    public long daysLeft(Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter).getSeconds(), 86_400L);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(notAfter);
    }

    /** Whole bytes, as openssl prints serials: "0A1B..." rather than "A1B...". */
    private static String serialHex(X509Certificate certificate) {
        String hex = certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    static String commonName(X500Principal principal) {
        X500Name name = X500Name.getInstance(principal.getEncoded());
        RDN[] cns = name.getRDNs(BCStyle.CN);
        return cns.length == 0 ? "" : IETFUtils.valueToString(cns[0].getFirst().getValue());
    }

    /** The subject's first OU, or "" if none. */
    static String organizationalUnit(X500Principal principal) {
        RDN[] ous = X500Name.getInstance(principal.getEncoded()).getRDNs(BCStyle.OU);
        return ous.length == 0 ? "" : IETFUtils.valueToString(ous[0].getFirst().getValue());
    }

    static String fingerprintSha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
