package dev.dcsprov.plan;

import java.util.List;

/** The changes planned for one host, and the reasons the steps that found nothing to do gave. */
public record HostPlan(String host, List<Change> changes, List<String> unchanged) {

    public HostPlan {
        changes = List.copyOf(changes);
        unchanged = List.copyOf(unchanged);
    }

    public boolean restartsEtcd() {
        return changes.stream().anyMatch(Change::restartsEtcd);
    }
}
