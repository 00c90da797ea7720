package dev.dcsprov.cluster;

import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.etcd.MemberList;

import java.util.List;
import java.util.Optional;

/**
 * What the operations ask of etcd, with answers parsed once into records. The real one is
 * {@link EtcdctlCluster} (Debian's etcdctl over SSH); unit tests use a fake cluster behind it.
 * Endpoints are client URLs; each call goes to whichever of them answers unless it says otherwise.
 */
public interface EtcdCluster {

    /** Where the questions are asked from (a host name), for messages. */
    String via();

    MemberList memberList(List<String> endpoints);

    /** One entry per endpoint; an endpoint that does not answer is unhealthy, never thrown. */
    List<EndpointHealth> health(List<String> endpoints);

    /** The status of the endpoints that answered; the others are missing. Alarms are in {@link EndpointStatus#errors()}. */
    List<EndpointStatus> status(List<String> endpoints);

    /** Hands leadership to {@code to}; etcd takes the request only from the leader itself, so it goes to {@code leaderEndpoint}. */
    void moveLeader(String leaderEndpoint, EtcdId to);

    /** Adds a learner (no vote, so a broken newcomer cannot cost quorum) and returns the new member list. */
    MemberList addLearner(List<String> endpoints, String name, String peerUrl);

    /** Empty when promoted; else etcd's reason ("learner not in sync" is expected for a while and retried by the caller). */
    Optional<String> tryPromote(List<String> endpoints, EtcdId id);

    void remove(List<String> endpoints, EtcdId id, String name);

    /** The cluster version etcd agreed on (the lowest minor every member runs, "3.4.0"), when it can be asked. */
    Optional<String> clusterVersion(List<String> endpoints);

    /** Active alarms, cluster-wide (etcd replicates them): which member raised which (NOSPACE, CORRUPT). */
    List<Alarm> alarms(List<String> endpoints);

    /** Disarms every active alarm ({@code etcdctl alarm disarm}); callers make sure only NOSPACE is active. */
    void disarmAlarms(List<String> endpoints);

    /**
     * Compacts the key-value history up to {@code revision}, waiting until the compaction is applied on
     * every member ({@code --physical}). A revision already compacted is not an error.
     */
    void compact(List<String> endpoints, long revision);

    /**
     * Makes every member commit its backend once without touching a key: etcd grants a lease of 1 second (which
     * expires by itself). etcd refreshes a member's in-use figure only when its backend commits, and an idle
     * cluster commits nothing after a compaction, so until then the figure still counts what the compaction freed.
     * etcd refuses a lease under a NOSPACE alarm; callers do not ask then.
     */
    void forceBackendCommit(List<String> endpoints);

    /** Defragments the one member behind {@code endpoint}; it serves no request while it runs. */
    void defragment(String endpoint);

    /** An alarm as etcd keeps it: the member that raised it and its type ("NOSPACE", "CORRUPT"). */
    record Alarm(EtcdId member, String type) {
    }
}
