package dev.dcsprov.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Key generation and key facts through the JDK providers (SunEC, SunRsaSign). */
final class Keys {
    static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    static KeyPair generate(KeyAlgorithm algorithm) {
        try {
            KeyPairGenerator generator;
            switch (algorithm) {
                case ECDSA_P256 -> {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                }
                case RSA_2048 -> {
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048, RANDOM);
                }
                case RSA_4096 -> {
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(4096, RANDOM);
                }
                default -> throw new IllegalArgumentException("unknown key algorithm " + algorithm);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + algorithm.id() + " keys", e);
        }
    }

    static String signatureAlgorithm(PublicKey signerKey) {
        return "EC".equals(signerKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    }

    /** Which of our algorithms a public key is, if any (a P-384 or RSA-3072 key is none of them). */
    static Optional<KeyAlgorithm> algorithmOf(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return switch (rsa.getModulus().bitLength()) {
                case 2048 -> Optional.of(KeyAlgorithm.RSA_2048);
                case 4096 -> Optional.of(KeyAlgorithm.RSA_4096);
                default -> Optional.empty();
            };
        }
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        ASN1Encodable curve = info.getAlgorithm().getParameters();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())
                && SECObjectIdentifiers.secp256r1.equals(curve)) {
            return Optional.of(KeyAlgorithm.ECDSA_P256);
        }
        return Optional.empty();
    }

    /** A human description such as "rsa-3072" or "EC", for messages about foreign keys. */
    static String describe(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "rsa-" + rsa.getModulus().bitLength();
        }
        return algorithmOf(key).map(KeyAlgorithm::id).orElse(key.getAlgorithm());
    }

    private static String family(String algorithm) {
        return algorithm.equals("ECDSA") ? "EC" : algorithm;
    }

    /** True when the private key belongs to the public key: sign a nonce and verify it. */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        // BouncyCastle names EC keys "ECDSA", the JDK "EC"; sshj registers BouncyCastle in this JVM.
        if (!family(privateKey.getAlgorithm()).equals(family(publicKey.getAlgorithm()))) {
            return false;
        }
        try {
            byte[] nonce = new byte[32];
            RANDOM.nextBytes(nonce);
            String algorithm = signatureAlgorithm(publicKey);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(nonce);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(nonce);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
