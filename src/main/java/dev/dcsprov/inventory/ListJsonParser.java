package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.List;
import java.util.Map;

/**
 * The JSON that {@code ansible-inventory --list} (and inventory scripts) print: groups with {@code hosts}
 * and {@code children} as lists and {@code vars}, a group given as a bare list of hosts, and host vars
 * under {@code _meta.hostvars}, read as Ansible's script plugin reads them.
 */
final class ListJsonParser {
    private final YamlNodes yaml;
    private final Problems problems;
    private final InventoryTree tree;

    ListJsonParser(YamlNodes yaml, Problems problems, InventoryTree tree) {
        this.yaml = yaml;
        this.problems = problems;
        this.tree = tree;
    }

    /** True for a document in this format rather than the YAML plugin's (children as a mapping). */
    static boolean looksLikeList(Node root) {
        if (!(root instanceof MappingNode m)) {
            return false;
        }
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
            if (key.equals("_meta") || t.getValueNode() instanceof SequenceNode) {
                return true;
            }
            if (t.getValueNode() instanceof MappingNode g) {
                for (NodeTuple u : g.getValue()) {
                    if (u.getValueNode() instanceof SequenceNode) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    void parse(MappingNode root) {
        Map<String, NodeTuple> entries = yaml.entries(root);
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (e.getKey().equals("_meta")) {
                continue;
            }
            InventoryTree.Group group = tree.group(e.getKey(), yaml.at(e.getValue().getKeyNode()));
            Node data = e.getValue().getValueNode();
            if (data instanceof SequenceNode seq) {
                hosts(group, seq);
            } else if (data instanceof MappingNode m && keys().stream().noneMatch(yaml.entries(m)::containsKey)) {
                // the script format's shorthand: a "group" without hosts, vars or children is a host with those vars
                InventoryTree.HostDef host = tree.host(group.name, yaml.at(e.getValue().getKeyNode()));
                tree.addHost(group, host);
                vars(data, host.vars, "host '" + host.name + "'");
            } else if (data instanceof MappingNode m) {
                for (Map.Entry<String, NodeTuple> f : yaml.entries(m).entrySet()) {
                    Node v = f.getValue().getValueNode();
                    switch (f.getKey()) {
                        case "hosts" -> {
                            if (v instanceof SequenceNode seq) {
                                hosts(group, seq);
                            } else if (!YamlNodes.isNull(v)) {
                                problems.error(yaml.at(v), "hosts of group '" + group.name + "' must be a list, not " + YamlNodes.describe(v), "");
                            }
                        }
                        case "vars" -> {
                            Map<String, Var> vars = new java.util.LinkedHashMap<>();
                            vars(v, vars, "group '" + group.name + "'");
                            vars.values().forEach(x -> InventoryTree.setGroupVar(group, x));
                        }
                        case "children" -> children(group, v);
                        default -> problems.error(yaml.at(f.getValue().getKeyNode()), "unknown key '" + f.getKey()
                                + "' in group '" + group.name + "'", "a group may contain only hosts, vars and children");
                    }
                }
            } else if (!YamlNodes.isNull(data)) {
                problems.error(yaml.at(data), "group '" + group.name + "' must be a list of hosts or a mapping, not "
                        + YamlNodes.describe(data), "");
            }
        }
        NodeTuple meta = entries.get("_meta");
        if (meta == null) {
            return;
        }
        if (!(meta.getValueNode() instanceof MappingNode m)) {
            problems.error(yaml.at(meta.getValueNode()), "_meta must be a mapping with hostvars", "");
            return;
        }
        NodeTuple hostvars = yaml.entries(m).get("hostvars");
        if (hostvars == null || YamlNodes.isNull(hostvars.getValueNode())) {
            return;
        }
        if (!(hostvars.getValueNode() instanceof MappingNode hv)) {
            problems.error(yaml.at(hostvars.getValueNode()), "_meta.hostvars must be a mapping of host names", "");
            return;
        }
        for (Map.Entry<String, NodeTuple> h : yaml.entries(hv).entrySet()) {
            InventoryTree.HostDef host = tree.hosts.get(h.getKey());
            if (host == null) {
                continue; // Ansible reads host vars only for hosts of some group
            }
            vars(h.getValue().getValueNode(), host.vars, "host '" + host.name + "'");
        }
    }

    private void hosts(InventoryTree.Group group, SequenceNode seq) {
        for (Node item : seq.getValue()) {
            if (item instanceof ScalarNode s && !YamlNodes.isNull(s)) {
                tree.addHost(group, tree.host(s.getValue(), yaml.at(item)));
            } else {
                problems.error(yaml.at(item), "a host of group '" + group.name + "' must be a name, not " + YamlNodes.describe(item), "");
            }
        }
    }

    private void children(InventoryTree.Group parent, Node v) {
        if (YamlNodes.isNull(v)) {
            return;
        }
        if (!(v instanceof SequenceNode seq)) {
            problems.error(yaml.at(v), "children of group '" + parent.name + "' must be a list of group names", "");
            return;
        }
        for (Node item : seq.getValue()) {
            String name = item instanceof ScalarNode s ? s.getValue() : "";
            if (name.isEmpty() || name.equals(InventoryTree.ALL)) {
                problems.error(yaml.at(item), "'" + name + "' cannot be a child group of '" + parent.name + "'", "");
                continue;
            }
            InventoryTree.link(parent, tree.group(name, yaml.at(item)));
        }
    }

    private void vars(Node value, Map<String, Var> target, String origin) {
        if (YamlNodes.isNull(value)) {
            return;
        }
        if (!(value instanceof MappingNode mapping)) {
            problems.error(yaml.at(value), "vars of " + origin + " must be a mapping, not " + YamlNodes.describe(value), "");
            return;
        }
        for (Map.Entry<String, NodeTuple> e : yaml.entries(mapping).entrySet()) {
            Node key = e.getValue().getKeyNode();
            InventoryTree.set(target, new Var(e.getKey(), e.getValue().getValueNode(), yaml.at(key),
                    yaml.at(e.getValue().getValueNode()), origin));
        }
    }

    static List<String> keys() {
        return List.of("hosts", "vars", "children");
    }
}
