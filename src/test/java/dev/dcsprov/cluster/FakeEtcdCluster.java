package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.ResponseHeader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small etcd cluster in memory for unit tests of the choreography: members with a leader, a
 * commit index that grows with every tick (a client keeps writing), per-member applied indexes,
 * restarts that take a member down for a few ticks and bring it back behind, leader elections,
 * alarms and injected failures. It is its own virtual clock: every pause is one tick, so tests
 * never sleep. {@link #events} records what was done to it, in order.
 */
public final class FakeEtcdCluster implements EtcdCluster, RollingRestart.Restarter, Waiting, dev.dcsprov.upgrade.RollingUpgrade.Installer {
    static final long CLUSTER_ID = 0xc1L;

    final class Node {
        final String name;
        final String url;
        final EtcdId id;
        boolean up = true;
        int downTicks;
        long applied;
        /** The leader's commit index when this member last came back; -1 until it restarted. */
        long commitWhenBack = -1;
        List<String> alarms = new ArrayList<>();
        long clusterId = CLUSTER_ID;
        /** The version the running etcd reports, and the one installed (taken at the next start). */
        String version = "3.4.23";
        String installed = "3.4.23";
        /** The database file and the part of it in use; a compaction frees {@link #compactFrees} of the use, a defrag shrinks the file to it. */
        long dbSize = 4096;
        long inUse = 4096;
        /** Freed by a compaction but still in {@link #inUse}: as in etcd, the figure catches up at the next backend commit. */
        long freedUncommitted;

        void commit() {
            inUse -= freedUncommitted;
            freedUncommitted = 0;
        }

        Node(String name, int n) {
            this.name = name;
            this.url = "https://" + name + ":2379";
            this.id = new EtcdId(0x100 + n);
        }
    }

    final Map<String, Node> byName = new LinkedHashMap<>();
    public final List<String> events = new ArrayList<>();
    final Set<String> failRestartOf = new HashSet<>();
    /** Alarms as etcd keeps them: cluster-wide, listed in every member's status. */
    final List<EtcdCluster.Alarm> clusterAlarms = new ArrayList<>();
    /** etcd 3.5's etcdctl reports an endpoint with an active alarm unhealthy ("Active Alarm(s): NOSPACE"); 3.4's does not. */
    boolean healthReportsAlarms;
    /** Bytes in use that a compaction frees on each member. */
    long compactFrees;
    long compactedTo;
    /** Members that stay down after a restart. */
    final Set<String> neverBack = new HashSet<>();
    /** Member -> a version it does not start with (e.g. a broken binary). */
    public final Map<String, String> brokenOn = new HashMap<>();
    public boolean learnerPending;
    Node leader;
    long committed = 1000;
    long term = 2;
    long nanos;
    int writesPerTick = 3;
    /** Entries a member that is up applies per tick. */
    int catchUpPerTick = 1000;
    /** How far behind a restarted member comes back. */
    int lagAfterRestart = 0;
    int ticksDown = 2;

    public FakeEtcdCluster(String... names) {
        for (int i = 0; i < names.length; i++) {
            byName.put(names[i], new Node(names[i], i));
        }
        byName.values().forEach(n -> n.applied = committed);
    }

    public FakeEtcdCluster leader(String name) {
        leader = byName.get(name);
        return this;
    }

    public List<ClusterMember> members() {
        return byName.values().stream().map(n -> new ClusterMember(n.name, n.url)).toList();
    }

    Node node(String name) {
        return byName.get(name);
    }

    private Optional<Node> byUrl(String url) {
        return byName.values().stream().filter(n -> n.url.equals(url)).findFirst();
    }

    private void tick() {
        if (leader != null && leader.up) {
            committed += writesPerTick;
        }
        for (Node n : byName.values()) {
            if (!n.up && n.downTicks > 0 && --n.downTicks == 0 && !neverBack.contains(n.name)
                    && !n.installed.equals(brokenOn.get(n.name))) {
                n.up = true;
                n.version = n.installed;
                n.commitWhenBack = committed;
                events.add("back " + n.name);
            }
            if (n.up) {
                n.applied = Math.min(committed, n.applied + (n == leader ? Long.MAX_VALUE / 2 : catchUpPerTick));
            }
        }
        if (leader == null || !leader.up) {
            // An election among the members that are up (raft picks one with the longest log; the first will do).
            byName.values().stream().filter(n -> n.up).findFirst().ifPresent(n -> {
                leader = n;
                term++;
                events.add("elected " + n.name);
            });
        }
    }

    // ---- Waiting ----

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public void pause(long millis) {
        nanos += millis * 1_000_000L;
        tick();
    }

    // ---- Restarter ----

    @Override
    public void restart(ClusterMember member) {
        Node n = byName.get(member.name());
        if (failRestartOf.contains(n.name)) {
            events.add("failed restart " + n.name);
            throw new DcsprovException(ExitCode.HOST_FAILED, "etcd did not restart", "Job for etcd.service failed", "");
        }
        events.add("restart " + n.name + (n == leader ? " (while leading)" : ""));
        n.up = false;
        n.downTicks = ticksDown;
        n.applied = Math.max(0, n.applied - lagAfterRestart);
        if (n == leader) {
            leader = null;
        }
    }

    // ---- EtcdCluster ----

    @Override
    public String via() {
        return "fake";
    }

    @Override
    public MemberList memberList(List<String> endpoints) {
        List<Member> members = byName.values().stream()
                .map(n -> new Member(n.id, n.name, List.of("https://" + n.name + ":2380"), List.of(n.url), false)).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        if (learnerPending) {
            members.add(new Member(new EtcdId(0x999), "newcomer", List.of("https://newcomer:2380"), List.of(), true));
        }
        return new MemberList(new ResponseHeader(new EtcdId(CLUSTER_ID), leader == null ? new EtcdId(0) : leader.id, committed, term),
                members);
    }

    @Override
    public List<EndpointHealth> health(List<String> endpoints) {
        List<EndpointHealth> result = new ArrayList<>();
        for (String e : endpoints) {
            Optional<Node> n = byUrl(e);
            boolean ok = n.isPresent() && n.get().up && leader != null && n.get().alarms.isEmpty();
            if (ok && healthReportsAlarms && !clusterAlarms.isEmpty()) {
                result.add(new EndpointHealth(e, false, "", Optional.of("Active Alarm(s): "
                        + String.join(",", clusterAlarms.stream().map(EtcdCluster.Alarm::type).toList()))));
                continue;
            }
            result.add(new EndpointHealth(e, ok, ok ? "2ms" : "", ok ? Optional.empty() : Optional.of("connection refused")));
        }
        return result;
    }

    @Override
    public List<EndpointStatus> status(List<String> endpoints) {
        List<EndpointStatus> result = new ArrayList<>();
        for (String e : endpoints) {
            Optional<Node> found = byUrl(e);
            if (found.isEmpty() || !found.get().up) {
                continue;
            }
            Node n = found.get();
            long raftIndex = n == leader ? committed : n.applied;
            List<String> errors = new ArrayList<>(n.alarms);
            clusterAlarms.forEach(a -> errors.add("memberID:" + Long.toUnsignedString(a.member().bits()) + " alarm:" + a.type() + " "));
            result.add(new EndpointStatus(e, new ResponseHeader(new EtcdId(n.clusterId), n.id, committed, term), n.version, n.dbSize,
                    leader == null ? new EtcdId(0) : leader.id, raftIndex, term, n.applied, errors, n.inUse, false));
        }
        return result;
    }

    @Override
    public void moveLeader(String leaderEndpoint, EtcdId to) {
        if (leader == null || !leader.url.equals(leaderEndpoint)) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "etcdctl move-leader failed", "not the leader: " + leaderEndpoint, "");
        }
        Node target = byName.values().stream().filter(n -> n.id.equals(to)).findFirst().orElseThrow();
        events.add("move-leader " + leader.name + " -> " + target.name);
        leader = target;
        term++;
    }

    final Map<String, String> learners = new HashMap<>();

    @Override
    public MemberList addLearner(List<String> endpoints, String name, String peerUrl) {
        events.add("member add " + name);
        learners.put(name, peerUrl);
        return memberList(endpoints);
    }

    @Override
    public Optional<String> tryPromote(List<String> endpoints, EtcdId id) {
        events.add("promote " + id.hex());
        return Optional.empty();
    }

    @Override
    public void remove(List<String> endpoints, EtcdId id, String name) {
        events.add("member remove " + name);
        byName.remove(name);
    }

    /** Every member's running version, in order. */
    public List<String> versions() {
        return byName.values().stream().map(n -> n.name + "=" + n.version).toList();
    }

    public void setVersion(String name, String version) {
        byName.get(name).version = version;
        byName.get(name).installed = version;
    }

    public void stop(String name) {
        byName.get(name).up = false;
        byName.get(name).downTicks = 0;
    }

    @Override
    public Optional<String> clusterVersion(List<String> endpoints) {
        return byName.values().stream().map(n -> dev.dcsprov.upgrade.EtcdVersion.parse(n.version)).min(Comparable::compareTo)
                .map(v -> v.minorLine() + ".0");
    }

    // ---- RollingUpgrade.Installer ----

    @Override
    public void install(ClusterMember member, dev.dcsprov.upgrade.RollingUpgrade.Release release) {
        events.add("install " + member.name() + " " + release.version());
        byName.get(member.name()).installed = release.version().toString();
    }

    final Set<String> failDefragOf = new HashSet<>();

    @Override
    public List<EtcdCluster.Alarm> alarms(List<String> endpoints) {
        return List.copyOf(clusterAlarms);
    }

    @Override
    public void disarmAlarms(List<String> endpoints) {
        events.add("alarm disarm " + clusterAlarms.stream().map(EtcdCluster.Alarm::type).toList());
        clusterAlarms.clear();
    }

    @Override
    public void compact(List<String> endpoints, long revision) {
        events.add("compact " + revision);
        compactedTo = revision;
        byName.values().forEach(n -> n.freedUncommitted = Math.min(compactFrees, n.inUse - 4096));
    }

    @Override
    public void forceBackendCommit(List<String> endpoints) {
        if (clusterAlarms.stream().anyMatch(a -> a.type().equals("NOSPACE"))) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "etcdctl lease grant 1 failed", "etcdserver: mvcc: database space exceeded", "");
        }
        events.add("lease grant 1");
        byName.values().stream().filter(n -> n.up).forEach(Node::commit);
    }

    @Override
    public void defragment(String endpoint) {
        Node n = byUrl(endpoint).orElseThrow();
        if (failDefragOf.contains(n.name)) {
            events.add("failed defrag " + n.name);
            throw new DcsprovException(ExitCode.HOST_FAILED, "etcdctl defrag failed", "context deadline exceeded", "");
        }
        events.add("defrag " + n.name + (n == leader ? " (while leading)" : ""));
        n.commit();
        n.dbSize = n.inUse;
    }
}
