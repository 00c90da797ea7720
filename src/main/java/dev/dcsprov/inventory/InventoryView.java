package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every group and host of the inventory sources with each host's merged variables as plain values: what
 * {@code ansible-inventory --list} shows, from the same model the validation reads.
 *
 * @param groups   group name to its direct hosts and child groups, in order of first appearance
 * @param hostVars host name to its merged variables, hosts in order of first appearance
 */
public record InventoryView(Map<String, GroupView> groups, Map<String, Map<String, Object>> hostVars) {

    /** @param hosts the group's own hosts; @param children its child groups */
    public record GroupView(List<String> hosts, List<String> children) {
    }

    /** What a value from a vault-encrypted file shows as, followed by the file and ")". */
    public static final String VAULTED = "(vault-encrypted, not shown: ";

    /** Reads the sources; bad input is an {@link InventoryException} as for {@link InventoryLoader}. */
    public static InventoryView load(List<Path> sources) {
        return load(sources, List.of());
    }

    /** As {@link #load(List)}, with -e/--extra-vars in every host's variables, as ansible-inventory --list shows them. */
    public static InventoryView load(List<Path> sources, List<String> extraVars) {
        return load(sources, extraVars, VaultKeys.none());
    }

    /** As {@link #load(List, List)}, reading vault-encrypted files with these passwords (inline !vault values stay encrypted). */
    public static InventoryView load(List<Path> sources, List<String> extraVars, VaultKeys vault) {
        Problems problems = new Problems().withVault(vault);
        InventoryTree tree = new InventorySources(problems).read(sources);
        tree.extraVars.putAll(ExtraVars.read(extraVars, problems));
        VariableMerger merger = new VariableMerger(tree, problems);
        problems.throwIfErrors(sources.get(0));
        Map<String, GroupView> groups = new LinkedHashMap<>();
        tree.groups.values().forEach(g -> groups.put(g.name, new GroupView(List.copyOf(g.hosts), List.copyOf(g.children))));
        NodeValues values = new NodeValues();
        Map<String, Map<String, Object>> hostVars = new LinkedHashMap<>();
        for (String host : tree.hosts.keySet()) {
            Map<String, Object> vars = new LinkedHashMap<>();
            // A value from a vault-encrypted file is a secret: named, never shown (inline !vault shows its ciphertext, as Ansible).
            merger.mergedFor(host).forEach((k, v) -> vars.put(k, problems.isVaulted(v.location().file())
                    ? VAULTED + v.location().file() + ")" : values.value(v.value())));
            hostVars.put(host, vars);
        }
        return new InventoryView(groups, hostVars);
    }

    /** The hosts of a group and its descendants, as Ansible lists them: its own first, then its children's. */
    public List<String> hostsOf(String group) {
        List<String> out = new ArrayList<>();
        collect(group, out, new ArrayList<>());
        return out;
    }

    private void collect(String group, List<String> out, List<String> seen) {
        GroupView g = groups.get(group);
        if (g == null || seen.contains(group)) {
            return;
        }
        seen.add(group);
        g.hosts().stream().filter(h -> !out.contains(h)).forEach(out::add);
        g.children().forEach(c -> collect(c, out, seen));
    }
}
