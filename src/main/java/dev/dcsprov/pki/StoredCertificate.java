package dev.dcsprov.pki;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One certificate file in the PKI dir, as {@link PkiStore#list()} finds it.
 *
 * @param kind    "ca", "host" or "client"
 * @param name    member or client name ("ca" for the CA)
 * @param info    the parsed certificate, unless it cannot be read
 * @param problem why it cannot be read
 */
public record StoredCertificate(String kind, String name, Path file, Optional<CertificateInfo> info,
        Optional<String> problem) {
}
