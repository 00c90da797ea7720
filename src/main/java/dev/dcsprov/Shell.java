package dev.dcsprov;

/** Quoting for POSIX sh: every remote script builds its arguments through here. */
public final class Shell {
    private Shell() {
    }

    /** 'single quoted', with embedded single quotes closed, escaped and reopened. */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Sleeps between polls of a remote state; an interrupt ends the run rather than being swallowed. */
    public static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
