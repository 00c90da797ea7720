package dev.dcsprov.backup;

import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * The plan of {@code restore}, from the facts {@link Restore#plan} checked. Pure. Its steps come in phases; each
 * phase runs on every member in parallel and the next starts only when it succeeded on all. The executor
 * ({@link Restore#run(Restore.Planned)}) takes each phase's steps from the plan.
 */
final class RestorePlan {
    private RestorePlan() {
    }

    /** A member as it is restored: its inventory host, member name and peer URL. */
    record Member(String host, String name, String peerUrl) {
    }

    /**
     * @param stamp   the UTC time in the names of the moved-aside data dirs and of the new token
     * @param token   the new cluster token {@code snapshot restore} makes the new cluster ID from
     * @param history the file on each member that records the restore
     */
    record Facts(String cluster, List<Member> members, String dataDir, String stamp, String token, String configFile,
                 String history, List<String> notes) {
    }

    /** The phases in the order they run, each one step per member, told apart by step and action. */
    enum Phase {
        STAGE("snapshot", Action.RUN),
        STOP("service", Action.RUN),
        MOVE_ASIDE("datadir", Action.UPDATE),
        RESTORE("snapshot", Action.CREATE),
        CONFIG("file", Action.UPDATE),
        START("service", Action.START);

        final String step;
        final Action action;

        Phase(String step, Action action) {
            this.step = step;
            this.action = action;
        }

        /** This phase's steps in the plan, in member order. */
        List<Change> of(OperationPlan plan) {
            return plan.steps().stream().filter(c -> c.step().equals(step) && c.action() == action).toList();
        }
    }

    static OperationPlan of(Facts f) {
        List<Change> steps = new ArrayList<>();
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.STAGE.step, Phase.STAGE.action, "copy to /var/tmp/dcsprov-restore.* and trial restore",
                    "its SHA-256 checked on the member, then a trial snapshot restore there; the copy is removed when the restore ends"));
        }
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.STOP.step, Phase.STOP.action, "systemctl stop etcd",
                    "every member, once every copy and trial restore passed"));
        }
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.MOVE_ASIDE.step, Phase.MOVE_ASIDE.action,
                    f.dataDir() + " -> " + f.dataDir() + ".before-restore-" + f.stamp(), "moved aside, never deleted"));
        }
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.RESTORE.step, Phase.RESTORE.action, f.dataDir(),
                    "snapshot restore as member " + m.name() + " with peer URL " + m.peerUrl() + ", the full initial cluster and "
                            + "the new cluster token " + f.token() + "; etcd:etcd 0700; recorded in " + f.history()));
        }
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.CONFIG.step, Phase.CONFIG.action, f.configFile(),
                    "the config apply writes, with state existing (no restart of its own)"));
        }
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.START.step, Phase.START.action, "etcd",
                    "one member after the other, each recorded first, without waiting for each; then wait until the cluster is healthy"));
        }
        return new OperationPlan("restore", f.cluster(), f.members().stream().map(Member::host).toList(), steps, f.notes());
    }

    /**
     * The plan of a run that finishes an interrupted restore of the same snapshot (see {@link RestoreResume}): every
     * member already holds the restored data, so only config and start, then health. Nothing is copied, stopped or moved.
     */
    static OperationPlan finishing(Facts f) {
        List<Change> steps = new ArrayList<>();
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.CONFIG.step, Phase.CONFIG.action, f.configFile(),
                    "the config apply writes, with state existing (no restart of its own)"));
        }
        for (Member m : f.members()) {
            steps.add(OperationPlan.step(m.host(), Phase.START.step, Phase.START.action, "etcd",
                    "restored by the interrupted run (token " + f.token() + ", recorded in " + f.history() + "); started if it is not "
                            + "running; then wait until the cluster is healthy with one cluster ID"));
        }
        return new OperationPlan("restore", f.cluster(), f.members().stream().map(Member::host).toList(), steps, f.notes());
    }
}
