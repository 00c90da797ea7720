package dev.dcsprov.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's host ranges in inventory host names: {@code dcs-[00:02]} is dcs-00, dcs-01, dcs-02;
 * {@code db-[a:c]} is db-a, db-b, db-c; {@code node[1:9:2]} takes every second. A numeric start
 * with leading zeros pads every number to its width, as Ansible does. Several ranges in one name
 * multiply out, the first varying slowest.
 */
public final class HostPattern {
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]:]*):([^\\]:]*)(?::([^\\]]*))?\\]");
    static final int MAX_HOSTS = 10_000;

    private HostPattern() {
    }

    /** Thrown for a range that is not one: says what is wrong, in words for the inventory's author. */
    public static final class BadRange extends IllegalArgumentException {
        BadRange(String message) {
            super(message);
        }
    }

    /** A host pattern's names and the port written after them ({@code host:2222}, {@code [::1]:22}), if any. */
    public record Expanded(List<String> names, Integer port) {
    }

    private static final Pattern BRACKETED_PORT = Pattern.compile("^\\[(.+)\\]:([0-9]+)$");
    private static final Pattern HOST_PORT = Pattern.compile("^((?:[^:\\[\\]]|\\[[^\\]]*\\])*):([0-9]+)$");
    private static final String RANGE_TEXT = "\\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\\]";
    private static final String LABEL = "(?:[\\w]|" + RANGE_TEXT + ")(?:[\\w_-]|" + RANGE_TEXT + ")*(?<![_-])";
    private static final Pattern HOSTNAME = Pattern.compile("^" + LABEL + "(?:\\." + LABEL + ")*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern IPV4ISH = Pattern.compile("^[0-9\\[\\]:.]+$");
    private static final Pattern IPV6ISH = Pattern.compile("^[0-9a-fA-F:.\\[\\]]*:[0-9a-fA-F:.\\[\\]]*$");

    /**
     * As Ansible's {@code _expand_hostpattern}: an optional {@code :port} is split off when what is left is
     * a host name or address (parse_address); then ranges are expanded.
     */
    public static Expanded expandWithPort(String pattern) {
        String host = pattern;
        Integer port = null;
        for (Pattern p : List.of(BRACKETED_PORT, HOST_PORT)) {
            Matcher m = p.matcher(host);
            if (m.matches() && m.group(2).length() <= 9) {
                host = m.group(1);
                port = Integer.parseInt(m.group(2));
            }
        }
        if (port != null && !(HOSTNAME.matcher(host).matches() || IPV4ISH.matcher(host).matches()
                || IPV6ISH.matcher(host).matches())) {
            host = pattern; // not an address with a port: Ansible takes the whole text as the name
            port = null;
        }
        return new Expanded(expand(host), port);
    }

    /** The host names a name stands for: itself when it has no range. */
    public static List<String> expand(String name) {
        // Counted before anything is built: a 20-byte name must not make millions of strings first.
        long count = count(name);
        if (count > MAX_HOSTS) {
            throw new BadRange("'" + name + "' stands for " + (count == Long.MAX_VALUE ? "too many" : count)
                    + " hosts, more than " + MAX_HOSTS);
        }
        return build(name);
    }

    /** How many names {@code name} stands for, saturating at Long.MAX_VALUE; validates every range on the way. */
    static long count(String name) {
        long total = 1;
        Matcher m = RANGE.matcher(name);
        int end = 0;
        while (m.find()) {
            long n = size(name, m.group(1), m.group(2), m.group(3));
            total = total > Long.MAX_VALUE / n ? Long.MAX_VALUE : total * n;
            end = m.end();
        }
        String rest = name.substring(end);
        if (rest.contains("[") && rest.contains("]")) {
            throw new BadRange("'" + rest + "' looks like a host range but is not one: write [START:END] or [START:END:STEP]");
        }
        return total;
    }

    private static List<String> build(String name) {
        Matcher m = RANGE.matcher(name);
        if (!m.find()) {
            return List.of(name);
        }
        String head = name.substring(0, m.start());
        List<String> tails = build(name.substring(m.end()));
        List<String> out = new ArrayList<>();
        for (String item : items(name, m.group(1), m.group(2), m.group(3))) {
            for (String tail : tails) {
                out.add(head + item + tail);
            }
        }
        return out;
    }

    /** The number of items in one range, without listing them. */
    private static long size(String name, String start, String end, String stepText) {
        int step = step(name, stepText);
        if (start.matches("[0-9]{1,9}") && end.matches("[0-9]{1,9}")) {
            long from = Long.parseLong(start);
            long to = Long.parseLong(end);
            requireOrder(name, from <= to);
            return (to - from) / step + 1;
        }
        if (isLetterRange(start, end)) {
            requireOrder(name, start.charAt(0) <= end.charAt(0));
            return (end.charAt(0) - start.charAt(0)) / step + 1;
        }
        throw notARange(name, start, end);
    }

    private static int step(String name, String stepText) {
        if (stepText == null) {
            return 1;
        }
        if (!stepText.matches("[0-9]{1,6}") || Integer.parseInt(stepText) == 0) {
            throw new BadRange("the step of the range in '" + name + "' must be a positive number, not '" + stepText + "'");
        }
        return Integer.parseInt(stepText);
    }

    private static boolean isLetterRange(String start, String end) {
        return start.matches("[a-zA-Z]") && end.matches("[a-zA-Z]")
                && Character.isLowerCase(start.charAt(0)) == Character.isLowerCase(end.charAt(0));
    }

    private static BadRange notARange(String name, String start, String end) {
        return new BadRange("the range in '" + name + "' must go from a number to a number or from a letter to a letter "
                + "of the same case, like [00:02] or [a:c], not [" + start + ":" + end + "]");
    }

    private static List<String> items(String name, String start, String end, String stepText) {
        int step = step(name, stepText);
        List<String> items = new ArrayList<>();
        if (start.matches("[0-9]{1,9}") && end.matches("[0-9]{1,9}")) {
            int from = Integer.parseInt(start);
            int to = Integer.parseInt(end);
            String format = start.length() > 1 && start.startsWith("0") ? "%0" + start.length() + "d" : "%d";
            for (long i = from; i <= to; i += step) {
                items.add(String.format(format, i));
            }
        } else {
            for (int c = start.charAt(0); c <= end.charAt(0); c += step) {
                items.add(String.valueOf((char) c));
            }
        }
        return items;
    }

    private static void requireOrder(String name, boolean ordered) {
        if (!ordered) {
            throw new BadRange("the range in '" + name + "' ends before it starts");
        }
    }
}
