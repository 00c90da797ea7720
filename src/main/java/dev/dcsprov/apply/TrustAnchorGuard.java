package dev.dcsprov.apply;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.pki.CertificateInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses to push a CA that shares no certificate with the CA a running member trusts. Rolled out
 * member by member, such a change partitions the cluster: the first restarted member can no longer
 * talk to its peers. It happens when the local PKI directory was lost or points elsewhere; changing
 * the CA on purpose is rotate-certs --ca, whose phases always share one CA.
 */
final class TrustAnchorGuard {
    private TrustAnchorGuard() {
    }

    static void check(String host, String deployedCa, byte[] desiredCa, String pkiDir) {
        if (deployedCa.isBlank()) {
            return;
        }
        Set<String> deployed = fingerprints(deployedCa.getBytes(StandardCharsets.UTF_8));
        Set<String> desired = fingerprints(desiredCa);
        if (deployed.isEmpty() || !Collections.disjoint(deployed, desired)) {
            return;
        }
        throw new DcsprovException(ExitCode.UNSAFE,
                host + " trusts a CA that the local PKI does not have",
                "The CA deployed on " + host + " shares no certificate with "
                        + (desired.isEmpty() ? "the local PKI, which has no CA yet" : "the local CA") + " in " + pkiDir
                        + ". Rolling a new CA out member by member would cut the cluster apart, so nothing was changed.",
                "point dcsprov_pki_dir at the PKI directory this cluster was made with (or restore it from backup); "
                        + "to change the CA on purpose use 'dcsprov rotate-certs --ca'");
    }

    private static Set<String> fingerprints(byte[] pem) {
        if (pem.length == 0) {
            return Set.of();
        }
        try {
            return CertificateInfo.parseAll(pem).stream().map(CertificateInfo::fingerprintSha256).collect(Collectors.toSet());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
