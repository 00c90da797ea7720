package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A validated inventory: the members of the etcd group, in inventory order, and the cluster settings. */
public record Inventory(Path file, String group, List<Host> members, ClusterSettings cluster, List<String> warnings,
                        AuthSettings auth, List<PatroniHost> patroni) {

    public Inventory(Path file, String group, List<Host> members, ClusterSettings cluster, List<String> warnings,
                     AuthSettings auth) {
        this(file, group, members, cluster, warnings, auth, List.of());
    }

    /** Every host of the run: the members, then Patroni hosts that are not members, each once. */
    public List<Host> allHosts() {
        List<Host> all = new java.util.ArrayList<>(members);
        patroni.stream().map(PatroniHost::host).filter(p -> member(p.name()).isEmpty()).forEach(all::add);
        return List.copyOf(all);
    }

    /** An inventory that leaves authentication alone. */
    public Inventory(Path file, String group, List<Host> members, ClusterSettings cluster, List<String> warnings) {
        this(file, group, members, cluster, warnings, AuthSettings.unmanaged());
    }

    public Optional<Host> member(String name) {
        return members.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /** ETCD_INITIAL_CLUSTER: name=peerURL for every member. */
    public String initialCluster() {
        return String.join(",", members.stream().map(h -> h.memberName() + "=" + h.peerUrl(cluster)).toList());
    }
}
