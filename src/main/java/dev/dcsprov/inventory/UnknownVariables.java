package dev.dcsprov.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Variables starting with etcd_ or dcsprov_ that dcsprov does not know, wherever they are defined
 * (inventory sources, group_vars, host_vars). dcsprov_* and near-misses of dcsprov's own names are errors (a typo
 * would otherwise silently fall back to a default); other etcd_* are other roles' in a shared inventory: a warning,
 * listed once.
 */
final class UnknownVariables {
    static final int NEAR_MISS = 2;

    private UnknownVariables() {
    }

    static void check(InventoryTree tree, Problems problems) {
        java.util.Map<String, SourceLocation> ignored = new java.util.LinkedHashMap<>();
        for (Var var : sorted(everyDefinition(tree))) {
            if (!Variables.isOurs(var.name()) || Variables.isKnownOrReserved(var.name())) {
                continue;
            }
            // dcsprov_* typos may be 3 edits away; an etcd_* name counts as a typo of ours only within 2
            // (kubespray's etcd_member_name, pigsty's etcd_seq are 3 or more from every name of ours).
            java.util.Optional<String> near = Suggestions.didYouMean(var.name(), Variables.names(),
                    var.name().startsWith("dcsprov_") ? Suggestions.MAX_DISTANCE : NEAR_MISS);
            if (var.name().startsWith("dcsprov_") || near.isPresent()) {
                problems.error(var.keyLocation(), "unknown variable '" + var.name() + "'"
                                + near.map(s -> "; did you mean '" + s + "'?").orElse(""),
                        "check the spelling; variables starting with dcsprov_, and those close to one of dcsprov's own, "
                                + "must be ones dcsprov knows");
            } else {
                // Other etcd roles' variables in a shared inventory (kubespray's etcd_deployment_type, pigsty's etcd_seq).
                ignored.putIfAbsent(var.name(), var.keyLocation());
            }
        }
        if (!ignored.isEmpty()) {
            problems.warn("ignored, not dcsprov variables (other roles' in a shared inventory?): " + String.join(", ",
                    ignored.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList()));
        }
    }

    /** Definitions in file order, so "listed once" names the first place. */
    private static List<Var> sorted(List<Var> vars) {
        return vars.stream().sorted(java.util.Comparator.comparing((Var v) -> v.keyLocation().file().toString())
                .thenComparingInt(v -> v.keyLocation().line()).thenComparingInt(v -> v.keyLocation().column())).toList();
    }

    /** Every variable definition that survived in the tree, in no particular order. */
    static List<Var> everyDefinition(InventoryTree tree) {
        List<Var> all = new ArrayList<>();
        tree.groups.values().forEach(g -> all.addAll(g.vars.values()));
        tree.hosts.values().forEach(h -> all.addAll(h.vars.values()));
        all.addAll(tree.extraVars.values());
        for (InventoryTree.VarsDir dir : tree.varsDirs) {
            dir.groups.values().forEach(m -> all.addAll(m.values()));
            dir.hosts.values().forEach(m -> all.addAll(m.values()));
        }
        return all;
    }

}
