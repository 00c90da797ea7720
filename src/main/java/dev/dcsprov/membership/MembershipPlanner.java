package dev.dcsprov.membership;

import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.etcd.EtcdctlJson;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.EtcdctlMembership;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.render.RemotePaths;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the running cluster's member list and every running member's cluster ID, matches them to
 * the inventory, and either plans the membership changes or stops the run with the command that
 * fixes what does not match. Nothing here changes the cluster.
 */
public final class MembershipPlanner {
    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;

    public MembershipPlanner(Inventory inventory, RemotePaths paths) {
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = paths;
    }

    /** Inventory members whose etcd runs and answered its local status probe. */
    public static List<Host> running(Inventory inventory, Map<String, HostFacts> facts) {
        return inventory.members().stream()
                .filter(h -> facts.get(h.name()).etcdActive() && !facts.get(h.name()).etcdStatusJson().isBlank()).toList();
    }

    /** The member list, read through the first running member; empty when no member runs. */
    public Optional<MemberList> read(Map<String, HostFacts> facts, ConnectedHosts hosts) {
        List<Host> running = running(inventory, facts);
        if (running.isEmpty()) {
            return Optional.empty();
        }
        // Ask a member of the majority's cluster, so a stray host with foreign data is the one reported.
        Map<EtcdId, Long> votes = running.stream().map(h -> clusterId(facts.get(h.name())))
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        Host via = running.stream().max(Comparator.comparing((Host h) -> votes.get(clusterId(facts.get(h.name()))))).orElseThrow();
        RemoteEtcdctl etcdctl = new RemoteEtcdctl(hosts.connection(via.name()), paths.caCert(), paths.adminCert(), paths.adminKey());
        return Optional.of(new EtcdctlMembership(etcdctl, List.of(via.clientUrl(cluster))).list());
    }

    private static EtcdId clusterId(HostFacts f) {
        return EtcdctlJson.endpointStatus(f.etcdStatusJson()).get(0).header().clusterId();
    }

    public MembershipPlan plan(Map<String, HostFacts> facts, Optional<MemberList> read, boolean removeAbsent) {
        return plan(facts, read, removeAbsent, Optional.empty());
    }

    /**
     * @param interruptedJoin the host an interrupted join left mid-step ({@link MembershipResume#interruptedJoin}): data
     *                        there next to its unstarted member is that run's, moved aside and started again, not refused
     */
    public MembershipPlan plan(Map<String, HostFacts> facts, Optional<MemberList> read, boolean removeAbsent,
                               Optional<String> interruptedJoin) {
        List<Host> withoutData = inventory.members().stream().filter(h -> !facts.get(h.name()).dataDirHasMember()).toList();
        if (read.isEmpty()) {
            if (!withoutData.isEmpty()) {
                throw new DcsprovException(ExitCode.UNSAFE, "no member runs etcd, so " + names(withoutData) + " cannot join",
                        "Hosts with data: " + names(inventory.members().stream().filter(h -> !withoutData.contains(h)).toList())
                                + ". New members join a running cluster one at a time; the cluster must be up first. Nothing was changed.",
                        "start etcd on the members that hold data (systemctl start etcd), check 'dcsprov member list "
                                + inventory.file() + "', then run apply again");
            }
            return MembershipPlan.none();
        }
        MemberList list = read.get();
        checkClusterIds(facts, list);

        List<Host> promotions = new ArrayList<>();
        List<Host> joinerHosts = new ArrayList<>();
        Map<String, Member> reuse = new LinkedHashMap<>();
        List<String> moveAside = new ArrayList<>();
        List<Member> matched = new ArrayList<>();
        for (Host h : inventory.members()) {
            HostFacts f = facts.get(h.name());
            String peer = h.peerUrl(cluster);
            Optional<Member> byName = list.byName(h.memberName());
            Optional<Member> byPeer = list.byPeerUrl(peer);
            if (byName.isPresent()) {
                Member m = byName.get();
                matched.add(m);
                if (!m.peerUrls().contains(peer)) {
                    throw refuse("member " + h.memberName() + " has peer URL " + String.join(",", m.peerUrls())
                                    + " but the inventory gives " + peer,
                            "dcsprov does not change a member's peer URL in place.",
                            "to move the member to the new address: dcsprov member replace " + inventory.file() + " " + h.name());
                }
                if (!f.dataDirHasMember()) {
                    throw refuse("member " + h.memberName() + " is in the cluster but " + h.name() + " has no data in " + cluster.dataDir(),
                            "The host was probably reinstalled or its data dir wiped. Starting it empty under the old member ID "
                                    + "would fail; the old member must be removed and the host joined as a new member.",
                            "dcsprov member replace " + inventory.file() + " " + h.name());
                }
                if (m.learner()) {
                    promotions.add(h);
                }
            } else if (byPeer.isPresent()) {
                Member m = byPeer.get();
                matched.add(m);
                if (m.started()) {
                    throw refuse("peer URL " + peer + " of " + h.name() + " belongs to member " + m.name() + " (" + m.idHex() + ")",
                            "Another member uses this host's address: the inventory and the cluster disagree about which member lives there.",
                            "if " + m.name() + " is gone: dcsprov member remove " + inventory.file() + " " + m.name()
                                    + "; otherwise fix etcd_name or ansible_host of " + h.name());
                }
                if (f.dataDirHasMember() && interruptedJoin.filter(h.name()::equals).isPresent()) {
                    moveAside.add(h.name());
                } else if (f.dataDirHasMember()) {
                    throw refuse(h.name() + " holds data in " + cluster.dataDir() + " but its member was never started",
                            "The data on " + h.name() + " does not belong to this cluster's member " + m.idHex() + ".",
                            "dcsprov member replace " + inventory.file() + " " + h.name());
                }
                reuse.put(h.name(), m);
                joinerHosts.add(h);
            } else if (f.dataDirHasMember()) {
                throw refuse(h.name() + " holds etcd data but is not a member of this cluster",
                        "The data in " + cluster.dataDir() + " on " + h.name() + " belongs to a member that was removed, or to "
                                + "another cluster. Nothing was changed.",
                        "to move that data aside and join " + h.name() + " as a new member: dcsprov member replace "
                                + inventory.file() + " " + h.name());
            } else {
                joinerHosts.add(h);
            }
        }
        List<Member> absent = list.members().stream().filter(m -> matched.stream().noneMatch(x -> x.id().equals(m.id()))).toList();

        // Members already added (reused) join first: an unstarted voter counts against quorum until it runs.
        joinerHosts.sort(Comparator.comparing((Host h) -> !reuse.containsKey(h.name())));
        List<String> membership = new ArrayList<>(list.members().stream().map(m -> entry(m)).toList());
        List<MembershipPlan.Joiner> joiners = new ArrayList<>();
        for (Host h : joinerHosts) {
            String entry = h.memberName() + "=" + h.peerUrl(cluster);
            Optional<Member> reused = Optional.ofNullable(reuse.get(h.name()));
            if (reused.isEmpty()) {
                membership.add(entry);
            }
            joiners.add(new MembershipPlan.Joiner(h, h.peerUrl(cluster), reused, String.join(",", membership),
                    moveAside.contains(h.name())));
        }
        return new MembershipPlan(promotions, joiners, absent, removeAbsent);
    }

    /** name=peerURL for ETCD_INITIAL_CLUSTER; an unstarted member is named after the inventory host with its peer URL. */
    String entry(Member m) {
        String name = m.started() ? m.name() : inventory.members().stream()
                .filter(h -> m.peerUrls().contains(h.peerUrl(cluster))).map(Host::memberName).findFirst()
                .orElse(MembershipPlan.displayName(m));
        return name + "=" + String.join(",", m.peerUrls());
    }

    /** ETCD_INITIAL_CLUSTER for a member starting now: every current member, voters and learners, itself included. */
    public String initialCluster(MemberList list) {
        return list.members().stream().map(this::entry).collect(Collectors.joining(","));
    }

    private void checkClusterIds(Map<String, HostFacts> facts, MemberList list) {
        EtcdId expected = list.header().clusterId();
        for (Host h : inventory.members()) {
            String json = facts.get(h.name()).etcdStatusJson();
            if (json.isBlank()) {
                continue;
            }
            for (EndpointStatus s : EtcdctlJson.endpointStatus(json)) {
                if (!s.header().clusterId().equals(expected)) {
                    throw refuse(h.name() + " runs a member of another cluster (cluster ID " + s.header().clusterId().hex()
                                    + ", the others " + expected.hex() + ")",
                            "Its data in " + cluster.dataDir() + " does not belong to this cluster. Nothing was changed.",
                            "if the data on " + h.name() + " is not needed: dcsprov member replace " + inventory.file() + " "
                                    + h.name() + " (stops etcd there, moves the data aside and joins it as a new member)");
                }
            }
        }
    }

    private static DcsprovException refuse(String summary, String detail, String fix) {
        return new DcsprovException(ExitCode.UNSAFE, summary, detail, fix);
    }

    private static String names(List<Host> hosts) {
        return hosts.stream().map(Host::name).collect(Collectors.joining(", "));
    }
}
