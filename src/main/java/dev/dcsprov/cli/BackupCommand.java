package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dcsprov.backup.Backup;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.inventory.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** dcsprov backup: one verified snapshot of the cluster, kept on this machine. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Takes a verified snapshot from a healthy member and keeps it on this machine.",
                "The snapshot and its SHA-256 go into dcsprov_backup_dir (default <inventory dir>/backups/<cluster>), "
                        + "which keeps the newest dcsprov_backup_keep (default 7).",
                "It shows its plan first; --check shows the plan and changes nothing."})
final class BackupCommand extends InventoryCommand {
    @Option(names = "--check", description = "Show the plan (the member the snapshot is taken on, the file it becomes, "
            + "old backups removed) after the same refusals; take no snapshot and change nothing, locally or on a host")
    boolean check;

    @Override
    public Integer call() throws Exception {
        Inventory inventory = loadInventory();
        boolean json = options.output == RunOptions.OutputFormat.json;
        try (ConnectedHosts hosts = connect(inventory)) {
            Backup backup = new Backup(inventory, hosts, m -> {
                if (!json) {
                    out().println("[cluster] " + m);
                    out().flush();
                }
            });
            Backup.Planned planned = backup.plan();
            if (!check) {
                backup.journaled(journal(inventory, hosts, Backup.OPERATION));
            }
            if (check) {
                return printCheck(planned.plan());
            }
            showPlan(planned.plan());
            Backup.Result r = backup.run(planned);
            if (json) {
                ObjectNode n = JsonReporter.JSON.createObjectNode();
                n.set("plan", JsonReporter.JSON.valueToTree(planned.plan()));
                n.put("cluster", inventory.cluster().name());
                n.put("member", r.member());
                n.put("file", r.file().toString());
                n.put("sha256", r.sha256());
                n.put("hash", r.status().hash());
                n.put("revision", r.status().revision());
                n.put("totalKey", r.status().totalKey());
                n.put("totalSize", r.status().totalSize());
                r.removed().forEach(p -> n.withArray("removed").add(p.toString()));
                printJson(n);
            } else {
                out().print(r.status().table());
                out().println("snapshot of " + r.member() + " saved as " + r.file());
                out().println("sha256 " + r.sha256());
                r.removed().forEach(p -> out().println("removed old backup " + p.getFileName()
                        + " (dcsprov_backup_keep=" + inventory.cluster().backup().keep() + ")"));
            }
            out().flush();
            return 0;
        }
    }
}
