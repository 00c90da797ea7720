package dev.dcsprov.cluster;

import java.util.List;

/** How a run ended, per host, as Ansible's PLAY RECAP shows it. */
public record Recap(List<HostRecap> hosts) {

    public record HostRecap(String host, int ok, int changed, int failed, String error) {
    }

    public boolean failed() {
        return hosts.stream().anyMatch(h -> h.failed() > 0);
    }

    public int changed() {
        return hosts.stream().mapToInt(HostRecap::changed).sum();
    }
}
