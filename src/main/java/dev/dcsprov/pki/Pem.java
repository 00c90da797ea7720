package dev.dcsprov.pki;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM encoding and decoding. Keys are written as PKCS#8 "PRIVATE KEY", which etcd (Go) and
 * OpenSSL read for both EC and RSA. Parsing goes through the JDK's own providers so that the
 * BouncyCastle provider never needs to be registered globally.
 */
final class Pem {
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    static byte[] encodeCertificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate", e);
        }
    }

    static byte[] encodePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalStateException("private key is not PKCS#8 encoded: " + key.getFormat());
        }
        return encode("PRIVATE KEY", key.getEncoded());
    }

    private static byte[] encode(String type, byte[] der) {
        String text = "-----BEGIN " + type + "-----\n"
                + BASE64.encodeToString(der) + "\n"
                + "-----END " + type + "-----\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The first certificate in the PEM text. */
    static X509Certificate decodeCertificate(byte[] pem) throws IOException {
        try (PEMParser parser = parser(pem)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    return toX509(holder.getEncoded());
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // PEMParser reports malformed base64/ASN.1 with unchecked exceptions.
            throw new IOException("malformed PEM: " + e.getMessage(), e);
        }
        throw new IOException("no PEM CERTIFICATE block found");
    }

    /** Every certificate in the PEM text, in order. */
    static java.util.List<X509Certificate> decodeCertificates(byte[] pem) throws IOException {
        java.util.List<X509Certificate> all = new java.util.ArrayList<>();
        try (PEMParser parser = parser(pem)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    all.add(toX509(holder.getEncoded()));
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("malformed PEM: " + e.getMessage(), e);
        }
        return all;
    }

    static X509Certificate toX509(byte[] der) throws IOException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IOException("malformed certificate: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 or traditional OpenSSL (EC/RSA PRIVATE KEY) unencrypted key. */
    static PrivateKey decodePrivateKey(byte[] pem) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = parser(pem)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("the private key is encrypted; dcsprov needs an unencrypted key");
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("malformed PEM: " + e.getMessage(), e);
        }
        throw new IOException("no PEM PRIVATE KEY block found");
    }

    private static PEMParser parser(byte[] pem) {
        return new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII));
    }
}
