package dev.dcsprov.pki;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The outcome of ensuring a member or client certificate: the material to install and whether
 * it is new. {@link #toString()} never shows the key.
 *
 * @param name              member or client name (the subject CN)
 * @param issued            true when a new key and certificate were made in this call
 * @param reason            why it was (re)issued, e.g. "missing", "SANs changed: +dns:foo -ip:1.2.3.4",
 *                          "expires in 12 days", "signed by another CA", "key algorithm changed: ...";
 *                          or why it was kept, e.g. "valid, expires in 300 days"
 * @param certificatePem    PEM certificate
 * @param privateKeyPem     PEM PKCS#8 private key; sensitive
 * @param info              parsed certificate, including the SHA-256 fingerprint
 * @param certificateFile   where the certificate lives in the PKI dir
 * @param privateKeyFile    where the key lives in the PKI dir
 */
public record IssuedCertificate(
        String name,
        boolean issued,
        String reason,
        byte[] certificatePem,
        byte[] privateKeyPem,
        CertificateInfo info,
        Path certificateFile,
        Path privateKeyFile) {

    public IssuedCertificate {
        Objects.requireNonNull(name);
        Objects.requireNonNull(reason);
        certificatePem = certificatePem.clone();
        privateKeyPem = privateKeyPem.clone();
        Objects.requireNonNull(info);
    }

    @Override
    public byte[] certificatePem() {
        return certificatePem.clone();
    }

    @Override
    public byte[] privateKeyPem() {
        return privateKeyPem.clone();
    }

    /** SHA-256 of the DER certificate, "AB:CD:...", as openssl prints it. */
    public String fingerprintSha256() {
        return info.fingerprintSha256();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IssuedCertificate other
                && name.equals(other.name)
                && issued == other.issued
                && reason.equals(other.reason)
                && Arrays.equals(certificatePem, other.certificatePem)
                && Arrays.equals(privateKeyPem, other.privateKeyPem)
                && certificateFile.equals(other.certificateFile)
                && privateKeyFile.equals(other.privateKeyFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, issued, reason, info.fingerprintSha256());
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + name + ", " + (issued ? "issued: " : "kept: ") + reason
                + ", sha256 " + info.fingerprintSha256() + "]";
    }
}
