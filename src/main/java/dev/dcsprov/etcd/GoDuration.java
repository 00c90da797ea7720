package dev.dcsprov.etcd;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Go's time.Duration.String() output ("1h2m3.5s", "9.652357ms", "850µs", "0s"), as etcdctl prints it. */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        boolean negative = text.startsWith("-");
        String rest = negative ? text.substring(1) : text;
        Matcher m = PART.matcher(rest);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPer(m.group(2)))));
            end = m.end();
        }
        if (end == 0 || end != rest.length()) {
            return Optional.empty();
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return Optional.of(negative ? d.negated() : d);
    }

    private static long nanosPer(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L; // h
        };
    }
}
