package dev.dcsprov.inventory;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks an inventory host name, whatever parser read it. A name ends up in known_hosts look-ups, messages,
 * certificate SANs and scripts, so it may be only an IPv4 or IPv6 address or a plain name: letters, digits,
 * '.', '-' and '_' (Ansible allows {@code db_1}), starting with a letter, digit or '_', at most 253 characters.
 * Whitespace, ',', '*', '?', '!', '[', ']', '@', '|', '#', ':' (outside IPv6), quotes and control characters are
 * refused: in a known_hosts line they would be patterns, markers or new lines.
 */
public final class HostNameCheck {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}");

    private HostNameCheck() {
    }

    /** What is wrong with {@code name} as an inventory host name, or empty when it is fine. */
    public static Optional<String> problem(String name) {
        if (Addresses.isIpLiteral(name) || (PLAIN.matcher(name).matches() && !name.contains(".."))) {
            return Optional.empty();
        }
        return Optional.of("host name '" + HostPathCheck.printable(name) + "' may contain only letters, digits, '.', '-' and '_'"
                + " (or be an IP address)" + firstBad(name).map(c -> "; it contains " + c).orElse(""));
    }

    /** A fix for the message: the name with every unusable character replaced. */
    public static String suggestion(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_.-]+", "-").replaceAll("\\.{2,}", ".").replaceAll("^[-.]+|[-.]+$", "");
        return s.isEmpty() ? "db1" : s;
    }

    private static Optional<String> firstBad(String name) {
        return name.codePoints().filter(c -> !(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '.' && c != '-')
                .mapToObj(c -> c < 0x20 || c == 0x7f ? String.format("the control character \\x%02x", c)
                        : c == ' ' ? "a space" : "'" + new String(Character.toChars(c)) + "'")
                .findFirst().or(() -> name.contains("..") ? Optional.of("'..'") : Optional.empty());
    }
}
