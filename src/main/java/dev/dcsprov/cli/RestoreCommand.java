package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.backup.Restore;
import dev.dcsprov.backup.RestoreResume;
import dev.dcsprov.inventory.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.dcsprov.inventory.PatroniHost;
import dev.dcsprov.patroni.DcsOutage;
import dev.dcsprov.patroni.PatroniFacts;
import dev.dcsprov.patroni.PatroniProbe;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.Connections;
import dev.dcsprov.ssh.HostKeyPolicy;
import dev.dcsprov.ssh.SshConnector;
import dev.dcsprov.ssh.SshTarget;

/** dcsprov restore: the whole cluster rebuilt from one snapshot. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Rebuilds the whole cluster from a snapshot.",
                "It verifies the snapshot, stops etcd on every member, moves each data directory aside (never deletes it), "
                        + "restores every member with a new cluster token, starts them and waits for health.",
                "The hosts must have been set up by 'dcsprov apply'. It shows its plan first; --check shows the plan "
                        + "after the same checks and changes nothing."})
final class RestoreCommand extends InventoryCommand {
    @Parameters(index = "1", paramLabel = "SNAPSHOT", description = "snapshot file (.db) from 'dcsprov backup' or 'etcdctl snapshot save'")
    Path snapshot;

    @Option(names = "--replace-healthy-cluster",
            description = "Restore even though the cluster is up and holds data (all its later writes are replaced)")
    boolean replaceHealthy;

    @Option(names = "--check", description = "Show the plan (per member: copy and trial restore, stop, data dir moved aside, "
            + "restore, config, start) after the same checks and refusals; copy nothing, stop nothing, change nothing, take no run lock")
    boolean check;

    @Override
    public Integer call() throws Exception {
        // The file is checked before the inventory is even loaded: a bad snapshot never reaches a host.
        Restore.verifyLocally(snapshot);
        Inventory inventory = loadInventory();
        boolean json = options.output == RunOptions.OutputFormat.json;
        if (check) {
            try (ConnectedHosts hosts = connect(inventory)) {
                return printCheck(restore(inventory, hosts, json).journaled(journal(inventory, hosts, RestoreResume.OPERATION))
                        .plan(snapshot, replaceHealthy).plan());
            }
        }
        try (var lock = lockRun(inventory); ConnectedHosts hosts = connect(inventory)) {
            lock.onMembers(hosts);
            Restore restore = restore(inventory, hosts, json).journaled(journal(inventory, hosts, RestoreResume.OPERATION));
            Restore.Planned planned = restore.plan(snapshot, replaceHealthy);
            showPlan(planned.plan());
            // A finish stops nothing: no Patroni primary demotes because of it.
            List<String> warnings = planned.finishes() ? List.of() : patroniWarnings(inventory, hosts);
            if (!json) {
                warnings.forEach(w -> out().println("[cluster] warning: " + w));
                out().flush();
            }
            Restore.Result r = restore.run(planned);
            if (json) {
                ObjectMapper m = JsonReporter.JSON;
                ObjectNode n = m.createObjectNode();
                n.set("plan", m.valueToTree(planned.plan()));
                n.put("cluster", inventory.cluster().name());
                n.put("snapshot", r.snapshot().toString());
                n.put("sha256", r.sha256());
                r.status().ifPresent(st -> n.put("snapshotRevision", st.revision()).put("snapshotTotalKey", st.totalKey()));
                n.put("finishedInterrupted", r.finished());
                n.put("token", r.token());
                n.put("keys", r.keys());
                warnings.forEach(n.withArray("warnings")::add);
                r.members().forEach(x -> n.withArray("members").addObject().put("host", x.host()).put("revision", x.revision())
                        .put("leader", x.leader()).put("previousDataDir", x.movedAside()));
                printJson(n);
            } else {
                out().println();
                r.status().ifPresent(st -> {
                    out().println("snapshot:");
                    out().print(st.table());
                });
                out().printf("%-16s %-10s %-7s %s%n", "MEMBER", "REVISION", "LEADER", "PREVIOUS DATA (moved aside)");
                r.members().forEach(x -> out().printf("%-16s %-10d %-7s %s%n", x.host(), x.revision(), x.leader() ? "yes" : "",
                        x.movedAside()));
                String keys = (r.keys() < 0 ? "an unknown number of" : String.valueOf(r.keys())) + " keys";
                out().println(r.finished()
                        ? "finished the interrupted restore of cluster '" + inventory.cluster().name() + "' from " + r.snapshot()
                                + ": every member on the restored cluster (token " + r.token() + "), " + keys + "; nothing restored again"
                        : "restored cluster '" + inventory.cluster().name() + "' at revision " + r.status().orElseThrow().revision()
                                + " (snapshot) with " + keys + "; new cluster token " + r.token());
            }
            out().flush();
            return 0;
        }
    }

    private Restore restore(Inventory inventory, ConnectedHosts hosts, boolean json) {
        return new Restore(inventory, hosts, m -> {
            if (!json) {
                out().println("[cluster] " + m);
                out().flush();
            }
        });
    }

    /**
     * Restore stops every member: each Patroni cluster that is not paused demotes its primary (see {@link DcsOutage}).
     * Asked before anything stops; a Patroni host that cannot be reached is named, and does not stop the restore
     * (etcd may be down because of what restore repairs).
     */
    private List<String> patroniWarnings(Inventory inventory, ConnectedHosts members) {
        if (inventory.patroni().isEmpty()) {
            return List.of();
        }
        List<SshTarget> others = inventory.patroni().stream().filter(p -> !members.connected(p.name()))
                .map(p -> target(p.host())).toList();
        HostKeyPolicy policy = options.acceptNewHostKeys
                ? HostKeyPolicy.acceptNew(inventory.cluster().knownHostsFiles())
                : HostKeyPolicy.strict(inventory.cluster().knownHostsFiles());
        Map<String, PatroniFacts> facts = new LinkedHashMap<>();
        Map<String, String> unasked = new LinkedHashMap<>();
        try (Connections extra = Connections.open(new SshConnector(), others, policy, Math.max(1, options.forks))) {
            extra.failed().forEach((host, e) -> unasked.put(host, e.summary()));
            for (PatroniHost p : inventory.patroni()) {
                Connection c = members.connected(p.name()) ? members.connection(p.name()) : extra.open().get(p.name());
                if (c == null) {
                    continue;
                }
                try {
                    facts.put(p.name(), PatroniProbe.read(c, p));
                } catch (RuntimeException e) {
                    unasked.put(p.name(), e.getMessage());
                }
            }
        }
        return DcsOutage.restoreWarnings(facts, unasked);
    }
}
