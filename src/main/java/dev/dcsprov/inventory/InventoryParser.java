package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import java.util.List;
import java.util.Map;

/** Reads the YAML node tree of an Ansible YAML inventory (Ansible's yaml plugin) into an {@link InventoryTree}, reporting structure errors. */
final class InventoryParser {
    private static final List<String> GROUP_KEYS = List.of("hosts", "vars", "children");

    private final YamlNodes yaml;
    private final Problems problems;
    /** Host names seen so far, ranges expanded: the cap is on the inventory, not on each range. */
    private long hostNames;

    InventoryParser(YamlNodes yaml, Problems problems) {
        this.yaml = yaml;
        this.problems = problems;
    }

    /** True once the host cap was hit: nothing after parsing should walk that many hosts. */
    boolean tooManyHosts() {
        return hostNames > HostPattern.MAX_HOSTS;
    }

    /** Adds the groups, hosts and variables of one YAML document to the tree. */
    InventoryTree parse(Node root, InventoryTree tree) {
        if (YamlNodes.isNull(root)) {
            problems.error(yaml.start(), "the inventory is empty",
                    "start it with 'all:' and list the members under 'all: children: etcd: hosts:'");
            return tree;
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.error(yaml.at(root), "the inventory must be a mapping starting with 'all:', not "
                    + YamlNodes.describe(root), "start it with 'all:'");
            return tree;
        }
        for (Map.Entry<String, NodeTuple> e : yaml.entries(mapping).entrySet()) {
            String name = e.getKey();
            Node key = e.getValue().getKeyNode();
            Node body = e.getValue().getValueNode();
            if (GROUP_KEYS.contains(name)) {
                problems.error(yaml.at(key), "'" + name + "' must be inside a group, not at the top level",
                        "indent it under 'all:'");
            } else if (name.equals(InventoryTree.ALL)) {
                parseGroup(tree, tree.all(), body);
            } else {
                // Ansible treats other top-level groups as children of all.
                InventoryTree.Group group = tree.group(name, yaml.at(key));
                InventoryTree.link(tree.all(), group);
                parseGroup(tree, group, body);
            }
        }
        return tree;
    }

    private void parseGroup(InventoryTree tree, InventoryTree.Group group, Node body) {
        if (YamlNodes.isNull(body)) {
            return;
        }
        if (!(body instanceof MappingNode mapping)) {
            problems.error(yaml.at(body), "group '" + group.name + "' must be a mapping with hosts, vars or children, not "
                    + YamlNodes.describe(body), "");
            return;
        }
        for (Map.Entry<String, NodeTuple> e : yaml.entries(mapping).entrySet()) {
            Node key = e.getValue().getKeyNode();
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "hosts" -> parseHosts(tree, group, value);
                case "vars" -> {
                    Map<String, Var> vars = new java.util.LinkedHashMap<>();
                    parseVars(value, vars, "group '" + group.name + "'");
                    vars.values().forEach(v -> InventoryTree.setGroupVar(group, v));
                }
                case "children" -> parseChildren(tree, group, value);
                default -> problems.error(yaml.at(key), "unknown key '" + e.getKey() + "' in group '" + group.name + "'"
                                + Suggestions.hint(e.getKey(), GROUP_KEYS),
                        "a group may contain only hosts, vars and children");
            }
        }
    }

    private void parseChildren(InventoryTree tree, InventoryTree.Group parent, Node value) {
        if (YamlNodes.isNull(value)) {
            return;
        }
        if (!(value instanceof MappingNode mapping)) {
            problems.error(yaml.at(value), "children of group '" + parent.name + "' must be a mapping of group names, not "
                    + YamlNodes.describe(value), "write each child group as 'name:' followed by its hosts, vars or children");
            return;
        }
        for (Map.Entry<String, NodeTuple> e : yaml.entries(mapping).entrySet()) {
            InventoryTree.Group child = tree.group(e.getKey(), yaml.at(e.getValue().getKeyNode()));
            if (child.name.equals(InventoryTree.ALL)) {
                problems.error(yaml.at(e.getValue().getKeyNode()), "group 'all' cannot be a child of another group", "");
                continue;
            }
            InventoryTree.link(parent, child);
            parseGroup(tree, child, e.getValue().getValueNode());
        }
    }

    private void parseHosts(InventoryTree tree, InventoryTree.Group group, Node value) {
        if (YamlNodes.isNull(value)) {
            return;
        }
        if (!(value instanceof MappingNode mapping)) {
            problems.error(yaml.at(value), "hosts of group '" + group.name + "' must be a mapping of host names, not "
                    + YamlNodes.describe(value), "write each host as 'name:' followed by its variables, if any");
            return;
        }
        for (Map.Entry<String, NodeTuple> e : yaml.entries(mapping).entrySet()) {
            Node key = e.getValue().getKeyNode();
            Node body = e.getValue().getValueNode();
            HostPattern.Expanded expanded;
            try {
                expanded = HostPattern.expandWithPort(e.getKey());
            } catch (HostPattern.BadRange bad) {
                problems.error(yaml.at(key), bad.getMessage(), "Ansible host ranges: dcs-[00:02], db-[a:c], node[1:9:2]");
                continue;
            }
            hostNames += expanded.names().size();
            if (hostNames > HostPattern.MAX_HOSTS) {
                problems.error(yaml.at(key), "the inventory names more than " + HostPattern.MAX_HOSTS + " hosts",
                        "split it into one inventory per cluster");
                return;
            }
            for (String name : expanded.names()) {
                boolean known = tree.hosts.containsKey(name);
                InventoryTree.HostDef host = tree.host(name, yaml.at(key));
                tree.addHost(group, host);
                if (expanded.port() != null && !known) {
                    // Ansible sets a host's port from host:port only where the host first appears.
                    InventoryTree.set(host.vars, new Var("ansible_port", ValueNodes.of((long) expanded.port(), yaml.at(key)),
                            yaml.at(key), yaml.at(key), "host '" + name + "'"));
                }
                if (YamlNodes.isNull(body)) {
                    continue;
                }
                if (body instanceof MappingNode) {
                    parseVars(body, host.vars, "host '" + host.name + "'");
                } else {
                    problems.error(yaml.at(body), "host '" + host.name + "' must be followed by its variables (a mapping) or nothing, not "
                            + YamlNodes.describe(body), "write 'ansible_host: " + YamlNodes.show(body) + "' under the host");
                    break;
                }
            }
        }
    }

    /** Reads a vars mapping into target; a later definition of a variable replaces an earlier one, as in Ansible. */
    private void parseVars(Node value, Map<String, Var> target, String origin) {
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
}
