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
    private static final int MAX_HOSTS = 10_000;

    private HostPattern() {
    }

    /** Thrown for a range that is not one: says what is wrong, in words for the inventory's author. */
    public static final class BadRange extends IllegalArgumentException {
        BadRange(String message) {
            super(message);
        }
    }

    /** The host names a name stands for: itself when it has no range. */
    public static List<String> expand(String name) {
        Matcher m = RANGE.matcher(name);
        if (!m.find()) {
            if (name.contains("[") && name.contains("]")) {
                throw new BadRange("'" + name + "' looks like a host range but is not one: write [START:END] or [START:END:STEP]");
            }
            return List.of(name);
        }
        String head = name.substring(0, m.start());
        List<String> tails = expand(name.substring(m.end()));
        List<String> out = new ArrayList<>();
        for (String item : items(name, m.group(1), m.group(2), m.group(3))) {
            for (String tail : tails) {
                out.add(head + item + tail);
                if (out.size() > MAX_HOSTS) {
                    throw new BadRange("'" + name + "' stands for more than " + MAX_HOSTS + " hosts");
                }
            }
        }
        return out;
    }

    private static List<String> items(String name, String start, String end, String stepText) {
        int step = 1;
        if (stepText != null) {
            if (!stepText.matches("[0-9]{1,6}") || Integer.parseInt(stepText) == 0) {
                throw new BadRange("the step of the range in '" + name + "' must be a positive number, not '" + stepText + "'");
            }
            step = Integer.parseInt(stepText);
        }
        List<String> items = new ArrayList<>();
        if (start.matches("[0-9]{1,9}") && end.matches("[0-9]{1,9}")) {
            int from = Integer.parseInt(start);
            int to = Integer.parseInt(end);
            requireOrder(name, from <= to);
            String format = start.length() > 1 && start.startsWith("0") ? "%0" + start.length() + "d" : "%d";
            for (int i = from; i <= to; i += step) {
                items.add(String.format(format, i));
            }
        } else if (start.matches("[a-zA-Z]") && end.matches("[a-zA-Z]")
                && Character.isLowerCase(start.charAt(0)) == Character.isLowerCase(end.charAt(0))) {
            requireOrder(name, start.charAt(0) <= end.charAt(0));
            for (char c = start.charAt(0); c <= end.charAt(0); c += step) {
                items.add(String.valueOf(c));
            }
        } else {
            throw new BadRange("the range in '" + name + "' must go from a number to a number or from a letter to a letter "
                    + "of the same case, like [00:02] or [a:c], not [" + start + ":" + end + "]");
        }
        return items;
    }

    private static void requireOrder(String name, boolean ordered) {
        if (!ordered) {
            throw new BadRange("the range in '" + name + "' ends before it starts");
        }
    }
}
