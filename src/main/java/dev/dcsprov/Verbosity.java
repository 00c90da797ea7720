package dev.dcsprov;

/**
 * How much a run tells on stderr, as Ansible's -v: 1 phase timings, 2 also each connection and each remote
 * command (host, first line, exit status, time), 3 the whole remote scripts. Remote scripts carry no secret
 * (secrets travel on stdin), so nothing secret is ever printed.
 */
public final class Verbosity {
    private static volatile int level;

    private Verbosity() {
    }

    public static void set(int value) {
        level = value;
    }

    public static int level() {
        return level;
    }

    public static boolean at(int min) {
        return level >= min;
    }

    /** One line to stderr when the run is at least this verbose. */
    public static void log(int min, String message) {
        if (level >= min) {
            System.err.println(message);
            System.err.flush();
        }
    }
}
