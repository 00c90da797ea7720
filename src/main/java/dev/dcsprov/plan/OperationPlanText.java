package dev.dcsprov.plan;

/** Renders an {@link OperationPlan} for people, line for line as {@link PlanText} shows apply's cluster steps. */
public final class OperationPlanText {
    private OperationPlanText() {
    }

    public static String render(OperationPlan plan) {
        StringBuilder out = new StringBuilder();
        out.append("Plan for ").append(plan.operation()).append(" on cluster '").append(plan.cluster()).append("' (")
                .append(plan.members().size()).append(plan.members().size() == 1 ? " member)\n" : " members)\n");
        for (String note : plan.notes()) {
            out.append("  note: ").append(note).append('\n');
        }
        if (!plan.steps().isEmpty()) {
            boolean restarts = plan.steps().stream().anyMatch(Change::restartsEtcd);
            out.append(restarts ? "\nsteps (in this order; a member's restart waits for a healthy cluster)\n" : "\nsteps (in this order)\n");
            plan.steps().forEach(c -> out.append("  ").append(c.host()).append(": ").append(PlanText.describe(c)).append('\n'));
        }
        out.append('\n').append(summary(plan)).append('\n');
        return out.toString();
    }

    public static String summary(OperationPlan plan) {
        if (plan.steps().isEmpty()) {
            return "No steps: nothing to do.";
        }
        int n = plan.steps().size();
        return "Plan: " + n + " step" + (n == 1 ? "" : "s") + " on " + plan.hostCount() + " host(s).";
    }
}
