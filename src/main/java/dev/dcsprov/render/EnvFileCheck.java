package dev.dcsprov.render;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks rendered EnvironmentFile text line by line. systemd reads KEY="value" with backslash
 * escapes, and people also source /etc/default files from sh; a value with a quote, backslash,
 * $ or backtick would mean something else to one of them, so such values are refused, not escaped.
 */
final class EnvFileCheck {
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Z_][A-Z0-9_]*=\"[^\"\\\\$`\\p{Cntrl}]*\"");

    private EnvFileCheck() {
    }

    static void check(String text, String templateName) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!ASSIGNMENT.matcher(line).matches()) {
                throw new DcsprovException(ExitCode.INVENTORY,
                        "Line " + (i + 1) + " rendered from " + templateName + " is not a safe KEY=\"value\" line",
                        "The line reads: " + printable(line) + "\nValues must be double-quoted and may not contain "
                                + "\", \\, $, ` or control characters (systemd EnvironmentFile, also sourced by sh).",
                        "Remove those characters from the inventory value, or fix the template.");
            }
        }
    }

    /**
     * Refuses control characters in any model value before rendering: a newline could smuggle a
     * whole extra KEY="value" line through a comment, which the line check could not tell apart.
     */
    static void checkValues(String path, Object value) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> checkValues(path.isEmpty() ? k.toString() : path + "." + k, v));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkValues(path + "[" + i + "]", list.get(i));
            }
        } else if (value instanceof String s && s.codePoints().anyMatch(Character::isISOControl)) {
            throw new DcsprovException(ExitCode.INVENTORY,
                    "The value of " + path + " contains a control character",
                    "It reads: " + printable(s) + "\nA newline or other control character cannot be written "
                            + "to the etcd environment file.",
                    "Fix the inventory value.");
        }
    }

    private static String printable(String line) {
        StringBuilder b = new StringBuilder();
        line.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
