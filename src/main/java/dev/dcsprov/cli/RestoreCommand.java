package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dcsprov.cluster.Hosts;
import dev.dcsprov.backup.Restore;
import dev.dcsprov.inventory.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

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
            try (Hosts hosts = connect(inventory)) {
                return printCheck(restore(inventory, hosts, json).plan(snapshot, replaceHealthy).plan());
            }
        }
        try (var lock = lockRun(inventory); Hosts hosts = connect(inventory)) {
            lock.onMembers(hosts);
            Restore restore = restore(inventory, hosts, json);
            Restore.Planned planned = restore.plan(snapshot, replaceHealthy);
            showPlan(planned.plan());
            Restore.Result r = restore.run(planned);
            if (json) {
                ObjectMapper m = JsonReporter.JSON;
                ObjectNode n = m.createObjectNode();
                n.set("plan", m.valueToTree(planned.plan()));
                n.put("cluster", inventory.cluster().name());
                n.put("snapshot", r.snapshot().toString());
                n.put("sha256", r.sha256());
                n.put("snapshotRevision", r.status().revision());
                n.put("snapshotTotalKey", r.status().totalKey());
                n.put("token", r.token());
                n.put("keys", r.keys());
                r.members().forEach(x -> n.withArray("members").addObject().put("host", x.host()).put("revision", x.revision())
                        .put("leader", x.leader()).put("previousDataDir", x.movedAside()));
                printJson(n);
            } else {
                out().println();
                out().println("snapshot:");
                out().print(r.status().table());
                out().printf("%-16s %-10s %-7s %s%n", "MEMBER", "REVISION", "LEADER", "PREVIOUS DATA (moved aside)");
                r.members().forEach(x -> out().printf("%-16s %-10d %-7s %s%n", x.host(), x.revision(), x.leader() ? "yes" : "",
                        x.movedAside()));
                out().println("restored cluster '" + inventory.cluster().name() + "' at revision " + r.status().revision()
                        + " (snapshot) with " + (r.keys() < 0 ? "an unknown number of" : String.valueOf(r.keys()))
                        + " keys; new cluster token " + r.token());
            }
            out().flush();
            return 0;
        }
    }

    private Restore restore(Inventory inventory, Hosts hosts, boolean json) {
        return new Restore(inventory, hosts, m -> {
            if (!json) {
                out().println("[cluster] " + m);
                out().flush();
            }
        });
    }
}
