package dev.dcsprov.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a directory or file path on the hosts before dcsprov creates it and gives it to etcd (as root:
 * {@code mkdir -p}, {@code chown etcd:etcd}). Any inventory parser calls it; it knows nothing of YAML.
 *
 * <p>A path must be absolute, made of plain names ({@link #SEGMENT}), and free of {@code ..}; a repeated
 * or trailing {@code /} and {@code .} segments are normalised away. It must not be a system directory
 * or contain one ({@link #SYSTEM_DIRS}: {@code /}, {@code /etc}, {@code /var/lib} ...), since handing it
 * to etcd would hand it everything below; nor lie anywhere under a tree that belongs to the system or
 * does not keep data ({@link #SYSTEM_TREES}: {@code /usr}, {@code /proc}, {@code /tmp}, {@code /etc/systemd} ...).
 * A file must also sit in a directory that passes these checks, so no system file ({@code /etc/passwd})
 * can be overwritten. {@code /var/lib/etcd} itself, the Debian package's own etcd-owned home, is fine.
 */
public final class HostPathCheck {
    /** Letters, digits and {@code . _ - + @}: nothing a shell, an environment file or a unit file would interpret. */
    static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+@-]+");

    /** Directories that are refused themselves and as a parent of the path given (a parent of them). */
    static final Set<String> SYSTEM_DIRS = Set.of(
            "/", "/etc", "/home", "/media", "/mnt", "/opt", "/srv",
            "/var", "/var/lib", "/var/backups", "/var/cache", "/var/local", "/var/log", "/var/mail", "/var/opt",
            "/var/spool", "/var/www");

    /** Trees refused with everything below them: owned by the system or its packages, or volatile. */
    static final Set<String> SYSTEM_TREES = Set.of(
            "/bin", "/boot", "/dev", "/lib", "/lib32", "/lib64", "/libx32", "/lost+found", "/proc", "/root", "/run",
            "/sbin", "/sys", "/tmp", "/usr", "/var/tmp", "/var/run", "/var/lock",
            "/etc/apt", "/etc/cron.d", "/etc/cron.daily", "/etc/cron.hourly", "/etc/cron.monthly", "/etc/cron.weekly",
            "/etc/default", "/etc/init.d", "/etc/pam.d", "/etc/profile.d", "/etc/security", "/etc/ssh", "/etc/ssl",
            "/etc/sudoers.d", "/etc/systemd",
            "/var/lib/apt", "/var/lib/dpkg", "/var/lib/systemd", "/var/spool/cron");

    private HostPathCheck() {
    }

    /**
     * The outcome: the normalised path, or what is wrong with it and how to fix it.
     *
     * @param path    the normalised path when {@link #ok()}, else the path as written
     * @param problem empty when the path is usable
     */
    public record Verdict(String path, Optional<String> problem, String fix) {
        public boolean ok() {
            return problem.isEmpty();
        }

        static Verdict ok(String path) {
            return new Verdict(path, Optional.empty(), "");
        }

        static Verdict refused(String path, String problem, String fix) {
            return new Verdict(path, Optional.of(problem), fix);
        }
    }

    /** A directory dcsprov creates on the hosts and hands to etcd (or keeps its own files in). */
    public static Verdict directory(String path, String example) {
        Verdict syntax = normalise(path, example);
        if (!syntax.ok()) {
            return syntax;
        }
        String p = syntax.path();
        Optional<String> tree = systemTreeOf(p);
        if (tree.isPresent()) {
            return Verdict.refused(path, "'" + path + "' is " + (tree.get().equals(p) ? "" : "under ") + tree.get()
                    + ", which belongs to the system or is emptied at boot", "use a directory of its own, for example " + example);
        }
        if (SYSTEM_DIRS.contains(p)) {
            return Verdict.refused(path, "'" + path + "' is the system directory " + p + "; dcsprov would give it to etcd",
                    "use a directory of its own below it, for example " + example);
        }
        Optional<String> contained = SYSTEM_DIRS.stream().filter(d -> d.startsWith(p + "/")).sorted().findFirst();
        if (contained.isPresent()) {
            return Verdict.refused(path, "'" + path + "' contains the system directory " + contained.get()
                    + "; dcsprov would give it to etcd", "use a directory of its own, for example " + example);
        }
        return Verdict.ok(p);
    }

    /** A file dcsprov writes on the hosts: its directory must be one that {@link #directory} accepts. */
    public static Verdict file(String path, String example) {
        Verdict syntax = normalise(path, example);
        if (!syntax.ok()) {
            return syntax;
        }
        String p = syntax.path();
        if (p.equals("/")) {
            return Verdict.refused(path, "'/' is not a file", "name a file, for example " + example);
        }
        String dir = p.substring(0, Math.max(1, p.lastIndexOf('/')));
        Verdict parent = directory(dir, example.substring(0, Math.max(1, example.lastIndexOf('/'))));
        if (!parent.ok()) {
            return Verdict.refused(path, "'" + path + "' would be written in " + dir + ": " + parent.problem().orElseThrow(),
                    "keep it in a directory of its own, for example " + example);
        }
        return Verdict.ok(p);
    }

    /** Absolute, plain names, no {@code ..}; repeated slashes, {@code .} and a trailing slash dropped. */
    static Verdict normalise(String path, String example) {
        if (!path.startsWith("/")) {
            return Verdict.refused(path, "'" + path + "' must be an absolute path on the hosts", "start it with /, for example " + example);
        }
        List<String> kept = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                return Verdict.refused(path, "'" + path + "' contains '..'", "write the path without '..', for example " + example);
            }
            if (!SEGMENT.matcher(segment).matches()) {
                return Verdict.refused(path, "'" + printable(path) + "' may contain only letters, digits, '.', '_', '-', '+', '@' and '/'",
                        "for example " + example);
            }
            kept.add(segment);
        }
        return Verdict.ok("/" + String.join("/", kept));
    }

    private static Optional<String> systemTreeOf(String p) {
        return SYSTEM_TREES.stream().filter(t -> p.equals(t) || p.startsWith(t + "/")).findFirst();
    }

    /** Control characters (a newline above all) shown as escapes, so a message cannot forge lines. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
