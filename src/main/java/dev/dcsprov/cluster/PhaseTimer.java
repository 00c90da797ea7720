package dev.dcsprov.cluster;

/**
 * With DCSPROV_TIMINGS=1 or -v, prints how long each phase of a run took to stderr, for benchmarks and
 * for finding where time goes; otherwise does nothing.
 */
public final class PhaseTimer {
    private static final boolean ENV = System.getenv("DCSPROV_TIMINGS") != null;
    private long last = System.nanoTime();

    public void mark(String phase) {
        if (ENV || dev.dcsprov.Verbosity.at(1)) {
            long now = System.nanoTime();
            System.err.printf("timing: %-22s %5d ms%n", phase, (now - last) / 1_000_000);
            last = now;
        }
    }
}
