package dev.dcsprov.rotate;

import dev.dcsprov.pki.CertificateInfo;

import java.time.Instant;

/** How close a certificate is to its end, against a threshold in days. */
public record Expiry(State state, long daysLeft) {

    public enum State { OK, EXPIRING, EXPIRED, NOT_YET_VALID }

    /**
     * EXPIRED once notAfter has passed (even by a second); EXPIRING when it ends within
     * {@code thresholdDays} from now; NOT_YET_VALID before notBefore (a clock problem); else OK.
     */
    public static Expiry of(CertificateInfo info, Instant now, int thresholdDays) {
        if (thresholdDays < 0) {
            throw new IllegalArgumentException("the threshold must not be negative, got " + thresholdDays);
        }
        long days = info.daysLeft(now);
        if (info.isExpired(now)) {
            return new Expiry(State.EXPIRED, days);
        }
        if (now.isBefore(info.notBefore())) {
            return new Expiry(State.NOT_YET_VALID, days);
        }
        if (!info.notAfter().isAfter(now.plusSeconds(thresholdDays * 86_400L))) {
            return new Expiry(State.EXPIRING, days);
        }
        return new Expiry(State.OK, days);
    }

    public boolean needsAttention() {
        return state != State.OK;
    }

    /** "expires in 12 days", "EXPIRED 3 days ago", "valid, 364 days left". */
    public String describe() {
        return switch (state) {
            case OK -> daysLeft + " days left";
            case EXPIRING -> "expires in " + daysLeft + " days";
            case EXPIRED -> "EXPIRED " + Math.max(1, -daysLeft) + " days ago";
            case NOT_YET_VALID -> "not valid yet (check the clocks)";
        };
    }
}
