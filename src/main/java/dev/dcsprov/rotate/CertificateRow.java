package dev.dcsprov.rotate;

import dev.dcsprov.pki.CertificateInfo;

import java.util.List;
import java.util.Optional;

/**
 * One certificate as {@code dcsprov certs} shows it: what the local PKI holds and what the host has.
 *
 * @param host     member name, or {@link #LOCAL} for a certificate that lives only in the local PKI
 * @param role     "ca", "server", "admin", or "client NAME" for an application's certificate
 * @param local    the certificate(s) in the local PKI that the host should carry (the CA bundle during a CA rotation)
 * @param deployed the certificate(s) in the host's file, in file order
 * @param match    how local and deployed compare
 * @param expiry   the soonest end among the deployed certificates (the local ones when none is deployed)
 */
public record CertificateRow(String host, String role, List<CertificateInfo> local, List<CertificateInfo> deployed,
                             Match match, Optional<Expiry> expiry) {

    /** The "host" of application client certificates: the operator hands them out, no member carries them. */
    public static final String LOCAL = "local PKI (application certificates, handed out by you)";

    /** LOCAL_ONLY: an application certificate, which no member is meant to carry. */
    public enum Match { MATCH, DIFFERENT, NOT_DEPLOYED, NO_LOCAL, LOCAL_ONLY }

    public boolean needsAttention() {
        return (match != Match.MATCH && match != Match.LOCAL_ONLY) || expiry.map(Expiry::needsAttention).orElse(false);
    }
}
