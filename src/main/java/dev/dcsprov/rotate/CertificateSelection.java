package dev.dcsprov.rotate;

import dev.dcsprov.pki.CertificateInfo;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Pure rules that decide what {@code certs} reports and which members {@code rotate-certs} still has to do. */
public final class CertificateSelection {
    private CertificateSelection() {
    }

    /** Local and deployed match when they are the same set of certificates (order in a bundle does not matter). */
    public static CertificateRow.Match compare(List<CertificateInfo> local, List<CertificateInfo> deployed) {
        if (local.isEmpty()) {
            return CertificateRow.Match.NO_LOCAL;
        }
        if (deployed.isEmpty()) {
            return CertificateRow.Match.NOT_DEPLOYED;
        }
        return fingerprints(local).equals(fingerprints(deployed)) ? CertificateRow.Match.MATCH : CertificateRow.Match.DIFFERENT;
    }

    /** The certificate that ends first decides: a bundle is only as good as its weakest member for expiry. */
    public static Optional<Expiry> soonest(List<CertificateInfo> local, List<CertificateInfo> deployed, Instant now, int thresholdDays) {
        List<CertificateInfo> which = deployed.isEmpty() ? local : deployed;
        return which.stream().min(Comparator.comparing(CertificateInfo::notAfter)).map(c -> Expiry.of(c, now, thresholdDays));
    }

    public static CertificateRow row(String host, String role, List<CertificateInfo> local, List<CertificateInfo> deployed,
                                     Instant now, int thresholdDays) {
        return new CertificateRow(host, role, local, deployed, compare(local, deployed), soonest(local, deployed, now, thresholdDays));
    }

    /**
     * Members whose server certificate on the host is not the one in the local PKI: a rotation that
     * was interrupted after issuing left exactly these, so re-running continues with them instead of
     * issuing yet another set.
     */
    public static List<String> notYetDeployed(List<CertificateRow> serverRows) {
        return serverRows.stream().filter(r -> r.match() != CertificateRow.Match.MATCH).map(CertificateRow::host).toList();
    }

    private static Set<String> fingerprints(List<CertificateInfo> certs) {
        return certs.stream().map(CertificateInfo::fingerprintSha256).collect(Collectors.toSet());
    }
}
