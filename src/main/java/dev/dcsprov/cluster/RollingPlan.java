package dev.dcsprov.cluster;

import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link RollingRestart} as plan steps: per member (in {@link RollingOrder}), leadership moved away
 * first when it leads, then the member's own steps (its new files), its restart, and the wait until it
 * caught up.
 */
public final class RollingPlan {
    private RollingPlan() {
    }

    /** The member a run continues with comes first, as {@link RollingRestart} takes it. */
    public static List<String> todo(List<String> members, List<String> pending, Optional<String> interrupted) {
        List<String> todo = new ArrayList<>(members.stream().filter(n -> pending.contains(n) || interrupted.filter(n::equals).isPresent())
                .toList());
        interrupted.filter(todo::contains).ifPresent(i -> {
            todo.remove(i);
            todo.add(0, i);
        });
        return todo;
    }

    /**
     * @param before what goes onto a member before its restart (its new files)
     * @return the leader once the roll is done (it moved when the leader was in the roll)
     */
    public static String steps(List<Change> out, List<String> todo, String leader, List<String> members,
                               Function<String, List<Change>> before) {
        String current = leader;
        for (RollingOrder.Next next : RollingOrder.order(todo, leader, members)) {
            String m = next.member();
            if (next.moveLeaderTo().isPresent()) {
                out.add(OperationPlan.step(m, "leader", Action.RUN, "move leadership to " + next.moveLeaderTo().get(),
                        m + " leads: it goes last, after etcdctl move-leader"));
                current = next.moveLeaderTo().get();
            }
            out.addAll(before.apply(m));
            out.add(new Change(m, "service", Action.RESTART, "etcd", "then wait until the cluster is healthy and " + m
                    + " applied what the leader had committed", "", false, true, List.of()));
        }
        return current;
    }

    /** The name of the member that leads, by its client URL. */
    public static Optional<String> leaderName(ClusterHealth health, List<ClusterMember> members) {
        return health.leader().flatMap(l -> members.stream().filter(m -> m.clientUrl().equals(l.endpoint()))
                .map(ClusterMember::name).findFirst());
    }
}
