package dev.dcsprov.plan;

import java.util.List;

/**
 * The plan of an operation that is not a convergence (rotate-certs, backup, restore): its steps in the
 * order they will run, each a {@link Change} on a member or on this machine ({@link #LOCAL}), with its
 * reason. Made from facts before anything changes; {@code --check} shows it and stops there.
 * A step that handles key material is {@code sensitive}: the plan names the file, never its content.
 *
 * @param operation the command, e.g. "rotate-certs"
 * @param members   the members the operation works on, in inventory order
 * @param notes     what the plan was made from (leader, what an interrupted run left, checks already passed)
 */
public record OperationPlan(String operation, String cluster, List<String> members, List<Change> steps, List<String> notes) {
    /** The host of a step on this machine (the local PKI or backup dir). */
    public static final String LOCAL = "local";

    public OperationPlan {
        members = List.copyOf(members);
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
    }

    /** A planned step; its commands are made when it runs, so the plan holds none. */
    public static Change step(String host, String step, Action action, String subject, String reason) {
        return new Change(host, step, action, subject, reason, "", false, false, List.of());
    }

    /** A step that writes key material: shown, but never with content. */
    public static Change sensitive(String host, String step, Action action, String subject, String reason) {
        return new Change(host, step, action, subject, reason, "", true, false, List.of());
    }

    /** Members (and this machine) with at least one step. */
    public long hostCount() {
        return steps.stream().map(Change::host).distinct().count();
    }
}
