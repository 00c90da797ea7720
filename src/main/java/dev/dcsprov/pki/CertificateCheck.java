package dev.dcsprov.pki;

/**
 * What ensuring a certificate would do, without doing it; planning uses this so that it never
 * writes to the PKI dir.
 *
 * @param reissue true when the certificate would be issued anew
 * @param reason  the same reason {@link IssuedCertificate#reason()} would give
 */
public record CertificateCheck(boolean reissue, String reason) {
}
