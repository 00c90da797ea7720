package dev.dcsprov.steps;

/**
 * Shell lines for scripts that run as root in directories another account may once have been able
 * to write (a host set up by an older dcsprov let etcd write /etc/dcs): nothing here follows a
 * symbolic link planted there, and an archive directory that is a link or not root's is refused.
 */
public final class RootShell {
    private RootShell() {
    }

    /**
     * Keeps the current {@code $f} (if any) in {@code $d/archive/<UTC time>/}. A link at {@code $f}
     * is kept as the link itself, not what it points to.
     */
    public static String archiveOld(String fileVar, String dirVar) {
        String f = "\"$" + fileVar + "\"", d = "\"$" + dirVar + "/archive\"";
        return "if [ -e " + f + " ] || [ -L " + f + " ]; then\n"
                + "  if [ -L " + d + " ] || { [ -e " + d + " ] && [ \"$(stat -c %u " + d + ")\" != \"$(id -u)\" ]; }; then\n"
                + "    echo \"refusing to archive into \"" + d + "\": it is a link or not owned by $(id -un); move it aside\" >&2; exit 1\n"
                + "  fi\n"
                // One dated dir per script run, so a certificate and its key are archived together.
                + "  : \"${a:=" + d.substring(1, d.length() - 1) + "/$(date -u +%Y%m%dT%H%M%SZ)}\"\n"
                + "  mkdir -p -m 0700 " + d + " \"$a\"\n"
                + "  cp -P -p " + f + " \"$a/\"\n"
                + "fi\n";
    }

    /** Renames {@code from} over {@code to}; a link (or a link to a directory) at {@code to} is replaced, never followed. */
    public static String install(String fromExpr, String toExpr) {
        return "mv -fT " + fromExpr + " " + toExpr + "\n";
    }

    /** Fails when {@code pathExpr} is a symbolic link, before chown or chmod would follow it. */
    public static String refuseLink(String pathExpr) {
        return "if [ -L " + pathExpr + " ]; then echo " + pathExpr + "\": is a symbolic link, not what dcsprov installed; "
                + "move it aside and run again\" >&2; exit 1; fi";
    }
}
