package dev.dcsprov.inventory;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ansible's host patterns, for {@code --limit}: terms separated by ',' or ':' (not inside an IPv6 address), each a
 * host or group name, a wildcard ({@code dcs-*}, {@code db?}) or a regular expression ({@code ~dcs-0[12]}), or
 * {@code all}/{@code *}; {@code &TERM} intersects and {@code !TERM} excludes, applied after the plain terms as Ansible
 * orders them; {@code @FILE} reads terms from a file, one per line. A group stands for its hosts and its children's.
 * Stricter than Ansible, for safety: a term that matches no host is an error, not a warning, so a typo in
 * {@code !dcs-0l} cannot touch the host it meant to leave out.
 */
public final class LimitPattern {
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:]*:[0-9a-fA-F:]*:[0-9a-fA-F:.]*$");

    private LimitPattern() {
    }

    /** The hosts of the inventory the pattern selects, in inventory order. */
    public static List<String> select(String pattern, InventoryView view) {
        List<String> terms = terms(pattern);
        List<String> plain = terms.stream().filter(t -> !t.startsWith("&") && !t.startsWith("!")).toList();
        Set<String> hosts = new LinkedHashSet<>();
        for (String t : plain) {
            hosts.addAll(matching(t, view, pattern));
        }
        if (plain.isEmpty()) {
            hosts.addAll(view.hostVars().keySet()); // "!x" alone is everything but x, as in Ansible
        }
        for (String t : terms.stream().filter(t -> t.startsWith("&")).toList()) {
            hosts.retainAll(matching(t.substring(1), view, pattern));
        }
        for (String t : terms.stream().filter(t -> t.startsWith("!")).toList()) {
            hosts.removeAll(matching(t.substring(1), view, pattern));
        }
        return view.hostVars().keySet().stream().filter(hosts::contains).toList();
    }

    static List<String> terms(String pattern) {
        List<String> out = new ArrayList<>();
        for (String part : pattern.split(",")) {
            String p = part.strip();
            String bare = p.replaceFirst("^[&!]", "");
            if (p.isEmpty()) {
                continue;
            }
            if (bare.startsWith("@")) {
                out.addAll(fromFile(Path.of(bare.substring(1))));
            } else if (IPV6.matcher(bare).matches() || p.startsWith("~")) {
                out.add(p);
            } else {
                for (String q : p.split(":")) {
                    if (!q.isBlank()) {
                        out.add(q.strip());
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw bad(pattern, "it has no host or group in it", "");
        }
        return out;
    }

    private static List<String> fromFile(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.USAGE, "cannot read the --limit file " + file + ": " + e.getMessage(), "",
                    "name a readable file with one host or group per line after --limit @");
        }
    }

    private static Set<String> matching(String term, InventoryView view, String pattern) {
        Set<String> out = new LinkedHashSet<>();
        if (term.equals("all") || term.equals("*")) {
            out.addAll(view.hostVars().keySet());
            return out;
        }
        Pattern re = compile(term, pattern);
        boolean wild = term.startsWith("~") || term.contains("*") || term.contains("?") || term.contains("[");
        for (String g : view.groups().keySet()) {
            if (re.matcher(g).matches() || (term.startsWith("~") && re.matcher(g).find())) {
                out.addAll(view.hostsOf(g));
            }
        }
        if (out.isEmpty() || wild) {
            for (String h : view.hostVars().keySet()) {
                if (re.matcher(h).matches() || (term.startsWith("~") && re.matcher(h).find())) {
                    out.add(h);
                }
            }
        }
        if (out.isEmpty()) {
            throw bad(pattern, "'" + term + "' matches no host or group of the inventory"
                    + Suggestions.hint(term, new ArrayList<>(view.groups().keySet()) {{ addAll(view.hostVars().keySet()); }}),
                    "");
        }
        return out;
    }

    private static Pattern compile(String term, String pattern) {
        try {
            if (term.startsWith("~")) {
                return Pattern.compile(term.substring(1));
            }
            StringBuilder re = new StringBuilder();
            for (char c : term.toCharArray()) {
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    case '[', ']' -> re.append(c);
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString());
        } catch (PatternSyntaxException e) {
            throw bad(pattern, "'" + term + "' is not a valid pattern: " + e.getDescription(), "");
        }
    }

    static DcsprovException bad(String pattern, String why, String detail) {
        return new DcsprovException(ExitCode.USAGE, "--limit '" + pattern + "': " + why, detail,
                "name hosts or groups of the inventory (dcsprov inventory INVENTORY --graph shows them); nothing was touched");
    }
}
