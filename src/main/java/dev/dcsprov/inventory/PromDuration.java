package dev.dcsprov.inventory;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Prometheus writes them ("1h16m", "26h", "20s"), limited to the units s, m, h and d. */
public final class PromDuration {
    private static final Pattern WHOLE = Pattern.compile("([0-9]{1,9}[smhd])+");
    private static final Pattern PART = Pattern.compile("([0-9]+)([smhd])");

    private PromDuration() {
    }

    public static Optional<Duration> parse(String text) {
        if (!WHOLE.matcher(text).matches()) {
            return Optional.empty();
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        return Optional.of(d);
    }

    /** The shortest form Prometheus reads back as the same duration: 1d1h16m, 20s (whole seconds). */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long[] units = {86_400, 3_600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (s >= units[i]) {
                b.append(s / units[i]).append(names[i]);
                s %= units[i];
            }
        }
        return b.toString();
    }
}
