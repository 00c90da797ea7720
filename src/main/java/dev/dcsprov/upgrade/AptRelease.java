package dev.dcsprov.upgrade;

/**
 * etcd from a newer Debian release on an older host: an apt source for that release on the host's own mirror (read
 * from its sources, so no archive is named here) and a pin that takes etcd-server and etcd-client from it and
 * nothing else (priority -1 for every other package of that release).
 */
public final class AptRelease {
    static final String[] PACKAGES = {"etcd-server", "etcd-client"};

    private AptRelease() {
    }

    public static String sourceFile(String release) {
        return "/etc/apt/sources.list.d/dcsprov-etcd-" + release + ".list";
    }

    public static String pinFile(String release) {
        return "/etc/apt/preferences.d/dcsprov-etcd-" + release;
    }

    public static String pin(String release) {
        return "# Managed by dcsprov: only etcd comes from " + release + "\n"
                + "Package: " + String.join(" ", PACKAGES) + "\nPin: release n=" + release + "\nPin-Priority: 990\n\n"
                + "Package: *\nPin: release n=" + release + "\nPin-Priority: -1\n";
    }

    /**
     * Shell that writes the source and the pin when they differ (atomically: temp file, rename). {@code release} is a
     * codename of letters only (checked at inventory load), so it is safe in the script as it is.
     */
    public static String script(String release) {
        return script(release, sourceFile(release), pinFile(release));
    }

    /**
     * The same into other files: {@link HostInstaller#probe} writes them into a temporary copy of the host's apt
     * configuration to learn what apt would offer, without changing the host's own.
     */
    static String script(String release, String list, String pin) {
        return "m=$( { sed -n 's/^deb[[:space:]]\\{1,\\}\\(\\[[^]]*\\][[:space:]]\\{1,\\}\\)\\{0,1\\}\\([^[:space:]]*\\).*/\\2/p' "
                + "/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null;"
                + " sed -n 's/^URIs:[[:space:]]*\\([^[:space:]]*\\).*/\\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null; }"
                + " | grep -v -e security -e '^cdrom:' | head -n 1)\n"
                + "if [ -z \"$m\" ]; then echo 'no Debian mirror found in /etc/apt/sources.list(.d): cannot add " + release + "' >&2; exit 66; fi\n"
                + "want=\"deb $m " + release + " main\"\n"
                + "if [ \"$(cat " + list + " 2>/dev/null)\" != \"$want\" ]; then printf '%s\\n' \"$want\" > " + list + ".dcsprov-tmp && mv -f "
                + list + ".dcsprov-tmp " + list + "; fi\n"
                + "cat > " + pin + ".dcsprov-tmp <<'DCSPROV_PIN'\n" + pin(release) + "DCSPROV_PIN\n"
                + "if cmp -s " + pin + ".dcsprov-tmp " + pin + "; then rm -f " + pin + ".dcsprov-tmp; else mv -f " + pin + ".dcsprov-tmp " + pin + "; fi\n";
    }
}
