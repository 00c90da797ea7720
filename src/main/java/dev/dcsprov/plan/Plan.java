package dev.dcsprov.plan;

import java.util.List;

/**
 * The whole plan of a run: per-host changes, then the cluster changes that follow them
 * (bootstrap, rolling restarts), in the order they will be applied.
 */
public record Plan(String cluster, List<HostPlan> hosts, List<Change> cluster_changes, List<String> notes) {

    public Plan {
        hosts = List.copyOf(hosts);
        cluster_changes = List.copyOf(cluster_changes);
        notes = List.copyOf(notes);
    }

    public int changeCount() {
        return hosts.stream().mapToInt(h -> h.changes().size()).sum() + cluster_changes.size();
    }

    public boolean isEmpty() {
        return changeCount() == 0;
    }
}
