package dev.dcsprov.plan;

import java.util.ArrayList;
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
        List<String> untouched = new ArrayList<>();
        for (HostPlan host : plan.hosts()) {
            if (host.changes().isEmpty()) {
                untouched.add(host.host());
                continue;
            }
            out.append('\n').append(host.host()).append('\n');
            host.changes().forEach(c -> line(out, c, false));
            if (!host.unchanged().isEmpty()) {
                out.append("  = ").append(host.unchanged().size()).append(" unchanged\n");
            }
        }
        // A converged host has nothing to show but its name: one line for all of them.
        if (!untouched.isEmpty()) {
            out.append('\n').append("= ").append(untouched.size()).append(untouched.size() == 1 ? " host" : " hosts")
                    .append(" unchanged: ").append(String.join(", ", untouched)).append('\n');
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
        for (CertificateSummary cert : c.certificates()) {
            out.append("      subject   ").append(cert.subject()).append('\n');
            if (!cert.sans().isEmpty()) {
                out.append("      SANs      ").append(String.join(", ", cert.sans())).append('\n');
            }
            out.append("      issuer    ").append(cert.issuer()).append('\n');
            out.append("      not after ").append(cert.notAfter()).append('\n');
            out.append("      SHA-256   ").append(cert.sha256()).append('\n');
        }
    }
}
