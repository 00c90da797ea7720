package dev.dcsprov.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Variables starting with etcd_ or dcsprov_ that dcsprov does not know, wherever they are defined
 * (inventory sources, group_vars, host_vars): a typo would otherwise silently fall back to a default.
 */
final class UnknownVariables {
    private UnknownVariables() {
    }

    static void check(InventoryTree tree, Problems problems) {
        for (Var var : everyDefinition(tree)) {
            if (Variables.isOurs(var.name()) && !Variables.isKnownOrReserved(var.name())) {
                problems.error(var.keyLocation(), "unknown variable '" + var.name() + "'"
                                + Suggestions.hint(var.name(), Variables.names()),
                        "check the spelling; variables starting with etcd_ or dcsprov_ must be ones dcsprov knows");
            }
        }
    }

    /** Every variable definition that survived in the tree, in no particular order. */
    static List<Var> everyDefinition(InventoryTree tree) {
        List<Var> all = new ArrayList<>();
        tree.groups.values().forEach(g -> all.addAll(g.vars.values()));
        tree.hosts.values().forEach(h -> all.addAll(h.vars.values()));
        for (InventoryTree.VarsDir dir : tree.varsDirs) {
            dir.groups.values().forEach(m -> all.addAll(m.values()));
            dir.hosts.values().forEach(m -> all.addAll(m.values()));
        }
        return all;
    }

}
