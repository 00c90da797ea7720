package dev.dcsprov.cli;

import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.upgrade.Upgrade;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** dcsprov upgrade: a rolling etcd upgrade (or roll-back) with gates, a snapshot first and a way back. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Moves every member to the etcd version of the inventory's source (etcd_package_release, etcd_tarball, or the "
                + "distribution's package), or to --to VERSION, one member at a time.",
                "Refuses unless every member is healthy, no learner is pending and the move is one etcd supports (one minor "
                        + "at a time, the patch floors etcd documents); takes a verified snapshot first; followers first, the "
                        + "leader last after leadership moved; a member that does not come back healthy on the new version is "
                        + "put back on its old one and the run stops."})
final class UpgradeCommand extends InventoryCommand {
    @Option(names = "--to", paramLabel = "VERSION", description = "The etcd version (3.4.23) or Debian version (3.4.23-4+b4) to move to; "
            + "an older one rolls back, allowed while the cluster version has not moved")
    String to;

    @Option(names = "--check", description = "Show what would change and run the gates; change nothing, take no snapshot")
    boolean check;

    @Override
    public Integer call() {
        Inventory inventory = loadInventory();
        List<String> progress = new ArrayList<>();
        long started = System.nanoTime();
        Upgrade.Result r;
        try (var lock = lockRun(inventory); ConnectedHosts hosts = connect(inventory)) {
            lock.onMembers(hosts);
            r = new Upgrade(inventory, hosts, new PkiStore(inventory.cluster().pkiDir()), m -> {
                progress.add(m);
                if (!json()) {
                    out().println("[cluster] " + m);
                    out().flush();
                }
            }, journal(inventory, hosts, UpgradeVersionMove.OPERATION)).run(Optional.ofNullable(to), check);
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("target", r.target());
            doc.put("members", r.rows().stream().map(x -> Map.of("member", x.member(), "runs", x.runs(), "will_run", x.willRun())).toList());
            doc.put("upgraded", r.upgraded());
            r.snapshot().ifPresent(s -> doc.put("snapshot", Map.of("file", s.file().toString(), "sha256", s.sha256())));
            doc.put("cluster_version_before", r.clusterBefore().orElse(""));
            doc.put("cluster_version_after", r.clusterAfter().orElse(""));
            doc.put("checks", r.checks());
            doc.put("seconds_per_member", r.secondsPerMember());
            doc.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
            doc.put("progress", progress);
            printJson(doc);
        } else {
            out().println();
            out().println(check ? "UPGRADE PLAN (--check: nothing changed)" : "UPGRADE");
            for (Upgrade.Row row : r.rows()) {
                out().printf("%-16s runs %-34s will run %s%n", row.member(), row.runs(), row.willRun());
            }
            if (!check) {
                out().println(r.upgraded().isEmpty() ? "nothing to do: every member runs " + r.target() : r.upgradedLine());
                out().println(r.clusterVersionLine());
                r.snapshot().ifPresent(s -> out().println("snapshot before the upgrade: " + s.file()));
                out().printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
            }
        }
        out().flush();
        return ExitCode.OK.code();
    }
}
