package dev.dcsprov.apply;

import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * Preflight before a bootstrap: the fdatasync latency of the filesystem that holds a member's data
 * directory, which bounds every etcd write (etcd's guidance: p99 under 10 ms). 100 writes of 2300 bytes
 * (etcd's typical WAL entry) with {@code dd oflag=dsync}, each timed on its own; the figure includes
 * starting dd, so it is an upper bound. A measurement that fails is reported, never a reason to stop.
 */
public final class DiskLatency {
    /** etcd's hardware guidance for the WAL's fdatasync, 99th percentile. */
    public static final double GUIDANCE_MS = 10.0;
    static final int SAMPLES = 100;

    private DiskLatency() {
    }

    static String script(String dataDir) {
        return "d=" + quote(dataDir) + "; [ -d \"$d\" ] || d=$(dirname \"$d\")\n"
                + "f=$(mktemp \"$d/.dcsprov-fsync.XXXXXX\") || exit 1\n"
                + "trap 'rm -f \"$f\"' EXIT\n"
                + "i=0; while [ $i -lt " + SAMPLES + " ]; do a=$(date +%s%N); "
                + "dd if=/dev/zero of=\"$f\" bs=2300 count=1 oflag=dsync conv=notrunc status=none || exit 1; "
                + "b=$(date +%s%N); echo $(( (b - a) / 1000 )); i=$((i + 1)); done | sort -n | tail -n 2 | head -n 1\n";
    }

    /** The 99th percentile in milliseconds, or empty when it could not be measured. */
    public static Optional<Double> p99Millis(Connection host, String dataDir) {
        try {
            CommandResult r = host.run(RemoteCommand.of(script(dataDir)).withTimeout(Duration.ofSeconds(60)));
            String out = r.stdout().strip();
            return r.ok() && out.matches("\\d+") ? Optional.of(Long.parseLong(out) / 1000.0) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** One line for the run's output: the figure, and a warning when it is above etcd's guidance. */
    public static String report(String host, String dataDir, Optional<Double> p99) {
        if (p99.isEmpty()) {
            return "warning: could not measure the fdatasync latency of " + dataDir + " on " + host;
        }
        String figure = String.format(java.util.Locale.ROOT, "%.1f ms", p99.get());
        return p99.get() >= GUIDANCE_MS
                ? "warning: fdatasync p99 of " + dataDir + " on " + host + " is " + figure + ", above etcd's guidance of "
                        + GUIDANCE_MS + " ms: expect slow writes and leader elections under load (use a faster disk, e.g. SSD)"
                : "fdatasync p99 of " + dataDir + " on " + host + ": " + figure + " (etcd's guidance: under " + GUIDANCE_MS + " ms)";
    }
}
