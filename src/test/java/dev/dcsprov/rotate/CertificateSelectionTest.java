package dev.dcsprov.rotate;

import dev.dcsprov.pki.CertificateInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.dcsprov.rotate.ExpiryTest.NOW;
import static dev.dcsprov.rotate.ExpiryTest.cert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateSelectionTest {
    static final CertificateInfo A = cert("AA", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300)));
    static final CertificateInfo B = cert("BB", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(20)));
    static final CertificateInfo EXPIRED = cert("CC", NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(2)));

    @Test
    void sameFingerprintsMatchWhateverTheOrderOfABundle() {
        assertEquals(CertificateRow.Match.MATCH, CertificateSelection.compare(List.of(A), List.of(A)));
        assertEquals(CertificateRow.Match.MATCH, CertificateSelection.compare(List.of(A, B), List.of(B, A)));
    }

    @Test
    void anyDifferenceIsDifferentIncludingABundleWhereOneCertificateIsExpected() {
        assertEquals(CertificateRow.Match.DIFFERENT, CertificateSelection.compare(List.of(A), List.of(B)));
        assertEquals(CertificateRow.Match.DIFFERENT, CertificateSelection.compare(List.of(A), List.of(A, B)));
        assertEquals(CertificateRow.Match.DIFFERENT, CertificateSelection.compare(List.of(A, B), List.of(A)));
    }

    @Test
    void missingOnEitherSideIsNamed() {
        assertEquals(CertificateRow.Match.NOT_DEPLOYED, CertificateSelection.compare(List.of(A), List.of()));
        assertEquals(CertificateRow.Match.NO_LOCAL, CertificateSelection.compare(List.of(), List.of(A)));
    }

    @Test
    void theDeployedCertificateDecidesExpiryAndInABundleTheSoonestEnd() {
        assertEquals(Expiry.State.EXPIRING, CertificateSelection.soonest(List.of(A), List.of(A, B), NOW, 30).orElseThrow().state());
        assertEquals(Expiry.State.EXPIRED, CertificateSelection.soonest(List.of(A), List.of(EXPIRED), NOW, 30).orElseThrow().state(),
                "an expired certificate on the host is reported even when the local one is fine");
        assertEquals(Expiry.State.OK, CertificateSelection.soonest(List.of(A), List.of(), NOW, 30).orElseThrow().state(),
                "nothing deployed: the local certificate's expiry");
        assertTrue(CertificateSelection.soonest(List.of(), List.of(), NOW, 30).isEmpty());
    }

    @Test
    void aRowNeedsAttentionWhenItDiffersOrExpires() {
        assertFalse(CertificateSelection.row("h", "server", List.of(A), List.of(A), NOW, 30).needsAttention());
        assertTrue(CertificateSelection.row("h", "server", List.of(A), List.of(B), NOW, 0).needsAttention(), "differs");
        assertTrue(CertificateSelection.row("h", "server", List.of(B), List.of(B), NOW, 30).needsAttention(), "expires in 20 days");
        assertTrue(CertificateSelection.row("h", "server", List.of(EXPIRED), List.of(EXPIRED), NOW, 0).needsAttention(), "expired");
    }

    @Test
    void anApplicationCertificateNeedsAttentionOnlyWhenItExpires() {
        CertificateRow valid = new CertificateRow(CertificateRow.LOCAL, "client patroni", List.of(A), List.of(),
                CertificateRow.Match.LOCAL_ONLY, CertificateSelection.soonest(List.of(A), List.of(), NOW, 30));
        assertFalse(valid.needsAttention(), "no member is meant to carry it");
        CertificateRow expired = new CertificateRow(CertificateRow.LOCAL, "client patroni", List.of(EXPIRED), List.of(),
                CertificateRow.Match.LOCAL_ONLY, CertificateSelection.soonest(List.of(EXPIRED), List.of(), NOW, 30));
        assertTrue(expired.needsAttention());
    }

    @Test
    void membersStillToDoAreThoseWhoseDeployedCertificateIsNotTheLocalOne() {
        List<CertificateRow> rows = List.of(
                CertificateSelection.row("dcs-00", "server", List.of(A), List.of(A), NOW, 30),
                CertificateSelection.row("dcs-01", "server", List.of(B), List.of(A), NOW, 30),
                CertificateSelection.row("dcs-02", "server", List.of(B), List.of(), NOW, 30));
        assertEquals(List.of("dcs-01", "dcs-02"), CertificateSelection.notYetDeployed(rows));
        assertEquals(List.of(), CertificateSelection.notYetDeployed(rows.subList(0, 1)), "all done: a new rotation may issue");
    }
}
