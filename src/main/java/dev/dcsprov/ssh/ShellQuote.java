package dev.dcsprov.ssh;

/** POSIX shell quoting, so a script reaches the remote {@code sh -c} byte for byte. */
public final class ShellQuote {
    private ShellQuote() {
    }

    /** Wraps {@code s} in single quotes; an embedded {@code '} becomes {@code '\''}. */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
