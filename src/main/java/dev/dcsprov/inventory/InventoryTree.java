package dev.dcsprov.inventory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The inventory's groups and hosts as written, before variables are merged. A group or host that appears
 * in several places is one entry, as in Ansible; its definitions are combined.
 */
final class InventoryTree {
    static final String ALL = "all";

    /** A group: its own hosts, vars and child groups. */
    static final class Group {
        final String name;
        final SourceLocation location;
        final Map<String, Var> vars = new LinkedHashMap<>();
        final Set<String> hosts = new LinkedHashSet<>();
        final Set<String> children = new LinkedHashSet<>();
        final Set<String> parents = new LinkedHashSet<>();

        Group(String name, SourceLocation location) {
            this.name = name;
            this.location = location;
        }
    }

    /** A host: where it is first defined and its host vars from every definition. */
    static final class HostDef {
        final String name;
        final SourceLocation location;
        final Map<String, Var> vars = new LinkedHashMap<>();

        HostDef(String name, SourceLocation location) {
            this.name = name;
            this.location = location;
        }
    }

    /** Groups in order of first appearance, "all" first. */
    final Map<String, Group> groups = new LinkedHashMap<>();
    /** Hosts in order of first appearance in the file. */
    final Map<String, HostDef> hosts = new LinkedHashMap<>();

    InventoryTree(SourceLocation start) {
        groups.put(ALL, new Group(ALL, start));
    }

    Group all() {
        return groups.get(ALL);
    }

    Group group(String name, SourceLocation location) {
        return groups.computeIfAbsent(name, n -> new Group(n, location));
    }

    HostDef host(String name, SourceLocation location) {
        return hosts.computeIfAbsent(name, n -> new HostDef(n, location));
    }

    static void link(Group parent, Group child) {
        parent.children.add(child.name);
        child.parents.add(parent.name);
    }
}
