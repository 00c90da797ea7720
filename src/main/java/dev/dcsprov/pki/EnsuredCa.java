package dev.dcsprov.pki;

/**
 * The outcome of {@link PkiStore#ensureCa}: the CA certificate to distribute and whether it is new.
 *
 * @param created true when a new CA key and certificate were made in this call
 * @param reason  "missing" when created; otherwise why the existing CA was kept, including any
 *                way it differs from what was asked (a CA is never replaced automatically)
 */
public record EnsuredCa(boolean created, String reason, CertificateInfo info, byte[] certificatePem) {
    public EnsuredCa {
        certificatePem = certificatePem.clone();
    }

    @Override
    public byte[] certificatePem() {
        return certificatePem.clone();
    }

    public String fingerprintSha256() {
        return info.fingerprintSha256();
    }
}
