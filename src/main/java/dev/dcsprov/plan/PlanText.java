package dev.dcsprov.plan;

import java.util.List;

/** Renders a plan for people: per host, one line per change, config files as unified diffs. */
public final class PlanText {
    private PlanText() {
    }

    public static String render(Plan plan) {
        StringBuilder out = new StringBuilder();
        out.append("Plan for cluster '").append(plan.cluster()).append("' (").append(plan.hosts().size()).append(" members)\n");
        for (String note : plan.notes()) {
            out.append("  note: ").append(note).append('\n');
        }
        for (HostPlan host : plan.hosts()) {
            out.append('\n').append(host.host()).append('\n');
            host.changes().forEach(c -> line(out, c, false));
            if (!host.unchanged().isEmpty()) {
                out.append("  = ").append(host.unchanged().size()).append(" unchanged\n");
            }
        }
        if (!plan.cluster_changes().isEmpty()) {
            out.append("\ncluster (in this order; each step waits for a healthy cluster)\n");
            plan.cluster_changes().forEach(c -> line(out, c, true));
        }
        out.append('\n').append(summary(plan)).append('\n');
        return out.toString();
    }

    public static String summary(Plan plan) {
        if (plan.isEmpty()) {
            return "No changes: the cluster matches the inventory.";
        }
        long hosts = plan.hosts().stream().filter(h -> !h.changes().isEmpty()).count();
        return "Plan: " + plan.changeCount() + " change" + (plan.changeCount() == 1 ? "" : "s") + " on "
                + Math.max(hosts, plan.cluster_changes().stream().map(Change::host).distinct().count()) + " host(s).";
    }

    /** "  + file /etc/dcs/etcd (missing)" */
    public static String describe(Change c) {
        return c.action().symbol() + " " + c.step() + " " + c.subject()
                + (c.reason().isEmpty() ? "" : " (" + c.reason() + ")")
                + (c.sensitive() ? " (sensitive)" : "");
    }

    private static void line(StringBuilder out, Change c, boolean withHost) {
        out.append("  ").append(withHost ? c.host() + ": " : "").append(describe(c)).append('\n');
        if (!c.diff().isEmpty()) {
            List<String> lines = c.diff().lines().toList();
            lines.forEach(l -> out.append("      ").append(l).append('\n'));
        }
    }
}
