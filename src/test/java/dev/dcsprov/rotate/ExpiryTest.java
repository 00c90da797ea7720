package dev.dcsprov.rotate;

import dev.dcsprov.pki.CertificateInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpiryTest {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    static CertificateInfo cert(String fingerprint, Instant notBefore, Instant notAfter) {
        return new CertificateInfo("CN=x", "x", "CN=ca", "01", notBefore, notAfter, List.of(), List.of(), List.of(),
                false, "ecdsa-p256", fingerprint);
    }

    static CertificateInfo endingIn(Duration d) {
        return cert("AA", NOW.minus(Duration.ofDays(300)), NOW.plus(d));
    }

    @Test
    void validWellBeyondTheThresholdIsOk() {
        Expiry e = Expiry.of(endingIn(Duration.ofDays(200)), NOW, 30);
        assertEquals(Expiry.State.OK, e.state());
        assertEquals(200, e.daysLeft());
        assertFalse(e.needsAttention());
        assertEquals("200 days left", e.describe());
    }

    @Test
    void endingWithinTheThresholdIsExpiring() {
        Expiry e = Expiry.of(endingIn(Duration.ofDays(12).plusHours(3)), NOW, 30);
        assertEquals(Expiry.State.EXPIRING, e.state());
        assertEquals("expires in 12 days", e.describe());
        assertTrue(e.needsAttention());
    }

    @Test
    void endingExactlyAtTheThresholdIsExpiringAndOneSecondLaterIsNot() {
        assertEquals(Expiry.State.EXPIRING, Expiry.of(endingIn(Duration.ofDays(30)), NOW, 30).state());
        assertEquals(Expiry.State.OK, Expiry.of(endingIn(Duration.ofDays(30).plusSeconds(1)), NOW, 30).state());
    }

    @Test
    void anAlreadyExpiredCertificateIsExpiredNotExpiring() {
        Expiry e = Expiry.of(endingIn(Duration.ofDays(-3).minusHours(1)), NOW, 30);
        assertEquals(Expiry.State.EXPIRED, e.state());
        assertEquals(-4, e.daysLeft());
        assertEquals("EXPIRED 4 days ago", e.describe());
        assertTrue(e.needsAttention());
    }

    @Test
    void expiredByOneSecondIsExpiredEvenWithAZeroThreshold() {
        Expiry e = Expiry.of(endingIn(Duration.ofSeconds(-1)), NOW, 0);
        assertEquals(Expiry.State.EXPIRED, e.state());
        assertEquals("EXPIRED 1 days ago", e.describe());
        assertEquals(Expiry.State.EXPIRED, Expiry.of(endingIn(Duration.ZERO), NOW, 0).state(), "notAfter itself is past");
    }

    @Test
    void notYetValidIsFlagged() {
        Expiry e = Expiry.of(cert("AA", NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(365))), NOW, 30);
        assertEquals(Expiry.State.NOT_YET_VALID, e.state());
        assertTrue(e.needsAttention());
    }

    @Test
    void aNegativeThresholdIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Expiry.of(endingIn(Duration.ofDays(1)), NOW, -1));
    }
}
