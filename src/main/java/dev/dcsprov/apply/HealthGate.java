package dev.dcsprov.apply;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.RemoteEtcdctl;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * "The cluster is healthy": every member endpoint answers health checks and every one agrees on a
 * leader and a cluster ID. Every cluster-wide change waits on this before and after it.
 */
public final class HealthGate {
    private final RemoteEtcdctl etcdctl;
    private final List<String> endpoints;

    public HealthGate(RemoteEtcdctl etcdctl, List<String> endpoints) {
        this.etcdctl = etcdctl;
        this.endpoints = List.copyOf(endpoints);
    }

    /** One look at the cluster. */
    public record Snapshot(boolean healthy, String problem, List<EndpointStatus> status) {
        public Optional<EndpointStatus> leader() {
            return status.stream().filter(EndpointStatus::isLeader).findFirst();
        }
    }

    public Snapshot check() {
        List<EndpointHealth> health = etcdctl.health(endpoints);
        List<String> bad = health.stream().filter(h -> !h.healthy())
                .map(h -> h.endpoint() + h.error().map(e -> " (" + e + ")").orElse("")).toList();
        if (health.size() < endpoints.size() || !bad.isEmpty()) {
            return new Snapshot(false, bad.isEmpty() ? "not every endpoint answered" : "unhealthy: " + String.join(", ", bad), List.of());
        }
        List<EndpointStatus> status = etcdctl.status(endpoints);
        if (status.size() < endpoints.size()) {
            return new Snapshot(false, "endpoint status answered by " + status.size() + " of " + endpoints.size(), status);
        }
        if (status.stream().map(s -> s.header().clusterId()).distinct().count() > 1) {
            return new Snapshot(false, "members report different cluster IDs: " + status.stream()
                    .map(s -> s.endpoint() + "=" + s.header().clusterId().hex()).collect(Collectors.joining(", ")), status);
        }
        if (status.stream().map(EndpointStatus::leader).distinct().count() > 1 || !status.get(0).hasLeader()) {
            return new Snapshot(false, "members do not agree on a leader", status);
        }
        return new Snapshot(true, "", status);
    }

    /** Waits until healthy, or fails saying what was last wrong. */
    public Snapshot await(Duration timeout, String during) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Snapshot last;
        while (true) {
            last = check();
            if (last.healthy() || System.nanoTime() > deadline) {
                break;
            }
            dev.dcsprov.Shell.pause(300);
        }
        if (!last.healthy()) {
            throw new DcsprovException(ExitCode.UNSAFE, "the cluster did not become healthy " + during,
                    "After " + timeout.toSeconds() + " s: " + last.problem() + " (checked from " + etcdctl.host() + ").",
                    "look at the members with 'journalctl -u etcd' on each host, fix the cause, then run apply again; "
                            + "dcsprov stopped before changing anything else");
        }
        return last;
    }

}
