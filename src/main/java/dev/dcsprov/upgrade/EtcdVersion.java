package dev.dcsprov.upgrade;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An etcd release, major.minor.patch; read from "etcd Version: 3.4.23", a Debian version "3.4.23-4+b4" or "v3.5.16". */
public record EtcdVersion(int major, int minor, int patch) implements Comparable<EtcdVersion> {
    private static final Pattern VERSION = Pattern.compile("(?:\\d+:)?v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** The first version in {@code text}, e.g. the output of etcd --version or a package version. */
    public static Optional<EtcdVersion> find(String text) {
        Matcher m = VERSION.matcher(text == null ? "" : text);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new EtcdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
    }

    public static EtcdVersion parse(String text) {
        return find(text).orElseThrow(() -> new IllegalArgumentException("not an etcd version: " + text));
    }

    /** "3.5": what etcd's cluster version is made of. */
    public String minorLine() {
        return major + "." + minor;
    }

    public boolean sameMinor(EtcdVersion other) {
        return major == other.major && minor == other.minor;
    }

    @Override
    public int compareTo(EtcdVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
