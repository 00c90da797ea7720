package dev.dcsprov.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority: a self-signed CA certificate and its key, which signs
 * member and client certificates. The key is only ever handed to {@link PkiStore} to be written
 * into the PKI dir; it has no public accessor.
 */
public final class CertificateAuthority {
    /** Tolerates clocks of members that run a little behind the machine that issued the certificate. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    static final String ORGANIZATION = "dcsprov";

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = Objects.requireNonNull(certificate);
        this.privateKey = Objects.requireNonNull(privateKey);
    }

    /** A new self-signed CA, "CN=&lt;cluster&gt; etcd CA", allowed to sign leaf certificates only (pathLen 0). */
    static CertificateAuthority create(String clusterName, KeyAlgorithm algorithm, int days, Instant now) {
        return create(clusterName, algorithm, days, now, null);
    }

    /**
     * @param generation when set, an OU naming the CA's generation: the successor made by a CA
     *                   rotation then has a subject of its own, so issuer names tell old and new apart
     */
    static CertificateAuthority create(String clusterName, KeyAlgorithm algorithm, int days, Instant now, String generation) {
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be blank");
        }
        if (days <= 0) {
            throw new IllegalArgumentException("CA validity must be at least one day, got " + days);
        }
        KeyPair keys = Keys.generate(algorithm);
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION);
        if (generation != null) {
            name.addRDN(BCStyle.OU, generation);
        }
        X500Name subject = name.addRDN(BCStyle.CN, clusterName + " etcd CA").build();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, randomSerial(), notBefore(now), notAfter(now, days), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(sign(builder, keys.getPrivate(), keys.getPublic()), keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public byte[] certificatePem() {
        return Pem.encodeCertificate(certificate);
    }

    public CertificateInfo info() {
        return CertificateInfo.of(certificate);
    }

    /** The CA's key algorithm, or empty for a CA key dcsprov would not have generated. */
    public Optional<KeyAlgorithm> keyAlgorithm() {
        return Keys.algorithmOf(certificate.getPublicKey());
    }

    /** True when this CA's key signed the certificate. */
    public boolean signed(X509Certificate leaf) {
        try {
            leaf.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** A member certificate: TLS server and client (etcd members are both, to each other). */
    X509Certificate issueHost(HostCertificateRequest request, PublicKey subjectKey, Instant now) {
        List<GeneralName> names = new ArrayList<>();
        for (String dns : request.canonicalDnsNames()) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : request.canonicalIpAddresses()) {
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return issueLeaf(request.memberName(), subjectKey, request.days(), now,
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}, names);
    }

    /** A client certificate with CN = name; etcd takes the CN as the user name when client-cert auth is on. */
    X509Certificate issueClient(String name, PublicKey subjectKey, int days, Instant now) {
        return issueClient(name, ClientSubject.COMMON_NAME, subjectKey, days, now);
    }

    /** A client certificate of the given form: CN = name, or OU = name and no CN (see {@link ClientSubject}). */
    X509Certificate issueClient(String name, ClientSubject form, PublicKey subjectKey, int days, Instant now) {
        HostCertificateRequest.requireFileSafeName("client", name);
        if (days <= 0) {
            throw new IllegalArgumentException("certificate validity must be at least one day, got " + days);
        }
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION);
        subject = form == ClientSubject.COMMON_NAME ? subject.addRDN(BCStyle.CN, name) : subject.addRDN(BCStyle.OU, name);
        return issueLeaf(subject.build(), name, subjectKey, days, now, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, List.of());
    }

    private X509Certificate issueLeaf(String commonName, PublicKey subjectKey, int days, Instant now,
            KeyPurposeId[] purposes, List<GeneralName> sans) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.CN, commonName)
                .build();
        return issueLeaf(subject, commonName, subjectKey, days, now, purposes, sans);
    }

    private X509Certificate issueLeaf(X500Name subject, String commonName, PublicKey subjectKey, int days, Instant now,
            KeyPurposeId[] purposes, List<GeneralName> sans) {
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        // RFC 5480: keyEncipherment is meaningless (and disallowed) for EC keys; RSA key exchange needs it.
        int keyUsage = "RSA".equals(subjectKey.getAlgorithm())
                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                : KeyUsage.digitalSignature;
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer, randomSerial(), notBefore(now), notAfter(now, days), subject, subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(utils));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new DERSequence(sans.toArray(new ASN1Encodable[0])));
            }
            return sign(builder, privateKey, certificate.getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the certificate for " + commonName, e);
        }
    }

    /** Points at the CA's own subject key identifier, so chains built by other tools match too. */
    private AuthorityKeyIdentifier authorityKeyIdentifier(JcaX509ExtensionUtils utils) throws IOException {
        byte[] ski = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            byte[] keyId = SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ski))
                    .getKeyIdentifier();
            return new AuthorityKeyIdentifier(keyId);
        }
        return utils.createAuthorityKeyIdentifier(certificate.getPublicKey());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signerKey, PublicKey signerPublic)
            throws GeneralSecurityException {
        try {
            // A provider instance, not Security.addProvider: sshj shares this JVM and reacts to registered providers.
            ContentSigner signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(signerPublic))
                    .setProvider(BouncyCastle.PROVIDER)
                    .build(signerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create signer: " + e.getMessage(), e);
        }
    }

    /** 128 random bits, positive and non-zero (CA/B Forum asks for at least 64 bits of entropy). */
    static BigInteger randomSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, Keys.RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }

    private static Date notBefore(Instant now) {
        return Date.from(now.minus(CLOCK_SKEW));
    }

    private static Date notAfter(Instant now, int days) {
        return Date.from(now.plus(Duration.ofDays(days)));
    }

    /** One unregistered provider instance; creating it is costly. */
    private static final class BouncyCastle {
        static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    }
}
