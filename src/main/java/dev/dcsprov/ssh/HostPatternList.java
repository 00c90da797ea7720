package dev.dcsprov.ssh;

import java.util.Locale;

/**
 * The host field of a known_hosts line, matched as OpenSSH's {@code match_hostname} matches it: a
 * comma-separated list of patterns with {@code *} and {@code ?}, compared case-insensitively; a
 * pattern starting with {@code !} that matches excludes the line even when another pattern matches,
 * and a negated pattern alone never makes the line match. (sshj treats {@code !a} as "anything but a".)
 */
final class HostPatternList {
    private HostPatternList() {
    }

    static boolean matches(String patternList, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean positive = false;
        for (String pattern : patternList.split(",", -1)) {
            boolean negated = pattern.startsWith("!");
            String p = (negated ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT);
            if (wildcard(p, 0, h, 0)) {
                if (negated) {
                    return false;
                }
                positive = true;
            }
        }
        return positive;
    }

    /** OpenSSH's match_pattern: '*' any run (also empty), '?' one character, anything else itself. */
    static boolean wildcard(String p, int pi, String s, int si) {
        // Iterative with one back-track point: linear enough for any line, no recursion depth to exhaust.
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
