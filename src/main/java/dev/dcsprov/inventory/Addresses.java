package dev.dcsprov.inventory;

import java.util.regex.Pattern;

/**
 * Checks address syntax without DNS lookups: loading an inventory must not depend on the network.
 */
final class Addresses {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private Addresses() {
    }

    static boolean isIpLiteral(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    static boolean isIpv4(String s) {
        return IPV4.matcher(s).matches();
    }

    static boolean isIpv6(String s) {
        if (!s.contains(":") || s.indexOf("::") != s.lastIndexOf("::")) {
            return false;
        }
        int groups = 0;
        String rest = s;
        // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
        int lastColon = s.lastIndexOf(':');
        if (s.substring(lastColon + 1).contains(".")) {
            if (!isIpv4(s.substring(lastColon + 1))) {
                return false;
            }
            groups += 2;
            rest = s.substring(0, lastColon + 1) + "0";
            groups -= 1; // the "0" placeholder is counted below
        }
        boolean compressed = rest.contains("::");
        String[] halves = compressed ? rest.split("::", -1) : new String[]{rest};
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String group : half.split(":", -1)) {
                if (!HEX_GROUP.matcher(group).matches()) {
                    return false;
                }
                groups++;
            }
        }
        return compressed ? groups < 8 : groups == 8;
    }

    /** A DNS name as RFC 1123 allows for host names; all-numeric names are rejected as mistyped IPs. */
    static boolean isDnsName(String s) {
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].matches("\\d+");
    }

    static boolean isHostAddress(String s) {
        return isIpLiteral(s) || isDnsName(s);
    }
}
