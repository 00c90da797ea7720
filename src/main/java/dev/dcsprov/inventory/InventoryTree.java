package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inventory's groups and hosts as every source wrote them, before variables are merged: the one
 * model that YAML, INI and JSON sources fill and that validation and {@link VariableMerger} read. A
 * group or host that appears in several places (or several sources) is one entry, as in Ansible; a
 * variable defined again is replaced by the later definition (Ansible's last-source-wins).
 */
final class InventoryTree {
    static final String ALL = "all";
    static final String UNGROUPED = "ungrouped";

    /** A group: its own hosts, vars (from inventory sources) and child groups. */
    static final class Group {
        final String name;
        final SourceLocation location;
        final Map<String, Var> vars = new LinkedHashMap<>();
        final Set<String> hosts = new LinkedHashSet<>();
        final Set<String> children = new LinkedHashSet<>();
        final Set<String> parents = new LinkedHashSet<>();
        /** ansible_group_priority as written in an inventory source; Ansible keeps it out of the vars. */
        Var priority;

        Group(String name, SourceLocation location) {
            this.name = name;
            this.location = location;
        }
    }

    /** A host: where it is first defined, its inline host vars from every definition, its direct groups. */
    static final class HostDef {
        final String name;
        final SourceLocation location;
        final Map<String, Var> vars = new LinkedHashMap<>();
        final Set<String> groups = new LinkedHashSet<>();

        HostDef(String name, SourceLocation location) {
            this.name = name;
            this.location = location;
        }
    }

    /**
     * The group_vars/ and host_vars/ files of one inventory source's directory (Ansible's host_group_vars
     * plugin), each entity's files already combined in Ansible's order.
     */
    static final class VarsDir {
        final Path dir;
        final Map<String, Map<String, Var>> groups = new LinkedHashMap<>();
        final Map<String, Map<String, Var>> hosts = new LinkedHashMap<>();

        VarsDir(Path dir) {
            this.dir = dir;
        }
    }

    /** Groups in order of first appearance, "all" first. */
    final Map<String, Group> groups = new LinkedHashMap<>();
    /** Hosts in order of first appearance across the sources. */
    final Map<String, HostDef> hosts = new LinkedHashMap<>();
    /** One entry per inventory source, in the order of the sources (a directory counts once). */
    final List<VarsDir> varsDirs = new ArrayList<>();
    /** -e/--extra-vars: above everything else, for every host. */
    final Map<String, Var> extraVars = new LinkedHashMap<>();
    /** The files read, in order; the first is where relative paths in the inventory are resolved. */
    final List<Path> files = new ArrayList<>();

    InventoryTree(SourceLocation start) {
        groups.put(ALL, new Group(ALL, start));
        link(all(), group(UNGROUPED, start)); // Ansible's InventoryData starts with both
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

    /** Puts a host into a group (Ansible's add_host with a group). */
    void addHost(Group group, HostDef host) {
        group.hosts.add(host.name);
        host.groups.add(group.name);
    }

    static void link(Group parent, Group child) {
        parent.children.add(child.name);
        child.parents.add(parent.name);
    }

    /** Sets a variable; a later definition replaces an earlier one, as Ansible's set_variable does. */
    static void set(Map<String, Var> target, Var var) {
        target.remove(var.name()); // the later definition's place in the order, too
        target.put(var.name(), var);
    }

    /** Sets a group variable from an inventory source, as Ansible's Group.set_variable does. */
    static void setGroupVar(Group group, Var var) {
        if (var.name().equals("ansible_group_priority")) {
            group.priority = var;
        } else {
            set(group.vars, var);
        }
    }

    /**
     * Ansible's reconcile_inventory, after every source: groups without a parent become children of
     * all, and hosts in no group but all go to ungrouped.
     */
    void reconcile() {
        Group ungrouped = groups.get(UNGROUPED);
        for (Group g : groups.values()) {
            if (!g.name.equals(ALL) && g.parents.isEmpty()) {
                link(all(), g);
            }
        }
        for (HostDef h : hosts.values()) {
            boolean grouped = h.groups.stream().anyMatch(g -> !g.equals(ALL) && !g.equals(UNGROUPED));
            if (grouped && h.groups.contains(UNGROUPED)) {
                ungrouped.hosts.remove(h.name);
                h.groups.remove(UNGROUPED);
            } else if (!grouped) {
                addHost(ungrouped, h);
            }
        }
    }
}
