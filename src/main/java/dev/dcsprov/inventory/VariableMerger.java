package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges a host's variables the way Ansible's VariableManager does (default VARIABLE_PRECEDENCE,
 * hash_behaviour=replace), later winning: the inventory vars of all, then of every group the host is in
 * sorted by depth (parents before children), {@code ansible_group_priority} and name; then group_vars/all of
 * each source in order; then group_vars/GROUP of each source, groups in the same order; then the host's
 * inline vars; then host_vars/HOST of each source. So any group_vars file beats every inventory group var,
 * and the last source wins among equals.
 */
final class VariableMerger {
    private static final int DEFAULT_PRIORITY = 1;

    private final InventoryTree tree;
    private final Map<String, Integer> depth = new HashMap<>();
    private final Map<String, Integer> priority = new HashMap<>();

    VariableMerger(InventoryTree tree, Problems problems) {
        this.tree = tree;
        computeDepths(problems);
        for (InventoryTree.Group g : tree.groups.values()) {
            priority.put(g.name, priorityOf(g, problems));
        }
    }

    /** The host's variables after merging, each still pointing at the definition that won. */
    Map<String, Var> mergedFor(String host) {
        Map<String, Var> merged = new LinkedHashMap<>();
        List<InventoryTree.Group> groups = groupsOf(host);
        for (InventoryTree.Group g : groups) {
            merged.putAll(g.vars);
        }
        for (InventoryTree.VarsDir dir : tree.varsDirs) {
            merged.putAll(dir.groups.getOrDefault(InventoryTree.ALL, Map.of()));
        }
        for (InventoryTree.VarsDir dir : tree.varsDirs) {
            for (InventoryTree.Group g : groups) {
                if (!g.name.equals(InventoryTree.ALL)) {
                    merged.putAll(dir.groups.getOrDefault(g.name, Map.of()));
                }
            }
        }
        merged.putAll(tree.hosts.get(host).vars);
        for (InventoryTree.VarsDir dir : tree.varsDirs) {
            merged.putAll(dir.hosts.getOrDefault(host, Map.of()));
        }
        merged.putAll(tree.extraVars);
        return merged;
    }

    /** Hosts of the group and of its descendants, in order of first appearance in the file. */
    List<String> membersOf(String group) {
        Set<String> groups = descendantsAndSelf(group);
        Set<String> hosts = new HashSet<>();
        for (String g : groups) {
            hosts.addAll(tree.groups.get(g).hosts);
        }
        return tree.hosts.keySet().stream().filter(hosts::contains).toList();
    }

    /** Every group the host is in, directly or through a child group, in merge order ("all" first). */
    List<InventoryTree.Group> groupsOf(String host) {
        Set<String> names = new LinkedHashSet<>();
        names.add(InventoryTree.ALL);
        Deque<String> todo = new ArrayDeque<>();
        todo.addAll(tree.hosts.get(host).groups);
        while (!todo.isEmpty()) {
            String g = todo.pop();
            if (names.add(g)) {
                todo.addAll(tree.groups.get(g).parents);
            }
        }
        List<InventoryTree.Group> groups = new ArrayList<>();
        names.forEach(n -> groups.add(tree.groups.get(n)));
        groups.sort(Comparator.comparingInt((InventoryTree.Group g) -> depth.getOrDefault(g.name, 0))
                .thenComparingInt(g -> priority.get(g.name))
                .thenComparing(g -> g.name));
        return groups;
    }

    private Set<String> descendantsAndSelf(String group) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(group));
        while (!todo.isEmpty()) {
            String g = todo.pop();
            if (seen.add(g)) {
                todo.addAll(tree.groups.get(g).children);
            }
        }
        return seen;
    }

    /** Depth = longest path from all, as Ansible counts it. A cycle is an error. */
    private void computeDepths(Problems problems) {
        depth.put(InventoryTree.ALL, 0);
        visit(InventoryTree.ALL, new LinkedHashSet<>(), problems);
    }

    private void visit(String group, Set<String> path, Problems problems) {
        path.add(group);
        for (String child : tree.groups.get(group).children) {
            if (path.contains(child)) {
                InventoryTree.Group c = tree.groups.get(child);
                problems.error(c.location, "group '" + child + "' is its own ancestor: "
                        + String.join(" > ", path) + " > " + child, "remove one of the children entries");
                continue;
            }
            int d = depth.get(group) + 1;
            if (d > depth.getOrDefault(child, -1)) {
                depth.put(child, d);
                visit(child, path, problems);
            }
        }
        path.remove(group);
    }

    private static int priorityOf(InventoryTree.Group g, Problems problems) {
        Var var = g.priority;
        if (var == null) {
            return DEFAULT_PRIORITY;
        }
        if (var.value() instanceof ScalarNode s && s.getValue().matches("-?\\d{1,9}")) {
            return Integer.parseInt(s.getValue());
        }
        problems.error(var.location(), "ansible_group_priority must be an integer, not " + YamlNodes.describe(var.value()), "");
        return DEFAULT_PRIORITY;
    }
}
