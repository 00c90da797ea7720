package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdctlJson;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cluster health read from the facts every member already reported (its local endpoint status),
 * so a run with nothing to change still proves the cluster healthy without another round trip.
 * Judged by the same {@link ClusterHealth} as every gate and {@code dcsprov status}.
 */
public final class FactsHealth {
    private FactsHealth() {
    }

    public static void require(Inventory inventory, Map<String, HostFacts> facts) {
        List<String> problems = new ArrayList<>();
        List<EndpointStatus> answers = new ArrayList<>();
        for (Host h : inventory.members()) {
            String json = facts.get(h.name()).etcdStatusJson();
            if (json.isBlank()) {
                problems.add(h.name() + ": etcd runs but does not answer on its local client URL");
            } else {
                // Each member answered for its own 127.0.0.1 URL: key its answer by host name instead.
                EtcdctlJson.endpointStatus(json).forEach(s -> answers.add(s.withEndpoint(h.name())));
            }
        }
        ClusterHealth health = ClusterHealth.judge(inventory.members().stream().map(Host::name).toList(), Optional.empty(), answers);
        if (!health.healthy()) {
            problems.add(health.problem());
        }
        if (!problems.isEmpty()) {
            throw new DcsprovException(ExitCode.UNHEALTHY, "the cluster is not healthy, although its configuration matches the inventory",
                    String.join("\n", problems),
                    String.join("\n", problems).contains("alarm:NOSPACE")
                            ? "the database reached its quota (etcd_quota_backend_bytes) and etcd refuses writes: run 'dcsprov maintain' "
                                    + "(compaction, defragmentation, then the alarm disarmed), or raise the quota"
                            : "look at 'journalctl -u etcd' on those members and at 'dcsprov status'; apply changes nothing more until they answer");
        }
    }
}
