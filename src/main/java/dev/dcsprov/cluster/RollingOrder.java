package dev.dcsprov.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Which member a rolling restart takes next: followers first, in inventory order; the leader only
 * when nothing else is left, and then after leadership moved to a member that is already done
 * (so the new leader does not need a restart of its own right after the move).
 */
public final class RollingOrder {

    /** The next restart; {@code moveLeaderTo} is set when {@code member} is the leader. */
    public record Next(String member, Optional<String> moveLeaderTo) {
    }

    private RollingOrder() {
    }

    /**
     * @param pending members still to restart, in inventory order
     * @param leader  the current leader's member name
     * @param members every member, in inventory order
     */
    public static Optional<Next> next(List<String> pending, String leader, List<String> members) {
        for (String m : pending) {
            if (!m.equals(leader)) {
                return Optional.of(new Next(m, Optional.empty()));
            }
        }
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> done = members.stream().filter(m -> !m.equals(leader) && !pending.contains(m)).findFirst();
        Optional<String> any = members.stream().filter(m -> !m.equals(leader)).findFirst();
        return Optional.of(new Next(leader, done.or(() -> any)));
    }

    /**
     * The whole order a rolling restart of {@code pending} would take from here, as {@link #next} decides it
     * member by member (for plans; the run decides again at each step from the cluster as it is then).
     */
    public static List<Next> order(List<String> pending, String leader, List<String> members) {
        List<String> todo = new java.util.ArrayList<>(pending);
        List<Next> order = new java.util.ArrayList<>();
        String current = leader;
        while (true) {
            Optional<Next> next = next(todo, current, members);
            if (next.isEmpty()) {
                return order;
            }
            order.add(next.get());
            todo.remove(next.get().member());
            current = next.get().moveLeaderTo().orElse(current);
        }
    }
}
