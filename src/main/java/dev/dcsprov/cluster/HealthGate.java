package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Asks the cluster and judges it by {@link ClusterHealth}: every cluster-wide change waits on this
 * before and after it.
 */
public final class HealthGate {
    /** How long one member may take to restart, rejoin, catch up or take over leadership. */
    public static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(60);
    static final long POLL_MILLIS = 300;

    private final EtcdCluster etcd;
    private final List<String> endpoints;
    private final Waiting waiting;
    private final Set<String> toleratedAlarms;

    public HealthGate(EtcdCluster etcd, List<String> endpoints) {
        this(etcd, endpoints, Waiting.REAL);
    }

    public HealthGate(EtcdCluster etcd, List<String> endpoints, Waiting waiting) {
        this(etcd, endpoints, waiting, Set.of());
    }

    /** @param toleratedAlarms alarm types that do not count against health (see {@link ClusterHealth#judge}) */
    public HealthGate(EtcdCluster etcd, List<String> endpoints, Waiting waiting, Set<String> toleratedAlarms) {
        this.etcd = etcd;
        this.endpoints = List.copyOf(endpoints);
        this.waiting = waiting;
        this.toleratedAlarms = Set.copyOf(toleratedAlarms);
    }

    public List<String> endpoints() {
        return endpoints;
    }

    /** One endpoint's answer as this gate judges it (a tolerated alarm does not make it unhealthy). */
    public boolean healthy(EndpointHealth h) {
        return ClusterHealth.healthyEnough(h, toleratedAlarms);
    }

    /** The same gate (same waiting, same tolerated alarms) over other endpoints, e.g. all members but one. */
    public HealthGate over(List<String> endpoints) {
        return new HealthGate(etcd, endpoints, waiting, toleratedAlarms);
    }

    /** One look. Status is asked only when every endpoint is healthy: etcdctl stops at the first one that does not answer. */
    public ClusterHealth check() {
        List<EndpointHealth> health = etcd.health(endpoints);
        boolean allHealthy = endpoints.stream().allMatch(e -> health.stream()
                .anyMatch(h -> h.endpoint().equals(e) && ClusterHealth.healthyEnough(h, toleratedAlarms)));
        List<EndpointStatus> status = allHealthy ? etcd.status(endpoints) : List.of();
        return ClusterHealth.judge(endpoints, Optional.of(health), status, toleratedAlarms);
    }

    /** Waits until healthy, or fails (exit 6) saying what was last wrong. */
    public ClusterHealth await(Duration timeout, String during) {
        long deadline = waiting.nanoTime() + timeout.toNanos();
        ClusterHealth last;
        while (true) {
            last = check();
            if (last.healthy() || waiting.nanoTime() > deadline) {
                break;
            }
            waiting.pause(POLL_MILLIS);
        }
        if (!last.healthy()) {
            throw new DcsprovException(ExitCode.UNSAFE, "the cluster did not become healthy " + during,
                    "After " + timeout.toSeconds() + " s: " + last.problem() + " (checked from " + etcd.via() + ").",
                    "look at the members with 'journalctl -u etcd' on each host, fix the cause, then run the command again; "
                            + "dcsprov stopped before changing anything else");
        }
        return last;
    }
}
