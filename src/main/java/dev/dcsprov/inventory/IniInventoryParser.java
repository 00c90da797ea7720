package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.Node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an INI inventory the way Ansible's ini plugin does: lines before any section are hosts of
 * 'ungrouped'; {@code [g]} lists hosts ({@code name[:port] key=value ...}, split like a shell line, ranges
 * expanded), {@code [g:vars]} has {@code key=value} lines, {@code [g:children]} names child groups, which may
 * be declared further down. Every value goes through Python's literal rules ({@link PythonLiteral}), in
 * host lines and {@code :vars} sections alike: {@code 23} is a number, {@code 'x'} the string x, {@code yes}
 * the string yes. Lines starting with # or ; are comments. Every malformed line is reported at file:line.
 */
final class IniInventoryParser {
    private static final Pattern SECTION = Pattern.compile("^\\[([^:\\]\\s]+)(?::(\\w+))?\\]\\s*(?:#.*)?$");
    private static final Pattern GROUP_NAME = Pattern.compile("^([^:\\]\\s]+)\\s*(?:#.*)?$");
    private static final String HINT = "see https://docs.ansible.com/ansible/latest/inventory_guide/intro_inventory.html (INI format)";

    private final Path file;
    private final Problems problems;
    private final InventoryTree tree;

    /** A group named in [x:children] or given [x:vars] before it is declared; Ansible resolves it later. */
    private record Pending(int line, String state, List<String> parents) {
    }

    IniInventoryParser(Path file, Problems problems, InventoryTree tree) {
        this.file = file;
        this.problems = problems;
        this.tree = tree;
    }

    void parse(String text) {
        Map<String, Pending> pending = new LinkedHashMap<>();
        String group = InventoryTree.UNGROUPED;
        String state = "hosts";
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int n = 1; n <= lines.length; n++) {
            String raw = lines[n - 1];
            String line = raw.strip();
            int indent = raw.indexOf(line.isEmpty() ? " " : line.substring(0, 1));
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') {
                continue;
            }
            Matcher m = SECTION.matcher(line);
            if (m.matches()) {
                group = m.group(1);
                state = m.group(2) == null ? "hosts" : m.group(2);
                if (!List.of("hosts", "children", "vars").contains(state)) {
                    error(n, indent, "section [" + group + ":" + state + "] has unknown type '" + state + "'",
                            "a section is [group], [group:vars] or [group:children]");
                    state = "skip";
                    continue;
                }
                if (!tree.groups.containsKey(group)) {
                    if (state.equals("vars") && !pending.containsKey(group)) {
                        pending.put(group, new Pending(n, "vars", new ArrayList<>()));
                    }
                    tree.group(group, at(n, indent));
                }
                Pending p = pending.get(group);
                if (p != null && !state.equals("vars")) {
                    if (p.state().equals("children")) {
                        addPendingChildren(group, pending);
                    } else {
                        pending.remove(group);
                    }
                }
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                error(n, indent, "invalid section header '" + line + "'",
                        "write [group], [group:vars] or [group:children], with no spaces inside the brackets");
                state = "skip";
                continue;
            }
            switch (state) {
                case "hosts" -> hostLine(n, raw, group);
                case "vars" -> varLine(n, raw, indent, line, group);
                case "children" -> {
                    Matcher g = GROUP_NAME.matcher(line);
                    if (!g.matches()) {
                        error(n, indent, "expected a group name in [" + group + ":children], got '" + line + "'",
                                "write one child group name per line");
                        continue;
                    }
                    String child = g.group(1);
                    if (!tree.groups.containsKey(child)) {
                        pending.computeIfAbsent(child, c -> new Pending(0, "children", new ArrayList<>()));
                        Pending p = pending.get(child);
                        if (p.line() == 0) {
                            pending.put(child, new Pending(n, "children", p.parents()));
                        }
                        pending.get(child).parents().add(group);
                    } else {
                        link(group, child, n, indent);
                    }
                }
                default -> {
                    // the lines of a section already reported as bad
                }
            }
        }
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (p.state().equals("vars")) {
                error(p.line(), 0, "section [" + e.getKey() + ":vars] is for group '" + e.getKey() + "', which is not declared",
                        "declare the group with a [" + e.getKey() + "] or [" + e.getKey() + ":children] section");
            } else {
                String parent = p.parents().get(p.parents().size() - 1);
                error(p.line(), 0, "section [" + parent + ":children] includes group '" + e.getKey() + "', which is not declared",
                        "declare it with a [" + e.getKey() + "] section (it may be empty)");
            }
        }
    }

    private void addPendingChildren(String group, Map<String, Pending> pending) {
        Pending p = pending.remove(group);
        for (String parent : p.parents()) {
            link(parent, group, p.line(), 0);
            Pending up = pending.get(parent);
            if (up != null && up.state().equals("children")) {
                addPendingChildren(parent, pending);
            }
        }
    }

    private void link(String parent, String child, int line, int column) {
        if (child.equals(InventoryTree.ALL)) {
            error(line, column, "group 'all' cannot be a child of another group", "");
            return;
        }
        InventoryTree.link(tree.group(parent, at(line, column)), tree.group(child, at(line, column)));
    }

    private void hostLine(int n, String raw, String group) {
        List<Shlex.Word> words;
        try {
            words = Shlex.split(raw);
        } catch (Shlex.Unterminated e) {
            error(n, 0, "cannot read the host line '" + raw.strip() + "': " + e.getMessage(),
                    "close the quote, or quote a value that contains spaces or #: key=\"a value\"");
            return;
        }
        if (words.isEmpty()) {
            return;
        }
        Shlex.Word pattern = words.get(0);
        HostPattern.Expanded expanded;
        try {
            expanded = HostPattern.expandWithPort(pattern.text());
        } catch (HostPattern.BadRange bad) {
            error(n, pattern.column(), bad.getMessage(), "Ansible host ranges: dcs-[00:02], db-[a:c], node[1:9:2]");
            return;
        }
        if (pattern.text().strip().endsWith(":") && expanded.port() == null) {
            error(n, pattern.column(), "invalid host pattern '" + pattern.text() + "': a ':' at the end is reserved for a port",
                    "write host:port, or is this a YAML file? YAML inventories end in .yml or .yaml");
            return;
        }
        if (expanded.names().contains("---")) {
            error(n, pattern.column(), "invalid host pattern '---': this looks like a YAML file",
                    "name YAML inventories .yml or .yaml");
            return;
        }
        List<Var> vars = new ArrayList<>();
        for (Shlex.Word w : words.subList(1, words.size())) {
            int eq = w.text().indexOf('=');
            if (eq < 0) {
                error(n, w.column(), "expected key=value after the host name, got '" + w.text() + "'",
                        "write host variables as key=value (quote values with spaces: key=\"a b\"); " + HINT);
                return;
            }
            String key = w.text().substring(0, eq);
            vars.add(var(key, w.text().substring(eq + 1), at(n, w.column()), at(n, w.column() + eq + 1), "host"));
        }
        InventoryTree.Group g = tree.group(group, at(n, 0));
        for (String name : expanded.names()) {
            boolean known = tree.hosts.containsKey(name);
            InventoryTree.HostDef host = tree.host(name, at(n, pattern.column()));
            tree.addHost(g, host);
            String origin = "host '" + name + "'";
            if (expanded.port() != null && !known) {
                SourceLocation p = at(n, pattern.column());
                InventoryTree.set(host.vars, new Var("ansible_port", ValueNodes.of((long) expanded.port(), p), p, p, origin));
            }
            for (Var v : vars) {
                InventoryTree.set(host.vars, new Var(v.name(), v.value(), v.keyLocation(), v.location(), origin));
            }
        }
    }

    private void varLine(int n, String raw, int indent, String line, String group) {
        int eq = line.indexOf('=');
        if (eq < 0) {
            error(n, indent, "expected key=value in [" + group + ":vars], got '" + line + "'", HINT);
            return;
        }
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        int valueColumn = raw.indexOf(value.isEmpty() ? "=" : value, indent + eq);
        Var v = var(key, value, at(n, indent), at(n, Math.max(valueColumn, 0)), "group '" + group + "'");
        InventoryTree.setGroupVar(tree.group(group, at(n, indent)), v);
    }

    private Var var(String key, String text, SourceLocation keyAt, SourceLocation valueAt, String origin) {
        Node node = PythonLiteral.parse(text).map(v -> ValueNodes.of(v, valueAt)).orElseGet(() -> ValueNodes.string(text, valueAt));
        return new Var(key, node, keyAt, valueAt, origin);
    }

    private SourceLocation at(int line, int column0) {
        return new SourceLocation(file, line, column0 + 1);
    }

    private void error(int line, int column0, String message, String fix) {
        problems.error(at(line, column0), message, fix);
    }
}
