package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;

import java.util.List;
import java.util.Map;

/**
 * What the members' facts say about the cluster as a whole, decided before anything is planned:
 * a new cluster to bootstrap, an existing one to converge, or a state dcsprov refuses to touch.
 */
public enum ClusterCondition {
    /** No member holds data and none runs etcd: start all members at once with state "new". */
    BOOTSTRAP,
    /** Every member holds data of this cluster: converge, restarting one member at a time. */
    EXISTING,
    /**
     * Some members hold data, the others are new (no data, etcd not running): the members with
     * data converge as in EXISTING, the new ones join one at a time (see MembershipPlanner).
     */
    GROW;

    public static ClusterCondition assess(Inventory inventory, Map<String, HostFacts> facts, String configFile) {
        List<Host> members = inventory.members();
        for (Host h : members) {
            HostFacts f = facts.get(h.name());
            if (!f.osId().equals("debian")) {
                throw new DcsprovException(ExitCode.UNSAFE, h.name() + " runs " + f.osId() + " " + f.osVersion() + ", not Debian",
                        "dcsprov installs etcd from Debian's packages (Debian 12 bookworm: etcd 3.4, Debian 13 trixie: etcd 3.5).",
                        "use Debian hosts, or remove " + h.name() + " from the etcd group");
            }
            boolean ours = f.defaultsLink().filter(configFile::equals).isPresent();
            if (f.etcdActive() && !ours) {
                throw new DcsprovException(ExitCode.UNSAFE, "etcd is already running on " + h.name() + " with a configuration dcsprov does not manage",
                        "/etc/default/etcd on " + h.name() + " is not a link to " + configFile + ", so this etcd (perhaps the one "
                                + "Debian's package started with its stock single-member config) holds data of another cluster. "
                                + "Nothing was changed.",
                        "if its data is not needed: on " + h.name() + " run 'systemctl stop etcd' and move its data directory aside "
                                + "(e.g. mv /var/lib/etcd/default /var/lib/etcd/default.old), then run apply again");
            }
        }
        List<String> withData = members.stream().filter(h -> facts.get(h.name()).dataDirHasMember()).map(Host::name).toList();
        List<String> running = members.stream().filter(h -> facts.get(h.name()).etcdActive()).map(Host::name).toList();
        if (withData.isEmpty() && running.isEmpty()) {
            return BOOTSTRAP;
        }
        if (withData.size() == members.size()) {
            return EXISTING;
        }
        List<String> without = members.stream().map(Host::name).filter(n -> !withData.contains(n)).toList();
        List<String> runningWithout = without.stream().filter(running::contains).toList();
        if (runningWithout.isEmpty()) {
            return GROW;
        }
        throw new DcsprovException(ExitCode.UNSAFE,
                "etcd runs on " + String.join(", ", runningWithout) + " but its data dir " + inventory.cluster().dataDir() + " holds no member",
                "That etcd keeps its data somewhere else (was etcd_data_dir changed?), so dcsprov cannot tell which cluster it "
                        + "belongs to. Nothing was changed.",
                "if that data is not needed: stop etcd on " + String.join(", ", runningWithout) + " and run apply again, so "
                        + "the host joins as a new member; otherwise set etcd_data_dir back to where the data is");
    }
}
