package dev.dcsprov.cluster;

import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one definition of a healthy cluster, used by every gate (apply, rotation, membership,
 * restore), by apply's no-op check and by {@code dcsprov status}: every member answers (health
 * and status), all report one cluster ID, all agree on one leader, and none reports an alarm.
 *
 * @param problems why it is not healthy, one line each; empty when healthy
 * @param status   the status of every member that answered
 */
public record ClusterHealth(List<String> problems, List<EndpointStatus> status) {

    public ClusterHealth {
        problems = List.copyOf(problems);
        status = List.copyOf(status);
    }

    /**
     * @param endpoints every member expected to answer (client URLs, or any key the status entries carry)
     * @param health    endpoint health as asked, or empty when only status is known (e.g. from facts)
     * @param status    endpoint status of those that answered
     */
    public static ClusterHealth judge(List<String> endpoints, Optional<List<EndpointHealth>> health, List<EndpointStatus> status) {
        return judge(endpoints, health, status, Set.of());
    }

    /**
     * The same judgement, except that alarms of the {@code tolerated} types (e.g. NOSPACE, while
     * maintenance frees space) do not count: neither in status errors nor as etcd 3.5's unhealthy
     * "Active Alarm(s): NOSPACE" endpoint health. Every other rule stays.
     */
    public static ClusterHealth judge(List<String> endpoints, Optional<List<EndpointHealth>> health, List<EndpointStatus> status,
                                      Set<String> tolerated) {
        List<String> problems = new ArrayList<>();
        health.ifPresent(hs -> {
            List<String> bad = new ArrayList<>();
            for (String e : endpoints) {
                Optional<EndpointHealth> h = hs.stream().filter(x -> x.endpoint().equals(e)).findFirst();
                if (h.isEmpty()) {
                    bad.add(e + " (no answer)");
                } else if (!healthyEnough(h.get(), tolerated)) {
                    bad.add(e + h.get().error().map(x -> " (" + x + ")").orElse(""));
                }
            }
            if (!bad.isEmpty()) {
                problems.add("unhealthy: " + String.join(", ", bad));
            }
        });
        List<String> silent = endpoints.stream().filter(e -> status.stream().noneMatch(s -> s.endpoint().equals(e))).toList();
        if (!silent.isEmpty()) {
            problems.add("no endpoint status from " + String.join(", ", silent));
        }
        if (status.stream().map(s -> s.header().clusterId()).distinct().count() > 1) {
            problems.add("members report different cluster IDs: " + status.stream()
                    .map(s -> s.endpoint() + "=" + s.header().clusterId().hex()).collect(Collectors.joining(", ")));
        }
        List<EtcdId> leaders = status.stream().map(EndpointStatus::leader).distinct().toList();
        if (leaders.size() > 1) {
            problems.add("members do not agree on a leader: " + status.stream()
                    .map(s -> s.endpoint() + " follows " + s.leader().hex()).collect(Collectors.joining(", ")));
        } else if (status.stream().anyMatch(s -> !s.hasLeader())) {
            problems.add("no leader");
        }
        List<String> alarms = status.stream().filter(s -> !errorsBeyond(s, tolerated).isEmpty())
                .map(s -> s.endpoint() + ": " + String.join("; ", errorsBeyond(s, tolerated))).toList();
        if (!alarms.isEmpty()) {
            problems.add("alarms or errors: " + String.join(", ", alarms));
        }
        if (endpoints.isEmpty()) {
            problems.add("no members to ask");
        }
        return new ClusterHealth(problems, status);
    }

    /** An endpoint that answered healthy, or (etcd 3.5) unhealthy only for alarms that are tolerated. */
    static boolean healthyEnough(EndpointHealth h, Set<String> tolerated) {
        if (h.healthy()) {
            return true;
        }
        String error = h.error().orElse("");
        if (tolerated.isEmpty() || !error.startsWith(ACTIVE_ALARMS)) {
            return false;
        }
        return Arrays.stream(error.substring(ACTIVE_ALARMS.length()).split("[,\\s]+")).filter(a -> !a.isBlank())
                .allMatch(tolerated::contains);
    }

    /** etcd 3.5's etcdctl endpoint health error while an alarm is active. */
    static final String ACTIVE_ALARMS = "Active Alarm(s):";

    /** Status errors except the alarms of a tolerated type. */
    private static List<String> errorsBeyond(EndpointStatus s, Set<String> tolerated) {
        return s.errors().stream().filter(e -> {
            List<EtcdCluster.Alarm> a = EtcdctlCluster.parseAlarms(e);
            return a.isEmpty() || !a.stream().allMatch(x -> tolerated.contains(x.type()));
        }).toList();
    }

    public boolean healthy() {
        return problems.isEmpty();
    }

    /** Why not healthy, on one line. */
    public String problem() {
        return String.join("; ", problems);
    }

    public Optional<EndpointStatus> leader() {
        return status.stream().filter(EndpointStatus::isLeader).findFirst();
    }

    public Optional<EndpointStatus> statusOf(String endpoint) {
        return status.stream().filter(s -> s.endpoint().equals(endpoint)).findFirst();
    }
}
