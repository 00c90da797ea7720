package dev.dcsprov.apply;

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

/**
 * Cluster health read from the facts every member already reported (its local endpoint status),
 * so a run with nothing to change still proves the cluster healthy without another round trip.
 */
final class FactsHealth {
    private FactsHealth() {
    }

    static void require(Inventory inventory, Map<String, HostFacts> facts) {
        List<String> problems = new ArrayList<>();
        List<EndpointStatus> answers = new ArrayList<>();
        for (Host h : inventory.members()) {
            String json = facts.get(h.name()).etcdStatusJson();
            if (json.isBlank()) {
                problems.add(h.name() + ": etcd runs but does not answer on its local client URL");
            } else {
                answers.addAll(EtcdctlJson.endpointStatus(json));
            }
        }
        if (answers.stream().map(s -> s.header().clusterId()).distinct().count() > 1) {
            problems.add("members report different cluster IDs");
        }
        if (answers.stream().anyMatch(s -> !s.hasLeader()) || answers.stream().map(EndpointStatus::leader).distinct().count() > 1) {
            problems.add("members do not agree on a leader");
        }
        if (!problems.isEmpty()) {
            throw new DcsprovException(ExitCode.UNHEALTHY, "the cluster is not healthy, although its configuration matches the inventory",
                    String.join("\n", problems),
                    "look at 'journalctl -u etcd' on those members and at 'dcsprov status'; apply changes nothing more until they answer");
        }
    }
}
