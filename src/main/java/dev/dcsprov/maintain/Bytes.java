package dev.dcsprov.maintain;

import java.util.Locale;

/** Byte counts for people: 1024-based units, as etcd's and df's figures are read. */
public final class Bytes {
    private Bytes() {
    }

    public static String show(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
