package dev.dcsprov.pki;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Reads a CA (certificate and key) from the PKI dir and refuses anything that would let dcsprov
 * sign with the wrong key: half a CA, a key others can read, files of two CAs, a non-CA certificate.
 */
final class CaFiles {
    static final String RESTORE_FIX = "Restore the CA files from a backup of the PKI dir. If the CA is lost, "
            + "move the PKI dir aside and run apply again: a new CA is created and every member gets new "
            + "certificates (clients then need the new ca.crt).";

    private CaFiles() {
    }

    static CertificateAuthority load(PkiDirectory dir, Path certFile, Path keyFile) {
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            Path present = Files.exists(certFile) ? certFile : keyFile;
            Path absent = present.equals(certFile) ? keyFile : certFile;
            throw new DcsprovException(ExitCode.PKI,
                    "The CA is incomplete: " + present + " exists but " + absent + " does not",
                    "dcsprov needs both the CA certificate and its key, and will not replace half of a CA.",
                    "Restore " + absent.getFileName() + " from a backup. If this PKI dir comes from an interrupted "
                            + "first run and no member uses it yet, delete " + present + " and run apply again.");
        }
        dir.requirePrivate(keyFile);
        X509Certificate certificate;
        try {
            certificate = Pem.decodeCertificate(Files.readAllBytes(certFile));
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "Cannot read the CA certificate " + certFile,
                    e.getMessage(), RESTORE_FIX, e);
        }
        PrivateKey key;
        try {
            key = Pem.decodePrivateKey(Files.readAllBytes(keyFile));
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "Cannot read the CA key " + keyFile,
                    e.getMessage(), RESTORE_FIX, e);
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new DcsprovException(ExitCode.PKI, "The CA certificate " + certFile + " is not a CA certificate",
                    "It lacks basicConstraints CA:TRUE, so it cannot sign member certificates.", RESTORE_FIX);
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new DcsprovException(ExitCode.PKI,
                    "The CA key " + keyFile + " does not belong to the CA certificate " + certFile,
                    "The two files come from different CAs, so certificates signed with this key would not "
                            + "verify against ca.crt.",
                    RESTORE_FIX);
        }
        return new CertificateAuthority(certificate, key);
    }
}
