package dev.dcsprov.cluster;

import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;

import java.util.List;

/** A member as the cluster engine sees it: the inventory host name and its client URL. */
public record ClusterMember(String name, String clientUrl) {

    public static List<ClusterMember> of(List<Host> hosts, ClusterSettings cluster) {
        return hosts.stream().map(h -> new ClusterMember(h.name(), h.clientUrl(cluster))).toList();
    }
}
