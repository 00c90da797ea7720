package dev.dcsprov;

/** Quoting for POSIX sh: every remote script builds its arguments through here. */
public final class Shell {
    private Shell() {
    }

    /** 'single quoted', with embedded single quotes closed, escaped and reopened. */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
